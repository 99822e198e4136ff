import { SqlClient, SqlSchema } from "@effect/sql"
import {
  type AccountId,
  AccountNotFound,
  InsufficientBalance,
  InvalidLedgerAmount,
  LedgerEntry,
  type LedgerKind
} from "@volley/core"
import { Effect, Schema } from "effect"

interface Details {
  readonly reference?: string | undefined
  readonly note?: string | undefined
}

const BalanceRow = Schema.Struct({ balanceAfterMinor: Schema.Int })

/**
 * The only way a balance changes: one statement updates `accounts.balance_minor` and appends the ledger
 * row together, so callers inside a transaction (a batch of messages and its charge) commit or roll
 * back both. A debit is conditional on the balance covering it; concurrent debits serialise on the
 * account row, so the balance never goes below zero.
 */
export class Ledger extends Effect.Service<Ledger>()("volley/Ledger", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const checkAmount = (amountMinor: number) =>
      Number.isSafeInteger(amountMinor) && amountMinor > 0
        ? Effect.void
        : Effect.fail(
            new InvalidLedgerAmount({ amountMinor, reason: "must be a positive whole number of minor units" })
          )

    const balanceOf = (accountId: AccountId) =>
      sql<{ balanceMinor: number }>`SELECT balance_minor FROM accounts WHERE id = ${accountId}`.pipe(
        Effect.orDie,
        Effect.flatMap((rows) =>
          rows[0] ? Effect.succeed(rows[0].balanceMinor) : Effect.fail(new AccountNotFound({ accountId }))
        )
      )

    const credit = Effect.fn("Ledger.credit")(function* (
      accountId: AccountId,
      amountMinor: number,
      kind: Exclude<LedgerKind, "charge">,
      details: Details = {}
    ) {
      yield* checkAmount(amountMinor)
      const rows = yield* sql`
        WITH credited AS (
          UPDATE accounts SET balance_minor = balance_minor + ${amountMinor}
          WHERE id = ${accountId} RETURNING balance_minor)
        INSERT INTO ledger (account_id, amount_minor, balance_after_minor, kind, reference, note)
        SELECT ${accountId}, ${amountMinor}, balance_minor, ${kind}, ${details.reference ?? null}, ${details.note ?? null}
        FROM credited RETURNING balance_after_minor`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(BalanceRow))),
        Effect.orDie
      )
      const row = rows[0]
      if (!row) return yield* new AccountNotFound({ accountId })
      return row.balanceAfterMinor
    })

    const debit = Effect.fn("Ledger.debit")(function* (
      accountId: AccountId,
      amountMinor: number,
      details: Details = {}
    ) {
      yield* checkAmount(amountMinor)
      const rows = yield* sql`
        WITH debited AS (
          UPDATE accounts SET balance_minor = balance_minor - ${amountMinor}
          WHERE id = ${accountId} AND balance_minor >= ${amountMinor} RETURNING balance_minor)
        INSERT INTO ledger (account_id, amount_minor, balance_after_minor, kind, reference, note)
        SELECT ${accountId}, ${-amountMinor}, balance_minor, 'charge', ${details.reference ?? null}, ${details.note ?? null}
        FROM debited RETURNING balance_after_minor`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(BalanceRow))),
        Effect.orDie
      )
      const row = rows[0]
      if (row) return row.balanceAfterMinor
      const available = yield* balanceOf(accountId)
      return yield* new InsufficientBalance({
        accountId,
        requiredMinor: amountMinor,
        availableMinor: available
      })
    })

    const history = SqlSchema.findAll({
      Request: Schema.Struct({ accountId: Schema.String, beforeId: Schema.Int, limit: Schema.Int }),
      Result: LedgerEntry,
      execute: ({ accountId, beforeId, limit }) => sql`
        SELECT id, account_id, amount_minor, balance_after_minor, kind, reference, note, created_at
        FROM ledger WHERE account_id = ${accountId} AND id < ${beforeId}
        ORDER BY id DESC LIMIT ${limit}`
    })

    return {
      credit,
      debit,
      balanceOf,
      /** Newest first; pass the last id seen as `beforeId` for the next page. */
      history: (
        accountId: AccountId,
        page: { beforeId?: number | undefined; limit?: number | undefined } = {}
      ) =>
        history({
          accountId,
          beforeId: page.beforeId ?? Number.MAX_SAFE_INTEGER,
          limit: page.limit ?? 50
        }).pipe(Effect.orDie)
    } as const
  })
}) {}

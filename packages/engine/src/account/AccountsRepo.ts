import { SqlClient, SqlSchema } from "@effect/sql"
import { Account, type AccountId, type AccountMode, AccountNotFound, uuid7 } from "@volley/core"
import { Effect, Option, Schema } from "effect"
import { Ledger } from "./Ledger.js"

export interface NewAccount {
  readonly name: string
  readonly mode?: AccountMode | undefined
  readonly bonusMinor?: number | undefined
  readonly currency?: string | undefined
  readonly timeZone?: string | undefined
  /** Messages a test-mode account may send per day; the column's default when unset. */
  readonly testDailyCap?: number | undefined
}

export interface AccountsPage {
  /** The last id of the previous page; the first page without it. */
  readonly after?: AccountId | undefined
  readonly limit?: number | undefined
}

const columns = `id, name, mode, balance_minor, currency, max_parts, test_daily_cap, time_zone,
  unknown_outcome_policy, created_at, activated_at`

export class AccountsRepo extends Effect.Service<AccountsRepo>()("volley/AccountsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const ledger = yield* Ledger

    const findById = SqlSchema.findOne({
      Request: Schema.String,
      Result: Account,
      execute: (id) => sql`SELECT ${sql.literal(columns)} FROM accounts WHERE id = ${id}`
    })

    const get = (id: AccountId) =>
      findById(id).pipe(
        Effect.orDie,
        Effect.flatMap(
          Option.match({
            onNone: () => Effect.fail(new AccountNotFound({ accountId: id })),
            onSome: Effect.succeed
          })
        )
      )

    /** A new account, with its test bonus credited through the ledger in the same transaction. */
    const create = Effect.fn("AccountsRepo.create")(
      function* (input: NewAccount) {
        const id = uuid7() as AccountId
        yield* sql`
        INSERT INTO accounts (id, name, mode, currency, time_zone, activated_at)
        VALUES (${id}, ${input.name}, ${input.mode ?? "test"}, ${input.currency ?? "UAH"},
                ${input.timeZone ?? "Europe/Kyiv"}, ${input.mode === "active" ? sql.literal("now()") : null})`
        if (input.testDailyCap !== undefined) {
          yield* sql`UPDATE accounts SET test_daily_cap = ${input.testDailyCap} WHERE id = ${id}`
        }
        if (input.bonusMinor !== undefined && input.bonusMinor > 0) {
          yield* ledger.credit(id, input.bonusMinor, "bonus", { note: "test-mode bonus" })
        }
        return yield* get(id)
      },
      (effect) => sql.withTransaction(effect).pipe(Effect.catchTag("SqlError", Effect.die))
    )

    const setMode = Effect.fn("AccountsRepo.setMode")(function* (id: AccountId, mode: AccountMode) {
      const rows = yield* sql`
        UPDATE accounts SET mode = ${mode},
          activated_at = CASE WHEN ${mode} = 'active' THEN coalesce(activated_at, now()) ELSE activated_at END
        WHERE id = ${id} RETURNING id`.pipe(Effect.orDie)
      if (rows.length === 0) return yield* new AccountNotFound({ accountId: id })
      return yield* get(id)
    })

    /** Back to test mode (DESIGN.md §6 limits apply again), optionally with a new daily cap. */
    const enterTestMode = Effect.fn("AccountsRepo.enterTestMode")(function* (
      id: AccountId,
      dailyCap?: number | undefined
    ) {
      const rows = yield* sql`
        UPDATE accounts SET mode = 'test', test_daily_cap = coalesce(${dailyCap ?? null}::int4, test_daily_cap)
        WHERE id = ${id} RETURNING id`.pipe(Effect.orDie)
      if (rows.length === 0) return yield* new AccountNotFound({ accountId: id })
      return yield* get(id)
    })

    const listRows = SqlSchema.findAll({
      Request: Schema.Struct({ after: Schema.NullOr(Schema.String), limit: Schema.Int }),
      Result: Account,
      execute: ({ after, limit }) => sql`
        SELECT ${sql.literal(columns)} FROM accounts
        WHERE ${after === null ? sql.literal("true") : sql`id > ${after}`}
        ORDER BY id LIMIT ${limit}`
    })

    /** Keyset pages in id order (UUIDv7: creation order). */
    const list = (page: AccountsPage = {}) =>
      listRows({
        after: page.after ?? null,
        limit: Math.max(1, Math.min(1_000, Math.trunc(page.limit ?? 100)))
      }).pipe(Effect.orDie, Effect.withSpan("AccountsRepo.list"))

    return {
      get: (id: AccountId) => get(id).pipe(Effect.withSpan("AccountsRepo.get")),
      find: (id: AccountId) => findById(id).pipe(Effect.orDie),
      create,
      activate: (id: AccountId) => setMode(id, "active"),
      setMode,
      enterTestMode,
      list
    } as const
  }),
  dependencies: [Ledger.Default]
}) {}

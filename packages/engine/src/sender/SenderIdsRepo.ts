import { SqlClient, SqlSchema } from "@effect/sql"
import { type AccountId, AccountNotFound, type SenderIdRequestId, uuid7 } from "@volley/core"
import { parseSenderId, requiresApproval, type SenderId } from "@volley/core/sender/SenderId"
import {
  DEFAULT_SENDER_ID,
  type SenderIdDecision,
  SenderIdNotApproved,
  SenderIdRequest,
  SenderIdRequestNotFound
} from "@volley/core/sender/SenderIdRequest"
import { Effect, Option, Schema } from "effect"

const columns = `id, account_id, value, kind, status, decision_note, created_at, decided_at`

/**
 * Sender IDs per account. Alphanumeric names wait for an operator's decision (DESIGN.md §6); numbers and
 * short codes follow core's `requiresApproval` and are approved when requested — DESIGN asks approval for
 * names only, and an operator can still reject a number afterwards with `decide`.
 */
export class SenderIdsRepo extends Effect.Service<SenderIdsRepo>()("volley/SenderIdsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const insert = SqlSchema.findAll({
      Request: Schema.Struct({
        id: Schema.String,
        accountId: Schema.String,
        value: Schema.String,
        kind: Schema.String,
        approved: Schema.Boolean
      }),
      Result: SenderIdRequest,
      execute: (r) => sql`
        INSERT INTO sender_ids (id, account_id, value, kind, status, decided_at)
        SELECT ${r.id}, a.id, ${r.value}, ${r.kind},
               CASE WHEN ${r.approved} THEN 'approved' ELSE 'pending' END,
               CASE WHEN ${r.approved} THEN now() END
        FROM accounts a WHERE a.id = ${r.accountId}
        ON CONFLICT (account_id, value) DO NOTHING
        RETURNING ${sql.literal(columns)}`
    })

    const findByValue = SqlSchema.findOne({
      Request: Schema.Struct({ accountId: Schema.String, value: Schema.String }),
      Result: SenderIdRequest,
      execute: ({ accountId, value }) => sql`
        SELECT ${sql.literal(columns)} FROM sender_ids WHERE account_id = ${accountId} AND value = ${value}`
    })

    /** A request for a sender ID; asking again for the same value returns the existing row as it stands. */
    const request = Effect.fn("SenderIdsRepo.request")(function* (accountId: AccountId, raw: string) {
      const senderId = yield* parseSenderId(raw)
      const inserted = yield* insert({
        id: uuid7(),
        accountId,
        value: senderId.value,
        kind: senderId.kind,
        approved: !requiresApproval(senderId)
      }).pipe(Effect.orDie)
      if (inserted[0]) return inserted[0]
      const existing = yield* findByValue({ accountId, value: senderId.value }).pipe(Effect.orDie)
      if (Option.isSome(existing)) return existing.value
      return yield* new AccountNotFound({ accountId })
    })

    const listByAccount = SqlSchema.findAll({
      Request: Schema.String,
      Result: SenderIdRequest,
      execute: (accountId) => sql`
        SELECT ${sql.literal(columns)} FROM sender_ids WHERE account_id = ${accountId} ORDER BY created_at, id`
    })

    const findOwn = SqlSchema.findOne({
      Request: Schema.Struct({ accountId: Schema.String, id: Schema.String }),
      Result: SenderIdRequest,
      execute: ({ accountId, id }) => sql`
        SELECT ${sql.literal(columns)} FROM sender_ids WHERE id = ${id} AND account_id = ${accountId}`
    })

    /** One of the account's sender IDs; another account's is "not found" (indistinguishable on purpose). */
    const get = Effect.fn("SenderIdsRepo.get")(function* (accountId: AccountId, id: SenderIdRequestId) {
      const row = yield* findOwn({ accountId, id }).pipe(Effect.orDie)
      if (Option.isNone(row)) return yield* new SenderIdRequestNotFound({ id })
      return row.value
    })

    const pending = SqlSchema.findAll({
      Request: Schema.Void,
      Result: SenderIdRequest,
      execute: () => sql`
        SELECT ${sql.literal(columns)} FROM sender_ids WHERE status = 'pending' ORDER BY created_at, id`
    })

    const decideRow = SqlSchema.findOne({
      Request: Schema.Struct({
        id: Schema.String,
        status: Schema.String,
        note: Schema.NullOr(Schema.String)
      }),
      Result: SenderIdRequest,
      execute: ({ id, status, note }) => sql`
        UPDATE sender_ids SET status = ${status}, decision_note = ${note}, decided_at = now()
        WHERE id = ${id} RETURNING ${sql.literal(columns)}`
    })

    /** An operator's decision; a later decision replaces an earlier one (e.g. withdrawing an approval). */
    const decide = Effect.fn("SenderIdsRepo.decide")(function* (
      id: SenderIdRequestId,
      decision: SenderIdDecision,
      note?: string | null
    ) {
      const row = yield* decideRow({ id, status: decision, note: note ?? null }).pipe(Effect.orDie)
      if (Option.isNone(row)) return yield* new SenderIdRequestNotFound({ id })
      return row.value
    })

    const statusOf = SqlSchema.findOne({
      Request: Schema.Struct({ accountId: Schema.String, value: Schema.String }),
      Result: Schema.Struct({ status: Schema.Literal("pending", "approved", "rejected") }),
      execute: ({ accountId, value }) => sql`
        SELECT status FROM sender_ids WHERE account_id = ${accountId} AND value = ${value}`
    })

    /**
     * The checked sender ID (with its TON/NPI) if this account may send from it: approved for the account,
     * or the universal default. Whether a test-mode account may use anything but the default is the send
     * path's rule, not this one's.
     */
    const requireApproved = Effect.fn("SenderIdsRepo.requireApproved")(function* (
      accountId: AccountId,
      value: string
    ) {
      const senderId: SenderId = yield* parseSenderId(value)
      if (senderId.value === DEFAULT_SENDER_ID) return senderId
      const row = yield* statusOf({ accountId, value: senderId.value }).pipe(Effect.orDie)
      if (Option.isNone(row))
        return yield* new SenderIdNotApproved({ value: senderId.value, status: "unknown" })
      const { status } = row.value
      if (status !== "approved") return yield* new SenderIdNotApproved({ value: senderId.value, status })
      return senderId
    })

    return {
      request,
      get,
      list: (accountId: AccountId) =>
        listByAccount(accountId).pipe(Effect.orDie, Effect.withSpan("SenderIdsRepo.list")),
      /** Every account's requests awaiting a decision, oldest first: the operators' queue. */
      listPending: () => pending(undefined).pipe(Effect.orDie, Effect.withSpan("SenderIdsRepo.listPending")),
      decide,
      requireApproved
    } as const
  })
}) {}

import { SqlClient, SqlSchema } from "@effect/sql"
import { type AccountId, AccountNotFound } from "@volley/core"
import { BlacklistEntry } from "@volley/core/blacklist/BlacklistEntry"
import type { E164 } from "@volley/core/phone/PhoneNumber"
import { Effect, Option, Schema } from "effect"

const columns = `account_id, msisdn, reason, created_at`

export interface BlacklistPage {
  /** The last msisdn of the previous page; the first page without it. */
  readonly after?: E164 | undefined
  readonly limit?: number | undefined
}

export class BlacklistRepo extends Effect.Service<BlacklistRepo>()("volley/BlacklistRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const insert = SqlSchema.findAll({
      Request: Schema.Struct({
        accountId: Schema.String,
        msisdn: Schema.String,
        reason: Schema.NullOr(Schema.String)
      }),
      Result: BlacklistEntry,
      execute: ({ accountId, msisdn, reason }) => sql`
        INSERT INTO blacklist (account_id, msisdn, reason)
        SELECT a.id, ${msisdn}, ${reason} FROM accounts a WHERE a.id = ${accountId}
        ON CONFLICT (account_id, msisdn) DO NOTHING
        RETURNING ${sql.literal(columns)}`
    })

    const findOne = SqlSchema.findOne({
      Request: Schema.Struct({ accountId: Schema.String, msisdn: Schema.String }),
      Result: BlacklistEntry,
      execute: ({ accountId, msisdn }) => sql`
        SELECT ${sql.literal(columns)} FROM blacklist WHERE account_id = ${accountId} AND msisdn = ${msisdn}`
    })

    /** Idempotent: adding a listed number returns the existing entry (its first reason is kept). */
    const add = Effect.fn("BlacklistRepo.add")(function* (
      accountId: AccountId,
      msisdn: E164,
      reason?: string | null
    ) {
      const rows = yield* insert({ accountId, msisdn, reason: reason ?? null }).pipe(Effect.orDie)
      if (rows[0]) return rows[0]
      const existing = yield* findOne({ accountId, msisdn }).pipe(Effect.orDie)
      if (Option.isSome(existing)) return existing.value
      return yield* new AccountNotFound({ accountId })
    })

    /** Whether the number was listed (removing an unlisted number is not an error here). */
    const remove = (accountId: AccountId, msisdn: E164) =>
      sql`DELETE FROM blacklist WHERE account_id = ${accountId} AND msisdn = ${msisdn} RETURNING 1`.pipe(
        Effect.map((rows) => rows.length > 0),
        Effect.orDie,
        Effect.withSpan("BlacklistRepo.remove")
      )

    const listRows = SqlSchema.findAll({
      Request: Schema.Struct({ accountId: Schema.String, after: Schema.String, limit: Schema.Int }),
      Result: BlacklistEntry,
      execute: ({ accountId, after, limit }) => sql`
        SELECT ${sql.literal(columns)} FROM blacklist
        WHERE account_id = ${accountId} AND msisdn > ${after}
        ORDER BY msisdn LIMIT ${limit}`
    })

    /** Keyset pages in msisdn order (the primary key's order). */
    const list = (accountId: AccountId, page: BlacklistPage = {}) =>
      listRows({
        accountId,
        after: page.after ?? "",
        limit: Math.max(1, Math.min(1_000, Math.trunc(page.limit ?? 100)))
      }).pipe(Effect.orDie, Effect.withSpan("BlacklistRepo.list"))

    /**
     * The subset of `msisdns` the account has blacklisted, in one indexed query: it runs once per batch
     * on the send path, so no per-number round trip and no schema decoding of the rows.
     */
    const filterBlacklisted = (accountId: AccountId, msisdns: ReadonlyArray<E164>) =>
      msisdns.length === 0
        ? Effect.succeed(new Set<E164>() as ReadonlySet<E164>)
        : sql<{ msisdn: E164 }>`
            SELECT msisdn FROM blacklist WHERE account_id = ${accountId} AND msisdn = ANY(${msisdns}::text[])`.pipe(
            Effect.map((rows): ReadonlySet<E164> => new Set(rows.map((r) => r.msisdn))),
            Effect.orDie,
            Effect.withSpan("BlacklistRepo.filterBlacklisted", { attributes: { count: msisdns.length } })
          )

    return { add, remove, list, filterBlacklisted } as const
  })
}) {}

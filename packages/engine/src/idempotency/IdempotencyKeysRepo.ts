import { SqlClient, SqlSchema } from "@effect/sql"
import type { AccountId } from "@volley/core"
import { Effect, Option, Schema } from "effect"

/** A key as stored: its request's hash and, once the request finished, the response it got. */
export class StoredIdempotencyKey extends Schema.Class<StoredIdempotencyKey>("StoredIdempotencyKey")({
  requestHash: Schema.String,
  responseStatus: Schema.NullOr(Schema.Int),
  responseBody: Schema.NullOr(Schema.Unknown)
}) {}

/**
 * `Claimed` carries the claim's token (its `created_at`, to the microsecond): the response is stored only
 * while the claim is still that one, so a claim taken over after its lease can never be completed twice.
 */
export type Claim =
  | { readonly _tag: "Claimed"; readonly token: string }
  | { readonly _tag: "Existing"; readonly stored: StoredIdempotencyKey }

const Key = Schema.Struct({ accountId: Schema.String, key: Schema.String })

/**
 * Idempotency keys per account. `claim` inserts the key before the request runs: the primary key lets
 * exactly one of several concurrent duplicates win, the others see its row. A send stores its response
 * in its own transaction (`complete` inside `SendService`'s `withinCommit`), so a claim still without a
 * response after its lease belongs to a request that died before anything committed: it is taken over.
 */
export class IdempotencyKeysRepo extends Effect.Service<IdempotencyKeysRepo>()("volley/IdempotencyKeysRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const find = SqlSchema.findOne({
      Request: Key,
      Result: StoredIdempotencyKey,
      execute: ({ accountId, key }) => sql`
        SELECT request_hash, response_status, response_body FROM idempotency_keys
        WHERE account_id = ${accountId} AND key = ${key}`
    })

    const claim = Effect.fn("IdempotencyKeysRepo.claim")(function* (
      accountId: AccountId,
      key: string,
      requestHash: string,
      leaseMs: number
    ) {
      // a loop: a claim released between our insert and our read is free again, so we try once more
      while (true) {
        const inserted = yield* sql<{ token: string }>`
          INSERT INTO idempotency_keys (account_id, key, request_hash, created_at)
          VALUES (${accountId}, ${key}, ${requestHash}, clock_timestamp())
          ON CONFLICT (account_id, key) DO NOTHING RETURNING created_at::text AS token`.pipe(Effect.orDie)
        if (inserted[0] !== undefined) return { _tag: "Claimed", token: inserted[0].token } as Claim
        const takenOver = yield* sql<{ token: string }>`
          UPDATE idempotency_keys SET created_at = clock_timestamp()
          WHERE account_id = ${accountId} AND key = ${key} AND request_hash = ${requestHash}
            AND response_status IS NULL
            AND created_at < clock_timestamp() - ${leaseMs}::float8 * interval '1 millisecond'
          RETURNING created_at::text AS token`.pipe(Effect.orDie)
        if (takenOver[0] !== undefined) return { _tag: "Claimed", token: takenOver[0].token } as Claim
        const existing = yield* find({ accountId, key }).pipe(Effect.orDie)
        if (Option.isSome(existing)) return { _tag: "Existing", stored: existing.value } as Claim
      }
    })

    /**
     * Records the response a claimed key's request ended with; later duplicates get exactly this. False
     * when the claim is no longer this request's (taken over after its lease): nothing is recorded, and a
     * send running this inside its transaction must roll back.
     */
    const complete = Effect.fn("IdempotencyKeysRepo.complete")(function* (
      accountId: AccountId,
      key: string,
      token: string,
      status: number,
      body: unknown
    ) {
      const rows = yield* sql`
        UPDATE idempotency_keys SET response_status = ${status}, response_body = ${JSON.stringify(body)}::json,
          completed_at = now()
        WHERE account_id = ${accountId} AND key = ${key} AND created_at = ${token}::timestamptz
          AND response_status IS NULL
        RETURNING key`.pipe(Effect.orDie)
      return rows.length > 0
    })

    /** Drops an unfinished claim (its request crashed before it could change anything), so a retry runs. */
    const release = Effect.fn("IdempotencyKeysRepo.release")(function* (
      accountId: AccountId,
      key: string,
      token: string
    ) {
      yield* sql`
        DELETE FROM idempotency_keys
        WHERE account_id = ${accountId} AND key = ${key} AND created_at = ${token}::timestamptz
          AND response_status IS NULL`.pipe(Effect.orDie)
    })

    /** Forgets keys claimed before `cutoff`, at most `limit` per call; returns how many. */
    const purgeBefore = (cutoff: Date, limit: number) =>
      sql`
        DELETE FROM idempotency_keys WHERE ctid IN (
          SELECT ctid FROM idempotency_keys WHERE created_at < ${cutoff.toISOString()}::timestamptz LIMIT ${limit})
        RETURNING 1`.pipe(
        Effect.map((rows) => rows.length),
        Effect.orDie,
        Effect.withSpan("IdempotencyKeysRepo.purgeBefore")
      )

    return {
      claim,
      complete,
      release,
      purgeBefore,
      find: (accountId: AccountId, key: string) => find({ accountId, key }).pipe(Effect.orDie)
    } as const
  })
}) {}

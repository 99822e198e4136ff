import { SqlClient, SqlSchema } from "@effect/sql"
import type { AccountId } from "@volley/core"
import { Effect, Option, Schema } from "effect"

/** A key as stored: its request's hash and, once the request finished, the response it got. */
export class StoredIdempotencyKey extends Schema.Class<StoredIdempotencyKey>("StoredIdempotencyKey")({
  requestHash: Schema.String,
  responseStatus: Schema.NullOr(Schema.Int),
  responseBody: Schema.NullOr(Schema.Unknown)
}) {}

export type Claim =
  | { readonly _tag: "Claimed" }
  | { readonly _tag: "Existing"; readonly stored: StoredIdempotencyKey }

const Key = Schema.Struct({ accountId: Schema.String, key: Schema.String })

/**
 * Idempotency keys per account. `claim` inserts the key before the request runs: the primary key lets
 * exactly one of several concurrent duplicates win, the others see its row.
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
      requestHash: string
    ) {
      // a loop: a claim released between our insert and our read is free again, so we try once more
      while (true) {
        const inserted = yield* sql`
          INSERT INTO idempotency_keys (account_id, key, request_hash)
          VALUES (${accountId}, ${key}, ${requestHash})
          ON CONFLICT (account_id, key) DO NOTHING RETURNING key`.pipe(Effect.orDie)
        if (inserted.length > 0) return { _tag: "Claimed" } as Claim
        const existing = yield* find({ accountId, key }).pipe(Effect.orDie)
        if (Option.isSome(existing)) return { _tag: "Existing", stored: existing.value } as Claim
      }
    })

    /** Records the response a claimed key's request ended with; later duplicates get exactly this. */
    const complete = Effect.fn("IdempotencyKeysRepo.complete")(function* (
      accountId: AccountId,
      key: string,
      status: number,
      body: unknown
    ) {
      yield* sql`
        UPDATE idempotency_keys SET response_status = ${status}, response_body = ${JSON.stringify(body)}::json,
          completed_at = now()
        WHERE account_id = ${accountId} AND key = ${key}`.pipe(Effect.orDie)
    })

    /** Drops an unfinished claim (its request crashed before it could change anything), so a retry runs. */
    const release = Effect.fn("IdempotencyKeysRepo.release")(function* (accountId: AccountId, key: string) {
      yield* sql`
        DELETE FROM idempotency_keys
        WHERE account_id = ${accountId} AND key = ${key} AND response_status IS NULL`.pipe(Effect.orDie)
    })

    return {
      claim,
      complete,
      release,
      find: (accountId: AccountId, key: string) => find({ accountId, key }).pipe(Effect.orDie)
    } as const
  })
}) {}

import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { SqlClient, SqlSchema } from "@effect/sql"
import { type AccountId, AccountNotFound, type ApiKeyId, uuid7 } from "@volley/core"
import {
  API_KEY_PREFIX_LENGTH,
  API_KEY_SECRET_LENGTH,
  ApiKey,
  AuthenticatedApiKey,
  BASE62_ALPHABET,
  CreatedApiKey,
  formatApiKey,
  parseApiKey
} from "@volley/core/apikey/ApiKey"
import { ApiKeyNotFound, InvalidApiKey } from "@volley/core/apikey/errors"
import { Effect, Either, Option, Schema } from "effect"

/** `last_used_at` is refreshed at most this often: authentication stays a read on the hot path. */
export const LAST_USED_RESOLUTION_MS = 60_000

/** Uniform base62 from the OS CSPRNG: bytes ≥ 248 (= 4·62) are dropped so no symbol is favoured. */
export const randomBase62 = (length: number): string => {
  let out = ""
  while (out.length < length) {
    for (const byte of randomBytes(length + 8)) {
      if (byte < 248) out += BASE62_ALPHABET[byte % 62]
      if (out.length === length) break
    }
  }
  return out
}

/** A high-entropy key needs no slow hash: SHA-256 of the whole key. */
const hashKey = (plaintext: string): Buffer => createHash("sha256").update(plaintext, "utf8").digest()

/** A key as presented, reduced to what checking it needs: its prefix and digest, never the key itself. */
export interface PresentedKey {
  readonly prefix: string
  readonly digest: Buffer
}

export const presentedKey = (plaintext: string): Either.Either<PresentedKey, InvalidApiKey> =>
  Either.map(parseApiKey(plaintext), ({ prefix }) => ({ prefix, digest: hashKey(plaintext) }))

const columns = `id, account_id, name, prefix, rate_limit_per_second, created_at, last_used_at, revoked_at`

const KeyRow = Schema.Struct({
  id: Schema.String,
  accountId: Schema.String,
  secretHash: Schema.Uint8ArrayFromSelf,
  rateLimitPerSecond: Schema.Int,
  lastUsedAt: Schema.NullOr(Schema.Date),
  revokedAt: Schema.NullOr(Schema.Date)
})

export interface NewApiKeyOptions {
  readonly rateLimitPerSecond?: number | undefined
}

export class ApiKeysRepo extends Effect.Service<ApiKeysRepo>()("volley/ApiKeysRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const insert = SqlSchema.findAll({
      Request: Schema.Struct({
        id: Schema.String,
        accountId: Schema.String,
        name: Schema.String,
        prefix: Schema.String,
        secretHash: Schema.Uint8ArrayFromSelf,
        rateLimitPerSecond: Schema.NullOr(Schema.Int)
      }),
      Result: ApiKey,
      // The account check and the insert are one statement; a prefix collision (62^8 space) inserts nothing.
      execute: (r) => sql`
        INSERT INTO api_keys (id, account_id, name, prefix, secret_hash, rate_limit_per_second)
        SELECT ${r.id}, a.id, ${r.name}, ${r.prefix}, ${r.secretHash}, coalesce(${r.rateLimitPerSecond}::int4, 100)
        FROM accounts a WHERE a.id = ${r.accountId}
        ON CONFLICT (prefix) DO NOTHING
        RETURNING ${sql.literal(columns)}`
    })

    const accountExists = (accountId: AccountId) =>
      sql`SELECT 1 FROM accounts WHERE id = ${accountId}`.pipe(
        Effect.map((rows) => rows.length > 0),
        Effect.orDie
      )

    /** Mints a key; the plaintext is returned here once and never stored. */
    const create = Effect.fn("ApiKeysRepo.create")(function* (
      accountId: AccountId,
      name: string,
      options: NewApiKeyOptions = {}
    ) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const prefix = randomBase62(API_KEY_PREFIX_LENGTH)
        const plaintext = formatApiKey({ prefix, secret: randomBase62(API_KEY_SECRET_LENGTH) })
        const rows = yield* insert({
          id: uuid7(),
          accountId,
          name: name.trim(),
          prefix,
          secretHash: hashKey(plaintext),
          rateLimitPerSecond: options.rateLimitPerSecond ?? null
        }).pipe(Effect.orDie)
        const key = rows[0]
        if (key) return new CreatedApiKey({ key, plaintext })
        if (!(yield* accountExists(accountId))) return yield* new AccountNotFound({ accountId })
      }
      return yield* Effect.dieMessage("ApiKeysRepo.create: three prefix collisions in a row")
    })

    const list = SqlSchema.findAll({
      Request: Schema.String,
      Result: ApiKey,
      execute: (accountId) => sql`
        SELECT ${sql.literal(columns)} FROM api_keys WHERE account_id = ${accountId} ORDER BY created_at, id`
    })

    const revokeRow = SqlSchema.findOne({
      Request: Schema.Struct({ accountId: Schema.String, keyId: Schema.String }),
      Result: ApiKey,
      execute: ({ accountId, keyId }) => sql`
        UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
        WHERE id = ${keyId} AND account_id = ${accountId}
        RETURNING ${sql.literal(columns)}`
    })

    /** Idempotent: revoking a revoked key returns it unchanged. Another account's key is "not found". */
    const revoke = Effect.fn("ApiKeysRepo.revoke")(function* (accountId: AccountId, keyId: ApiKeyId) {
      const row = yield* revokeRow({ accountId, keyId }).pipe(Effect.orDie)
      if (Option.isNone(row)) return yield* new ApiKeyNotFound({ keyId })
      return row.value
    })

    const findByPrefix = SqlSchema.findOne({
      Request: Schema.String,
      Result: KeyRow,
      execute: (prefix) => sql`
        SELECT id, account_id, secret_hash, rate_limit_per_second, last_used_at, revoked_at
        FROM api_keys WHERE prefix = ${prefix}`
    })

    /**
     * Checks a presented key: one indexed read; a write only when `last_used_at` is more than a minute
     * old (conditional, so concurrent requests don't all write). Every failure is `InvalidApiKey`.
     */
    const verify = Effect.fn("ApiKeysRepo.verify")(function* ({ prefix, digest }: PresentedKey) {
      const found = yield* findByPrefix(prefix).pipe(Effect.orDie)
      if (Option.isNone(found)) return yield* new InvalidApiKey({ reason: "unknown_prefix", prefix })
      const row = found.value
      if (row.secretHash.length !== digest.length || !timingSafeEqual(row.secretHash, digest)) {
        return yield* new InvalidApiKey({ reason: "wrong_secret", prefix })
      }
      if (row.revokedAt !== null) return yield* new InvalidApiKey({ reason: "revoked", prefix })
      if (row.lastUsedAt === null || Date.now() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
        yield* sql`
          UPDATE api_keys SET last_used_at = now()
          WHERE id = ${row.id}
            AND (last_used_at IS NULL OR last_used_at <= now() - make_interval(secs => ${LAST_USED_RESOLUTION_MS / 1000}))`.pipe(
          Effect.orDie
        )
      }
      return new AuthenticatedApiKey({
        keyId: row.id as ApiKeyId,
        accountId: row.accountId as AccountId,
        rateLimitPerSecond: row.rateLimitPerSecond
      })
    })

    const authenticate = (plaintext: string) =>
      Either.match(presentedKey(plaintext), { onLeft: Effect.fail, onRight: verify })

    return {
      create,
      list: (accountId: AccountId) => list(accountId).pipe(Effect.orDie, Effect.withSpan("ApiKeysRepo.list")),
      revoke,
      authenticate,
      verify
    } as const
  })
}) {}

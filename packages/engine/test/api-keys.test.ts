import { createHash } from "node:crypto"
import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import type { AccountId, ApiKeyId } from "@volley/core"
import { Effect, Layer } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { ApiKeysRepo } from "../src/apikey/ApiKeysRepo.js"
import { TestDatabase } from "./support/TestDatabase.js"

const Repos = Layer.mergeAll(AccountsRepo.Default, ApiKeysRepo.Default).pipe(Layer.provideMerge(TestDatabase))

const newAccount = (name: string) => Effect.flatMap(AccountsRepo, (accounts) => accounts.create({ name }))

layer(Repos)("API keys", (it) => {
  it.effect("a new key is shown once in full; only its prefix and SHA-256 are stored", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeysRepo
      const sql = yield* SqlClient.SqlClient
      const account = yield* newAccount("Keys")
      const created = yield* keys.create(account.id, "  production  ")
      expect(created.plaintext).toMatch(/^vk_[0-9A-Za-z]{8}_[0-9A-Za-z]{32,}$/)
      expect(created.key).toMatchObject({
        accountId: account.id,
        name: "production",
        prefix: created.plaintext.slice(3, 11),
        rateLimitPerSecond: 100,
        lastUsedAt: null,
        revokedAt: null
      })
      const rows = yield* sql<{ prefix: string; secretHash: Uint8Array }>`
        SELECT prefix, secret_hash FROM api_keys WHERE id = ${created.key.id}`
      expect(rows[0]?.prefix).toBe(created.key.prefix)
      const expected = createHash("sha256").update(created.plaintext).digest()
      expect(Buffer.from(rows[0]!.secretHash).equals(expected)).toBe(true)
      const stored = yield* sql`SELECT * FROM api_keys WHERE id = ${created.key.id}`
      const secret = created.plaintext.slice(12)
      expect(JSON.stringify(stored)).not.toContain(secret)

      const listed = yield* keys.list(account.id)
      expect(listed.map((k) => k.id)).toEqual([created.key.id])
      expect(Object.keys(listed[0]!)).not.toContain("secretHash")
    })
  )

  it.effect("the right key authenticates as its account with its rate limit", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeysRepo
      const account = yield* newAccount("Auth")
      const created = yield* keys.create(account.id, "ci", { rateLimitPerSecond: 7 })
      const principal = yield* keys.authenticate(created.plaintext)
      expect(principal).toMatchObject({ keyId: created.key.id, accountId: account.id, rateLimitPerSecond: 7 })
    })
  )

  it.effect("a wrong secret, an unknown prefix and malformed keys are refused with one tag", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeysRepo
      const account = yield* newAccount("Refused")
      const { plaintext, key } = yield* keys.create(account.id, "web")
      const last = plaintext.at(-1) === "a" ? "b" : "a"
      const wrong = yield* keys.authenticate(plaintext.slice(0, -1) + last).pipe(Effect.flip)
      expect(wrong).toMatchObject({ _tag: "InvalidApiKey", reason: "wrong_secret", prefix: key.prefix })

      const unknown = yield* keys.authenticate(`vk_ZZZZZZZZ_${plaintext.slice(12)}`).pipe(Effect.flip)
      expect(unknown).toMatchObject({ _tag: "InvalidApiKey", reason: "unknown_prefix", prefix: "ZZZZZZZZ" })

      for (const bad of [
        "",
        "Bearer x",
        plaintext.slice(0, -1).slice(0, 40), // secret too short
        `vk_${key.prefix}-${plaintext.slice(12)}`,
        `vk_${key.prefix}_${plaintext.slice(12, -1)}!`,
        `xk_${plaintext.slice(3)}`,
        `vk_${key.prefix.slice(1)}_${plaintext.slice(12)}`
      ]) {
        const error = yield* keys.authenticate(bad).pipe(Effect.flip)
        expect(error).toMatchObject({ _tag: "InvalidApiKey", reason: "malformed" })
        expect(error.message).not.toContain(plaintext.slice(12))
      }
    })
  )

  it.effect("a revoked key no longer authenticates; revoking again is harmless", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeysRepo
      const account = yield* newAccount("Revoke")
      const { plaintext, key } = yield* keys.create(account.id, "old")
      const revoked = yield* keys.revoke(account.id, key.id)
      expect(revoked.revokedAt).toBeInstanceOf(Date)
      const again = yield* keys.revoke(account.id, key.id)
      expect(again.revokedAt?.getTime()).toBe(revoked.revokedAt?.getTime())
      const error = yield* keys.authenticate(plaintext).pipe(Effect.flip)
      expect(error).toMatchObject({ _tag: "InvalidApiKey", reason: "revoked" })
      expect((yield* keys.list(account.id))[0]?.revokedAt).toBeInstanceOf(Date)
    })
  )

  it.effect("another account's key can't be revoked: it is not found, and stays valid", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeysRepo
      const owner = yield* newAccount("Owner")
      const intruder = yield* newAccount("Intruder")
      const { plaintext, key } = yield* keys.create(owner.id, "main")
      const error = yield* keys.revoke(intruder.id, key.id).pipe(Effect.flip)
      expect(error).toMatchObject({ _tag: "ApiKeyNotFound", keyId: key.id })
      const ghost = yield* keys
        .revoke(owner.id, "0190a0a0-0000-7000-8000-000000000000" as ApiKeyId)
        .pipe(Effect.flip)
      expect(ghost._tag).toBe("ApiKeyNotFound")
      expect(yield* keys.list(intruder.id)).toEqual([])
      expect((yield* keys.authenticate(plaintext)).accountId).toBe(owner.id)
    })
  )

  it.effect("last use is recorded, but at most once a minute", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeysRepo
      const sql = yield* SqlClient.SqlClient
      const account = yield* newAccount("Touch")
      const { plaintext, key } = yield* keys.create(account.id, "busy")
      const lastUsed = () =>
        sql<{ lastUsedAt: string | null }>`SELECT last_used_at FROM api_keys WHERE id = ${key.id}`.pipe(
          Effect.map((rows) => rows[0]?.lastUsedAt ?? null)
        )
      yield* keys.authenticate(plaintext)
      const first = yield* lastUsed()
      expect(first).not.toBeNull()
      yield* keys.authenticate(plaintext)
      yield* keys.authenticate(plaintext)
      expect(yield* lastUsed()).toBe(first)

      yield* sql`UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = ${key.id}`
      const stale = yield* lastUsed()
      yield* keys.authenticate(plaintext)
      const touched = yield* lastUsed()
      expect(new Date(touched!).getTime()).toBeGreaterThan(new Date(stale!).getTime())
    })
  )

  it.effect("a key for an account that does not exist is refused", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeysRepo
      const error = yield* keys
        .create("0190a0a0-0000-7000-8000-000000000000" as AccountId, "ghost")
        .pipe(Effect.flip)
      expect(error._tag).toBe("AccountNotFound")
    })
  )
})

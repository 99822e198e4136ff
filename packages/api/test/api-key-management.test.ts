import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ApiTest, asOperator, call, expectStatus, newSender } from "./support/ApiHarness.js"

const ghostKey = "0190a0a0-0000-7000-8000-0000000000aa"

layer(ApiTest, { excludeTestServices: true })("API key management", (it) => {
  it.effect("a sender creates a key shown once, lists keys by prefix only, and revokes one", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Key owner")
      const created = expectStatus(yield* sender.as("POST", "/v1/keys", { name: " ci " }), 201).body
      expect(created.plaintext).toMatch(/^vk_[0-9A-Za-z]{8}_[0-9A-Za-z]{32}$/)
      expect(created.key).toMatchObject({
        name: "ci",
        prefix: created.plaintext.slice(3, 11),
        revokedAt: null
      })
      expectStatus(yield* call("GET", "/v1/balance", { token: created.plaintext }), 200)

      const listed = expectStatus(yield* sender.as("GET", "/v1/keys"), 200)
      expect(listed.body.map((k: { name: string }) => k.name)).toEqual(["test", "ci"])
      expect(JSON.stringify(listed.body)).not.toContain(created.plaintext.slice(12))
      expect(Object.keys(listed.body[1]).sort()).toEqual(
        [
          "accountId",
          "createdAt",
          "id",
          "lastUsedAt",
          "name",
          "prefix",
          "rateLimitPerSecond",
          "revokedAt"
        ].sort()
      )

      const revoked = expectStatus(yield* sender.as("DELETE", `/v1/keys/${created.key.id}`), 200).body
      expect(typeof revoked.revokedAt).toBe("string")
      const again = expectStatus(yield* sender.as("DELETE", `/v1/keys/${created.key.id}`), 200).body
      expect(again.revokedAt).toBe(revoked.revokedAt)
    })
  )

  it.effect("bad key requests: empty name 400, malformed JSON 400, unknown key 404, malformed id 400", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Key errors")
      expect((yield* sender.as("POST", "/v1/keys", { name: "  " })).status).toBe(400)
      const malformed = yield* call("POST", "/v1/keys", { token: sender.key, raw: "{" })
      expect(malformed.status).toBe(400)
      expect(malformed.body._tag).toBe("HttpApiDecodeError")
      const unknown = yield* sender.as("DELETE", `/v1/keys/${ghostKey}`)
      expect(unknown.status).toBe(404)
      expect(unknown.body).toMatchObject({ _tag: "ApiKeyNotFound", keyId: ghostKey })
      expect((yield* sender.as("DELETE", "/v1/keys/abc")).status).toBe(400)
      expect((yield* sender.as("GET", "/v1/keys")).body).toHaveLength(1)
    })
  )

  it.effect("operators mint keys with a rate limit, list and revoke them for an account", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Operated")
      const path = `/v1/admin/accounts/${sender.accountId}/keys`
      const created = expectStatus(
        yield* asOperator("POST", path, { name: "bulk", rateLimitPerSecond: 500 }),
        201
      )
      expect(created.body.key.rateLimitPerSecond).toBe(500)
      expect((yield* asOperator("GET", path)).body).toHaveLength(2)
      expect((yield* asOperator("POST", path, { name: "x", rateLimitPerSecond: 0 })).status).toBe(400)

      const other = yield* newSender("Other")
      const wrongAccount = yield* asOperator(
        "DELETE",
        `/v1/admin/accounts/${other.accountId}/keys/${created.body.key.id}`
      )
      expect(wrongAccount.status).toBe(404)
      expectStatus(yield* asOperator("DELETE", `${path}/${created.body.key.id}`), 200)
      expect((yield* call("GET", "/v1/balance", { token: created.body.plaintext })).status).toBe(401)
    })
  )
})

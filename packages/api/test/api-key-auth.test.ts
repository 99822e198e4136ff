import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ApiTest, asOperator, call, expectStatus, newSender } from "./support/ApiHarness.js"

layer(ApiTest, { excludeTestServices: true })("API key authentication", (it) => {
  it.effect("a valid key reaches its own account", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Auth ok")
      const reply = expectStatus(yield* sender.as("GET", "/v1/account"), 200)
      expect(reply.body.id).toBe(sender.accountId)
    })
  )

  it.effect("missing, malformed, unknown, wrong and revoked keys all get the same typed 401", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Auth refused")
      const revoked = yield* newSender("Auth revoked")
      expectStatus(yield* revoked.as("DELETE", `/v1/keys/${revoked.keyId}`), 200)
      const prefix = sender.key.slice(0, 12)
      const wrongSecret = `${prefix}${"A".repeat(sender.key.length - 12)}`
      const unknownPrefix = `vk_ZZZZZZZZ_${sender.key.slice(12)}`

      const replies = [
        yield* call("GET", "/v1/account"),
        yield* call("GET", "/v1/account", { token: "" }),
        yield* call("GET", "/v1/account", { token: "not-a-key" }),
        yield* call("GET", "/v1/account", { token: unknownPrefix }),
        yield* call("GET", "/v1/account", { token: wrongSecret }),
        yield* call("GET", "/v1/account", { token: revoked.key })
      ]
      for (const reply of replies) {
        expect(reply.status).toBe(401)
        expect(reply.body).toEqual({
          _tag: "Unauthorized",
          message: "The API key is missing, malformed, unknown or revoked"
        })
        expect(reply.headers["www-authenticate"]).toBe('Bearer realm="volley"')
      }
    })
  )

  it.effect("revoking a key locks it out at once; the account's other keys keep working", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Auth two keys")
      const second = expectStatus(yield* sender.as("POST", "/v1/keys", { name: "second" }), 201).body
      expectStatus(yield* call("GET", "/v1/balance", { token: second.plaintext }), 200)
      expectStatus(yield* sender.as("DELETE", `/v1/keys/${second.key.id}`), 200)
      expect((yield* call("GET", "/v1/balance", { token: second.plaintext })).status).toBe(401)
      expectStatus(yield* sender.as("GET", "/v1/balance"), 200)
    })
  )

  it.effect("a sender key does not open the admin API, and the admin token is no sender key", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Auth scopes")
      const admin = yield* sender.as("GET", "/v1/admin/sender-ids/pending")
      expect(admin.status).toBe(401)
      expect(admin.body._tag).toBe("Unauthorized")
      const wrongToken = yield* call("GET", "/v1/admin/accounts", { token: "guess" })
      expect(wrongToken.status).toBe(401)
      expectStatus(yield* asOperator("GET", "/v1/admin/accounts"), 200)
      expect((yield* asOperator("GET", "/v1/account")).status).toBe(401)
    })
  )

  it.effect("past its rate a key gets 429 with Retry-After, and other keys are not slowed", () =>
    Effect.gen(function* () {
      const slow = yield* newSender("Auth slow", { rateLimitPerSecond: 1 })
      const other = yield* newSender("Auth other", { rateLimitPerSecond: 1 })
      expectStatus(yield* slow.as("GET", "/v1/balance"), 200)
      const limited = yield* slow.as("GET", "/v1/balance")
      expect(limited.status).toBe(429)
      expect(limited.headers["retry-after"]).toBe("1")
      expect(limited.body).toMatchObject({ _tag: "RateLimited", retryAfterSeconds: 1 })
      expectStatus(yield* other.as("GET", "/v1/balance"), 200)
    })
  )

  it.effect("after Retry-After has passed the key is served again", () =>
    Effect.gen(function* () {
      const slow = yield* newSender("Auth recovers", { rateLimitPerSecond: 1 })
      expectStatus(yield* slow.as("GET", "/v1/balance"), 200)
      const limited = expectStatus(yield* slow.as("GET", "/v1/balance"), 429)
      yield* Effect.sleep(`${Number(limited.headers["retry-after"])} seconds`)
      expectStatus(yield* slow.as("GET", "/v1/balance"), 200)
    })
  )
})

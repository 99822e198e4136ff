import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { SenderCredentials } from "../src/auth/SenderCredentials.js"
import { ApiTest, asOperator, expectStatus, newActiveSender } from "./support/ApiHarness.js"

/** `request`'s reply once `done` holds for it, asked every 50 ms; the last reply after `withinMs`. */
const eventually = <A, E, R>(
  request: Effect.Effect<A, E, R>,
  done: (reply: A) => boolean,
  withinMs = 3_000
) =>
  Effect.gen(function* () {
    const deadline = Date.now() + withinMs
    let reply = yield* request
    while (!done(reply) && Date.now() < deadline) {
      yield* Effect.sleep("50 millis")
      reply = yield* request
    }
    return reply
  })

layer(ApiTest, { excludeTestServices: true })("sender credentials stay fresh", (it) => {
  it.effect("an operator's suspension and reactivation apply to the account's very next request", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Fresh suspension", 1_000)
      const message = { to: "+380671234567", text: "Hi" }
      expectStatus(yield* sender.as("POST", "/v1/messages", message), 201)

      expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/suspend`), 200)
      const refused = yield* sender.as("POST", "/v1/messages", message)
      expect(refused.status).toBe(403)
      expect(refused.body._tag).toBe("AccountSuspended")

      expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/activate`), 200)
      expectStatus(yield* sender.as("POST", "/v1/messages", message), 201)
    })
  )

  it.effect("an operator putting an account back in test mode applies its limits to the next request", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Fresh test mode", 1_000)
      const batch = { text: "Hi", messages: [{ to: "+380671234567" }] }
      expectStatus(yield* sender.as("POST", "/v1/messages/batch", batch), 201)
      expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/test-mode`, {}), 200)
      const refused = yield* sender.as("POST", "/v1/messages/batch", batch)
      expect(refused.status).toBe(422)
      expect(refused.body).toMatchObject({ _tag: "TestModeLimit", limit: "singleMessagesOnly" })
    })
  )

  it.effect(
    "a key revoked or an account suspended outside this process is refused once its remembered second is over",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const revoked = yield* newActiveSender("Revoked elsewhere", 1_000)
        const suspended = yield* newActiveSender("Suspended elsewhere", 1_000)
        expectStatus(yield* revoked.as("GET", "/v1/balance"), 200)
        expectStatus(yield* suspended.as("POST", "/v1/messages", { to: "+380671234567", text: "Hi" }), 201)

        yield* sql`UPDATE api_keys SET revoked_at = now() WHERE id = ${revoked.keyId}`
        yield* sql`UPDATE accounts SET mode = 'suspended' WHERE id = ${suspended.accountId}`

        const refusedKey = yield* eventually(revoked.as("GET", "/v1/balance"), (r) => r.status !== 200)
        expect(refusedKey.status).toBe(401)
        const reply = yield* eventually(
          suspended.as("POST", "/v1/messages", { to: "+380671234567", text: "Hi" }),
          (r) => r.status !== 201
        )
        expect(reply.status).toBe(403)
        expect(reply.body._tag).toBe("AccountSuspended")
      })
  )

  it.scoped("an operator's suspension in one API process applies at once in another", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Suspended in a sibling", 1_000)
      // another API process on the same database and bus: its own credentials, built apart from the suite's
      const sibling = Context.get(yield* Layer.build(SenderCredentials.Default), SenderCredentials)
      expect((yield* sibling.authenticate(sender.key)).account.mode).toBe("active")

      expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/suspend`), 200)
      // well inside the second it would otherwise remember the account for
      const seen = yield* eventually(
        sibling.authenticate(sender.key),
        (credential) => credential.account.mode === "suspended",
        500
      )
      expect(seen.account.mode).toBe("suspended")
    })
  )
})

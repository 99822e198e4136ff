import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import type { AccountId } from "@volley/core"
import { IdempotencyKeysRepo } from "@volley/engine/idempotency/IdempotencyKeysRepo"
import { Effect } from "effect"
import {
  ApiTest,
  balanceOf,
  call,
  expectStatus,
  newActiveSender,
  PRICE_PER_PART,
  queuedJobs,
  type Sender
} from "./support/ApiHarness.js"

const withKey = (sender: Sender, key: string, path: string, json: unknown) =>
  call("POST", path, { token: sender.key, json, headers: { "Idempotency-Key": key } })

layer(ApiTest, { excludeTestServices: true })("Idempotency-Key", (it) => {
  it.effect("a repeat sends nothing again and gets the first response, status and body", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Retries", 1_000)
      const jobs = yield* queuedJobs
      const body = { to: "+380671234567", text: "Once only" }
      const first = expectStatus(yield* withKey(sender, "order-1001", "/v1/messages", body), 201)
      expect(first.headers["idempotent-replayed"]).toBeUndefined()
      // the same request spelt differently (key order, the default sender written out) is the same request
      const again = yield* withKey(sender, "order-1001", "/v1/messages", {
        sender: "Volley",
        text: "Once only",
        to: "+380671234567"
      })
      expect(again.status).toBe(201)
      expect(again.body).toEqual(first.body)
      expect(again.headers["idempotent-replayed"]).toBe("true")
      expect(yield* balanceOf(sender)).toBe(1_000 - PRICE_PER_PART)
      expect(yield* queuedJobs).toBe(jobs + 1)
      expect((yield* sender.as("GET", "/v1/messages")).body.items).toHaveLength(1)
      // without a key the same body is a new message
      expectStatus(yield* sender.as("POST", "/v1/messages", body), 201)
      expect((yield* sender.as("GET", "/v1/messages")).body.items).toHaveLength(2)
    })
  )

  it.effect("a batch is idempotent too, partial refusals included", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Batch retries", 1_000)
      const body = { text: "Hi", messages: [{ to: "+380671234567" }, { to: "12" }] }
      const first = expectStatus(yield* withKey(sender, "batch-7", "/v1/messages/batch", body), 201)
      const again = expectStatus(yield* withKey(sender, "batch-7", "/v1/messages/batch", body), 201)
      expect(again.body).toEqual(first.body)
      expect(first.body.refused).toHaveLength(1)
      expect(yield* balanceOf(sender)).toBe(1_000 - PRICE_PER_PART)
    })
  )

  it.effect("the first response is kept even when it was an error", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Error replay", 10)
      const body = { to: "+380671234567", text: "Hi" }
      const first = yield* withKey(sender, "poor-1", "/v1/messages", body)
      expect(first.status).toBe(402)
      const again = yield* withKey(sender, "poor-1", "/v1/messages", body)
      expect(again.status).toBe(402)
      expect(again.body).toEqual(first.body)
      expect(again.headers["idempotent-replayed"]).toBe("true")
    })
  )

  it.effect("the same key with another request, or on the other endpoint, is a 422", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Reuse", 1_000)
      expectStatus(yield* withKey(sender, "k-1", "/v1/messages", { to: "+380671234567", text: "A" }), 201)
      const changed = yield* withKey(sender, "k-1", "/v1/messages", { to: "+380671234567", text: "B" })
      expect(changed.status).toBe(422)
      expect(changed.body).toMatchObject({ _tag: "IdempotencyKeyReused", key: "k-1" })
      const elsewhere = yield* withKey(sender, "k-1", "/v1/messages/batch", {
        text: "A",
        messages: [{ to: "+380671234567" }]
      })
      expect(elsewhere.status).toBe(422)
      expect(yield* balanceOf(sender)).toBe(1_000 - PRICE_PER_PART)
    })
  )

  it.effect("keys belong to an account: another account's same key sends its own message", () =>
    Effect.gen(function* () {
      const alice = yield* newActiveSender("Alice keys", 1_000)
      const bob = yield* newActiveSender("Bob keys", 1_000)
      const body = { to: "+380671234567", text: "Hi" }
      const a = expectStatus(yield* withKey(alice, "shared", "/v1/messages", body), 201)
      const b = expectStatus(yield* withKey(bob, "shared", "/v1/messages", body), 201)
      expect(b.body.id).not.toBe(a.body.id)
      expect(b.headers["idempotent-replayed"]).toBeUndefined()
    })
  )

  it.effect("concurrent duplicates send once and all get the same response", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Concurrent retries", 1_000)
      const jobs = yield* queuedJobs
      const body = { text: "Hi", messages: [{ to: "+380671234567" }, { to: "+380671234568" }] }
      const replies = yield* Effect.forEach(
        Array.from({ length: 12 }, () => body),
        (json) => withKey(sender, "burst", "/v1/messages/batch", json),
        { concurrency: "unbounded" }
      )
      expect(replies.every((r) => r.status === 201)).toBe(true)
      expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1)
      expect(replies.filter((r) => r.headers["idempotent-replayed"] === undefined)).toHaveLength(1)
      expect(yield* balanceOf(sender)).toBe(1_000 - 2 * PRICE_PER_PART)
      expect(yield* queuedJobs).toBe(jobs + 2)
    })
  )

  it.effect("a key that is empty, too long or not printable ASCII is a 400", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Bad keys", 1_000)
      for (const key of ["x".repeat(256), "has space"]) {
        const reply = yield* withKey(sender, key, "/v1/messages", { to: "+380671234567", text: "Hi" })
        expect(reply.status, key).toBe(400)
      }
      expect(yield* balanceOf(sender)).toBe(1_000)
    })
  )

  it.effect(
    "a claim whose request died before its send committed is taken over by a retry after its lease",
    () =>
      Effect.gen(function* () {
        const sender = yield* newActiveSender("Crashed first try", 1_000)
        const sql = yield* SqlClient.SqlClient
        const body = { to: "+380671234599", text: "After a crash" }
        // the request hash of this body, from a request under another key
        expectStatus(yield* withKey(sender, "probe", "/v1/messages", body), 201)
        const probe = yield* sql<{ requestHash: string }>`
        SELECT request_hash FROM idempotency_keys WHERE account_id = ${sender.accountId} AND key = 'probe'`
        const requestHash = probe[0]!.requestHash
        // what a process killed between its claim and its commit leaves: a claim without a response
        yield* sql`
        INSERT INTO idempotency_keys (account_id, key, request_hash, created_at)
        VALUES (${sender.accountId}, 'crashed', ${requestHash}, now() - interval '2 minutes')`
        const retry = expectStatus(yield* withKey(sender, "crashed", "/v1/messages", body), 201)
        expect(retry.headers["idempotent-replayed"]).toBeUndefined()
        const again = expectStatus(yield* withKey(sender, "crashed", "/v1/messages", body), 201)
        expect(again.body).toEqual(retry.body)
        expect(again.headers["idempotent-replayed"]).toBe("true")
        // the probe and the retry: two messages, two charges
        expect((yield* sender.as("GET", "/v1/messages")).body.items).toHaveLength(2)
        expect(yield* balanceOf(sender)).toBe(1_000 - 2 * PRICE_PER_PART)
      })
  )

  it.effect("a response is stored only under the claim that is still current", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Stale claims", 1_000)
      const keys = yield* IdempotencyKeysRepo
      const sql = yield* SqlClient.SqlClient
      const accountId = sender.accountId as AccountId
      const first = yield* keys.claim(accountId, "k", "hash", 60_000)
      expect(first._tag).toBe("Claimed")
      // within its lease the claim is someone else's
      expect((yield* keys.claim(accountId, "k", "hash", 60_000))._tag).toBe("Existing")
      yield* sql`UPDATE idempotency_keys SET created_at = now() - interval '2 minutes' WHERE key = 'k'`
      const second = yield* keys.claim(accountId, "k", "hash", 60_000)
      expect(second._tag).toBe("Claimed")
      if (first._tag !== "Claimed" || second._tag !== "Claimed") return
      // the first request, slower than its lease, can no longer record (its send would roll back)
      expect(yield* keys.complete(accountId, "k", first.token, 201, { late: true })).toBe(false)
      expect(yield* keys.complete(accountId, "k", second.token, 201, { ok: true })).toBe(true)
      const stored = yield* keys.find(accountId, "k")
      expect(stored._tag === "Some" && stored.value.responseBody).toEqual({ ok: true })
    })
  )
})

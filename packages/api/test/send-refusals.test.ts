import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import {
  ApiTest,
  asOperator,
  balanceOf,
  call,
  expectStatus,
  newActiveSender,
  newSender,
  PRICE_PER_PART,
  queuedJobs,
  type Sender,
  seedRoute
} from "./support/ApiHarness.js"

/** Nothing was sent and nothing charged: the balance, the message list and the bus are as they were. */
const expectUntouched = (sender: Sender, balanceMinor: number, jobs: number) =>
  Effect.gen(function* () {
    expect(yield* balanceOf(sender)).toBe(balanceMinor)
    expect((yield* sender.as("GET", "/v1/messages")).body.items).toEqual([])
    expect(yield* queuedJobs).toBe(jobs)
  })

layer(ApiTest, { excludeTestServices: true })("send refusals", (it) => {
  it.effect("malformed JSON, a wrong shape and a missing key are refused before anything happens", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Malformed", 1_000)
      const jobs = yield* queuedJobs
      const malformed = yield* call("POST", "/v1/messages", { token: sender.key, raw: '{"to": "+38067' })
      expect(malformed.status).toBe(400)
      expect(malformed.body._tag).toBe("HttpApiDecodeError")
      for (const body of [{ to: "+380671234567" }, { text: "x" }, { to: 380671234567, text: "x" }]) {
        expect((yield* sender.as("POST", "/v1/messages", body)).status, JSON.stringify(body)).toBe(400)
      }
      const badValidity = yield* sender.as("POST", "/v1/messages", {
        to: "+380671234567",
        text: "x",
        validitySeconds: 10
      })
      expect(badValidity.status).toBe(400)
      const anonymous = yield* call("POST", "/v1/messages", { json: { to: "+380671234567", text: "x" } })
      expect(anonymous.status).toBe(401)
      yield* expectUntouched(sender, 1_000, jobs)
    })
  )

  it.effect("an invalid number and a text over the part limit are 422 NothingToSend naming the rule", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Bad recipients", 1_000)
      const jobs = yield* queuedJobs
      const invalid = yield* sender.as("POST", "/v1/messages", { to: "+380 12", text: "Hi" })
      expect(invalid.status).toBe(422)
      expect(invalid.body).toMatchObject({
        _tag: "NothingToSend",
        refused: [{ index: 0, recipient: "+380 12", code: "INVALID_NUMBER" }]
      })
      expect(invalid.body.message).toContain("None of the 1 recipient")
      const long = yield* sender.as("POST", "/v1/messages", { to: "+380671234567", text: "x".repeat(613) })
      expect(long.status).toBe(422)
      expect(long.body.refused[0]).toMatchObject({ code: "TOO_MANY_PARTS" })
      expect(long.body.refused[0].message).toContain("at most 4")
      yield* expectUntouched(sender, 1_000, jobs)
    })
  )

  it.effect("a malformed sender ID is a 400; an unknown, pending or rejected one a 422", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Senders", 1_000)
      const jobs = yield* queuedJobs
      const send = (name: string) =>
        sender.as("POST", "/v1/messages", { to: "+380671234567", text: "Hi", sender: name })
      const malformed = yield* send("Shop-Kyiv!")
      expect(malformed.status).toBe(400)
      expect(malformed.body).toMatchObject({ _tag: "InvalidSenderId", reason: "INVALID_CHARACTER" })
      const unknown = yield* send("PizzaKyiv")
      expect(unknown.status).toBe(422)
      expect(unknown.body).toMatchObject({
        _tag: "SenderIdNotApproved",
        value: "PizzaKyiv",
        status: "unknown"
      })
      const { id } = (yield* sender.as("POST", "/v1/sender-ids", { senderId: "PizzaKyiv" })).body
      expect((yield* send("PizzaKyiv")).body.status).toBe("pending")
      yield* asOperator("POST", `/v1/admin/sender-ids/${id}/reject`, {})
      expect((yield* send("PizzaKyiv")).body.status).toBe("rejected")
      yield* expectUntouched(sender, 1_000, jobs)
      yield* asOperator("POST", `/v1/admin/sender-ids/${id}/approve`, {})
      expectStatus(yield* send("PizzaKyiv"), 201)
    })
  )

  it.effect("a balance that can't cover the batch is a 402: nothing sent, nothing charged", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Poor", 2 * PRICE_PER_PART - 1)
      const jobs = yield* queuedJobs
      const reply = yield* sender.as("POST", "/v1/messages/batch", {
        text: "Hi",
        messages: [{ to: "+380671234567" }, { to: "+380671234568" }]
      })
      expect(reply.status).toBe(402)
      expect(reply.body).toMatchObject({
        _tag: "InsufficientBalance",
        accountId: sender.accountId,
        requiredMinor: 2 * PRICE_PER_PART,
        availableMinor: 2 * PRICE_PER_PART - 1
      })
      expect(reply.body.message).toContain("nothing was charged")
      yield* expectUntouched(sender, 2 * PRICE_PER_PART - 1, jobs)
      expect((yield* sender.as("GET", "/v1/ledger")).body.items.map((e: { kind: string }) => e.kind)).toEqual(
        ["bonus"]
      )
    })
  )

  it.effect("test mode: only the default sender ID, single messages only, and a daily cap", () =>
    Effect.gen(function* () {
      yield* seedRoute
      const sender = yield* newSender("Trial", { bonusMinor: 1_000 })
      expectStatus(
        yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/test-mode`, { dailyCap: 2 }),
        200
      )
      const jobs = yield* queuedJobs
      expectStatus(yield* sender.as("POST", "/v1/sender-ids", { senderId: "+380441234567" }), 200)
      const otherSender = yield* sender.as("POST", "/v1/messages", {
        to: "+380671234567",
        text: "Hi",
        sender: "+380441234567"
      })
      expect(otherSender.status).toBe(422)
      expect(otherSender.body).toMatchObject({ _tag: "TestModeLimit", limit: "senderId" })
      const batch = yield* sender.as("POST", "/v1/messages/batch", {
        text: "Hi",
        messages: [{ to: "+380671234567" }]
      })
      expect(batch.status).toBe(422)
      expect(batch.body).toMatchObject({ _tag: "TestModeLimit", limit: "singleMessagesOnly" })
      yield* expectUntouched(sender, 1_000, jobs)

      // a refused send gives its slot of the day back
      expect((yield* sender.as("POST", "/v1/messages", { to: "12", text: "Hi" })).status).toBe(422)
      for (const n of [1, 2]) {
        expectStatus(yield* sender.as("POST", "/v1/messages", { to: `+38067123456${n}`, text: "Hi" }), 201)
      }
      const capped = yield* sender.as("POST", "/v1/messages", { to: "+380671234563", text: "Hi" })
      expect(capped.status).toBe(422)
      expect(capped.body).toMatchObject({ _tag: "TestModeLimit", limit: "dailyCap" })
      expect(capped.body.message).toContain("at most 2 messages")
      expect(yield* balanceOf(sender)).toBe(1_000 - 2 * PRICE_PER_PART)

      // activation lifts every limit
      yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/activate`)
      expectStatus(yield* sender.as("POST", "/v1/messages", { to: "+380671234563", text: "Hi" }), 201)
    })
  )

  it.effect("concurrent test-mode sends never pass the daily cap", () =>
    Effect.gen(function* () {
      yield* seedRoute
      const sender = yield* newSender("Trial race", { bonusMinor: 1_000 })
      yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/test-mode`, { dailyCap: 3 })
      const replies = yield* Effect.forEach(
        Array.from({ length: 10 }, (_, i) => i),
        (i) => sender.as("POST", "/v1/messages", { to: `+3806712345${10 + i}`, text: "Hi" }),
        { concurrency: "unbounded" }
      )
      expect(replies.filter((r) => r.status === 201)).toHaveLength(3)
      expect(replies.filter((r) => r.status === 422 && r.body.limit === "dailyCap")).toHaveLength(7)
      expect((yield* sender.as("GET", "/v1/messages")).body.items).toHaveLength(3)
    })
  )

  it.effect("a suspended account is refused with 403 and nothing is charged", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Suspended", 1_000)
      // the key has been used (and its account remembered) before the operator suspends the account
      expect(yield* balanceOf(sender)).toBe(1_000)
      const jobs = yield* queuedJobs
      expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/suspend`), 200)
      const reply = yield* sender.as("POST", "/v1/messages", { to: "+380671234567", text: "Hi" })
      expect(reply.status).toBe(403)
      expect(reply.body._tag).toBe("AccountSuspended")
      yield* expectUntouched(sender, 1_000, jobs)
    })
  )
})

import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import {
  ApiTest,
  balanceOf,
  expectStatus,
  newActiveSender,
  PRICE_PER_PART,
  queuedJobs
} from "./support/ApiHarness.js"

layer(ApiTest, { excludeTestServices: true })("sending one message", (it) => {
  it.effect("is charged exactly its parts, persisted QUEUED and put on the bus", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Single", 1_000)
      const jobsBefore = yield* queuedJobs
      const reply = expectStatus(
        yield* sender.as("POST", "/v1/messages", { to: "+380 67 123 45 67", text: "Your code is 4711" }),
        201
      )
      expect(reply.body).toMatchObject({
        to: "+380671234567",
        parts: 1,
        chargeMinor: PRICE_PER_PART,
        currency: "UAH",
        status: "QUEUED",
        scheduledAt: null
      })
      expect(yield* balanceOf(sender)).toBe(1_000 - PRICE_PER_PART)
      expect(yield* queuedJobs).toBe(jobsBefore + 1)
      const ledger = (yield* sender.as("GET", "/v1/ledger")).body.items
      expect(ledger[0]).toMatchObject({ kind: "charge", amountMinor: -PRICE_PER_PART })
      const message = expectStatus(yield* sender.as("GET", `/v1/messages/${reply.body.id}`), 200).body
      expect(message).toMatchObject({
        id: reply.body.id,
        to: "+380671234567",
        sender: "Volley",
        text: "Your code is 4711",
        encoding: "GSM7",
        status: "QUEUED",
        chargeMinor: PRICE_PER_PART
      })
    })
  )

  it.effect("a text of two parts costs two parts; a non-GSM character makes it UCS-2", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Long", 1_000)
      const long = expectStatus(
        yield* sender.as("POST", "/v1/messages", { to: "+380671234567", text: "a".repeat(161) }),
        201
      )
      expect(long.body).toMatchObject({ parts: 2, chargeMinor: 2 * PRICE_PER_PART })
      const cyrillic = expectStatus(
        yield* sender.as("POST", "/v1/messages", { to: "+380671234567", text: "Привіт".repeat(12) }),
        201
      )
      expect(cyrillic.body).toMatchObject({ parts: 2, chargeMinor: 2 * PRICE_PER_PART })
      expect((yield* sender.as("GET", `/v1/messages/${cyrillic.body.id}`)).body.encoding).toBe("UCS2")
      expect(yield* balanceOf(sender)).toBe(1_000 - 4 * PRICE_PER_PART)
    })
  )

  it.effect("a scheduled message waits off the bus; the validity period is kept", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Later", 1_000)
      const jobsBefore = yield* queuedJobs
      const at = new Date(Date.now() + 3_600_000).toISOString()
      const reply = expectStatus(
        yield* sender.as("POST", "/v1/messages", {
          to: "+380671234567",
          text: "Tomorrow",
          scheduledAt: at,
          validitySeconds: 600
        }),
        201
      )
      expect(reply.body.scheduledAt).toBe(at)
      expect(yield* queuedJobs).toBe(jobsBefore)
      const message = (yield* sender.as("GET", `/v1/messages/${reply.body.id}`)).body
      expect(message).toMatchObject({ scheduledAt: at, validitySeconds: 600, status: "QUEUED" })
      // a time already past sends now
      const past = yield* sender.as("POST", "/v1/messages", {
        to: "+380671234567",
        text: "Now",
        scheduledAt: "2020-01-01T00:00:00.000Z"
      })
      expect(expectStatus(past, 201).body.scheduledAt).toBeNull()
      expect(yield* queuedJobs).toBe(jobsBefore + 1)
    })
  )

  it.effect("an approved sender ID of the account can be used", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Numbers", 1_000)
      expectStatus(yield* sender.as("POST", "/v1/sender-ids", { senderId: "+380441234567" }), 200)
      const reply = yield* sender.as("POST", "/v1/messages", {
        to: "+380671234567",
        text: "From our number",
        sender: "+380441234567"
      })
      expectStatus(reply, 201)
      expect((yield* sender.as("GET", `/v1/messages/${reply.body.id}`)).body.sender).toBe("+380441234567")
    })
  )
})

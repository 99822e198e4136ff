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

layer(ApiTest, { excludeTestServices: true })("sending a batch", (it) => {
  it.effect(
    "valid recipients go, each invalid one is reported by index and rule, the charge is the parts sent",
    () =>
      Effect.gen(function* () {
        const sender = yield* newActiveSender("Partial", 10_000)
        yield* sender.as("POST", "/v1/blacklist", { number: "+380501112233" })
        const jobsBefore = yield* queuedJobs
        const reply = expectStatus(
          yield* sender.as("POST", "/v1/messages/batch", {
            text: "Sale starts today",
            messages: [
              { to: "+380671234567" },
              { to: "12" },
              { to: "+447911123456" },
              { to: "+380501112233" },
              { to: "+380931234567", text: "b".repeat(200) },
              { to: "+380661234567", text: "" }
            ]
          }),
          201
        )
        expect(reply.body.accepted.map((a: { index: number }) => a.index)).toEqual([0, 4])
        expect(reply.body.accepted[1]).toMatchObject({
          to: "+380931234567",
          parts: 2,
          chargeMinor: 2 * PRICE_PER_PART
        })
        expect(reply.body.refused).toEqual([
          { index: 1, recipient: "12", code: "INVALID_NUMBER", message: expect.stringContaining('"12"') },
          { index: 2, recipient: "+447911123456", code: "NO_ROUTE", message: expect.any(String) },
          { index: 3, recipient: "+380501112233", code: "BLACKLISTED", message: expect.any(String) },
          { index: 5, recipient: "+380661234567", code: "EMPTY_TEXT", message: expect.any(String) }
        ])
        expect(reply.body.chargedMinor).toBe(3 * PRICE_PER_PART)
        expect(yield* balanceOf(sender)).toBe(10_000 - 3 * PRICE_PER_PART)
        expect(yield* queuedJobs).toBe(jobsBefore + 2)
        const listed = (yield* sender.as("GET", "/v1/messages")).body.items
        expect(listed.map((m: { to: string }) => m.to).sort()).toEqual(["+380671234567", "+380931234567"])
      })
  )

  it.effect("the same text goes to every recipient without their own; personalised texts are kept", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Same text", 10_000)
      const reply = expectStatus(
        yield* sender.as("POST", "/v1/messages/batch", {
          text: "Hello all",
          messages: [
            { to: "+380671234567" },
            { to: "+380671234568" },
            { to: "+380671234569", text: "Hello Olena" }
          ]
        }),
        201
      )
      expect(reply.body.refused).toEqual([])
      expect(reply.body.chargedMinor).toBe(3 * PRICE_PER_PART)
      const accepted: ReadonlyArray<{ id: string }> = reply.body.accepted
      const texts = yield* Effect.forEach(accepted, (a) =>
        Effect.map(sender.as("GET", `/v1/messages/${a.id}`), (r) => r.body.text)
      )
      expect(texts).toEqual(["Hello all", "Hello all", "Hello Olena"])
    })
  )

  it.effect("10,000 recipients are accepted in one call; 10,001 or none are a 400", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Big", 10_000 * PRICE_PER_PART)
      const messages = Array.from({ length: 10_000 }, (_, i) => ({
        to: `+38067${String(i).padStart(7, "0")}`
      }))
      const big = expectStatus(yield* sender.as("POST", "/v1/messages/batch", { text: "Hi", messages }), 201)
      expect(big.body.accepted).toHaveLength(10_000)
      expect(big.body.chargedMinor).toBe(10_000 * PRICE_PER_PART)
      expect(yield* balanceOf(sender)).toBe(0)
      const tooMany = yield* sender.as("POST", "/v1/messages/batch", {
        text: "Hi",
        messages: [...messages, { to: "+380501112233" }]
      })
      expect(tooMany.status).toBe(400)
      expect(tooMany.body._tag).toBe("HttpApiDecodeError")
      expect((yield* sender.as("POST", "/v1/messages/batch", { text: "Hi", messages: [] })).status).toBe(400)
    })
  )
})

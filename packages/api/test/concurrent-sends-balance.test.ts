import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ApiTest, balanceOf, newActiveSender, PRICE_PER_PART } from "./support/ApiHarness.js"

layer(ApiTest, { excludeTestServices: true })("concurrent sends against one balance", (it) => {
  it.effect(
    "single sends exceeding the balance together: exactly what it covers goes, never below zero",
    () =>
      Effect.gen(function* () {
        const sender = yield* newActiveSender("Race singles", 10 * PRICE_PER_PART)
        const replies = yield* Effect.forEach(
          Array.from({ length: 30 }, (_, i) => i),
          (i) => sender.as("POST", "/v1/messages", { to: `+3806712345${10 + i}`, text: "Race" }),
          { concurrency: "unbounded" }
        )
        expect(replies.filter((r) => r.status === 201)).toHaveLength(10)
        expect(replies.filter((r) => r.status === 402)).toHaveLength(20)
        expect(yield* balanceOf(sender)).toBe(0)
        expect((yield* sender.as("GET", "/v1/messages?limit=100")).body.items).toHaveLength(10)
        const ledger = (yield* sender.as("GET", "/v1/ledger?limit=100")).body.items
        expect(ledger.every((e: { balanceAfterMinor: number }) => e.balanceAfterMinor >= 0)).toBe(true)
        // concurrent single sends are charged together (one debit per group): exactly ten messages' worth
        const charges = ledger.filter((e: { kind: string }) => e.kind === "charge")
        expect(
          charges.reduce((sum: number, e: { amountMinor: number }) => sum + Math.abs(e.amountMinor), 0)
        ).toBe(10 * PRICE_PER_PART)
      })
  )

  it.effect("batches exceeding the balance together: each goes whole or not at all", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Race batches", 5 * PRICE_PER_PART)
      const replies = yield* Effect.forEach(
        Array.from({ length: 6 }, (_, i) => i),
        (i) =>
          sender.as("POST", "/v1/messages/batch", {
            text: "Race",
            messages: [{ to: `+3806712346${10 + i}` }, { to: `+3806712347${10 + i}` }]
          }),
        { concurrency: "unbounded" }
      )
      const sent = replies.filter((r) => r.status === 201)
      expect(sent).toHaveLength(2)
      expect(sent.every((r) => r.body.accepted.length === 2)).toBe(true)
      expect(replies.filter((r) => r.status === 402)).toHaveLength(4)
      expect(yield* balanceOf(sender)).toBe(PRICE_PER_PART)
      expect((yield* sender.as("GET", "/v1/messages?limit=100")).body.items).toHaveLength(4)
    })
  )
})

import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ApiTest, balanceOf, call, newActiveSender, PRICE_PER_PART } from "./support/ApiHarness.js"

/** Concurrent single sends of an account are accepted together; each caller still gets its own answer. */
layer(ApiTest, { excludeTestServices: true })("single sends accepted together", (it) => {
  it.effect("valid and invalid sends arriving together: each answered as if sent alone", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Grouped", 100 * PRICE_PER_PART)
      const requests = Array.from({ length: 24 }, (_, i) =>
        i % 4 === 3
          ? { to: `+38067123${i}`, text: "bad number" }
          : { to: `+3806712348${10 + i}`, text: `Hi ${i}` }
      )
      const replies = yield* Effect.forEach(requests, (body) => sender.as("POST", "/v1/messages", body), {
        concurrency: "unbounded"
      })
      replies.forEach((reply, i) => {
        if (i % 4 === 3) {
          expect(reply.status).toBe(422)
          expect(reply.body._tag).toBe("NothingToSend")
          // its own refusal only, at index 0 as in a request of its own
          expect(reply.body.refused).toEqual([
            expect.objectContaining({ index: 0, recipient: requests[i]!.to, code: "INVALID_NUMBER" })
          ])
        } else {
          expect(reply.status).toBe(201)
          expect(reply.body).toMatchObject({ to: requests[i]!.to, parts: 1, chargeMinor: PRICE_PER_PART })
        }
      })
      const ids = replies.filter((r) => r.status === 201).map((r) => r.body.id)
      expect(new Set(ids).size).toBe(18)
      // each reads back as its own message, and exactly the sent ones were charged
      for (const [i, reply] of replies.entries()) {
        if (reply.status !== 201) continue
        const read = yield* sender.as("GET", `/v1/messages/${reply.body.id}`)
        expect(read.body.recipient ?? read.body.to).toBe(requests[i]!.to)
      }
      expect(yield* balanceOf(sender)).toBe(82 * PRICE_PER_PART)
    })
  )

  it.effect(
    "sends under their own Idempotency-Keys accepted together: each key replays its own response",
    () =>
      Effect.gen(function* () {
        const sender = yield* newActiveSender("Grouped keys", 100 * PRICE_PER_PART)
        const send = (i: number) =>
          call("POST", "/v1/messages", {
            token: sender.key,
            json: { to: `+3806712349${10 + i}`, text: `Keyed ${i}` },
            headers: { "Idempotency-Key": `grouped-${i}` }
          })
        const first = yield* Effect.forEach(
          Array.from({ length: 12 }, (_, i) => i),
          send,
          {
            concurrency: "unbounded"
          }
        )
        expect(first.every((r) => r.status === 201)).toBe(true)
        const again = yield* Effect.forEach(
          Array.from({ length: 12 }, (_, i) => i),
          send,
          {
            concurrency: "unbounded"
          }
        )
        again.forEach((reply, i) => {
          expect(reply.headers["idempotent-replayed"]).toBe("true")
          expect(reply.body).toEqual(first[i]!.body)
        })
        expect(yield* balanceOf(sender)).toBe(88 * PRICE_PER_PART)
      })
  )
})

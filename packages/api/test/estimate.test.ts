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

layer(ApiTest, { excludeTestServices: true })("estimate (preview)", (it) => {
  it.effect("says the encoding, characters, parts and price per recipient without sending", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Preview", 1_000)
      yield* sender.as("POST", "/v1/blacklist", { number: "+380501112233" })
      const jobs = yield* queuedJobs
      const reply = expectStatus(
        yield* sender.as("POST", "/v1/messages/estimate", {
          text: `${"a".repeat(159)}€`,
          to: ["+380671234567", "0671234567", "+447911123456", "+380501112233", "+380931234567"]
        }),
        200
      )
      // € is a 2-septet extension character: 161 septets need two parts (what "the site says two" means)
      expect(reply.body).toMatchObject({
        encoding: "GSM7",
        characters: 160,
        units: 161,
        parts: 2,
        unitsPerPart: 153,
        remainingInLastPart: 145,
        maxParts: 4,
        totalMinor: 2 * 2 * PRICE_PER_PART,
        currency: "UAH"
      })
      expect(reply.body.recipients).toEqual([
        { index: 0, to: "+380671234567", pricePerPartMinor: PRICE_PER_PART, chargeMinor: 2 * PRICE_PER_PART },
        { index: 4, to: "+380931234567", pricePerPartMinor: PRICE_PER_PART, chargeMinor: 2 * PRICE_PER_PART }
      ])
      expect(reply.body.refused.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
        [1, "INVALID_NUMBER"],
        [2, "NO_ROUTE"],
        [3, "BLACKLISTED"]
      ])
      expect(yield* balanceOf(sender)).toBe(1_000)
      expect(yield* queuedJobs).toBe(jobs)
      expect((yield* sender.as("GET", "/v1/messages")).body.items).toEqual([])
    })
  )

  it.effect("an emoji makes it UCS-2: one character, two units", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Emoji", 1_000)
      const reply = expectStatus(
        yield* sender.as("POST", "/v1/messages/estimate", { text: "Hi 👋", to: ["+380671234567"] }),
        200
      )
      expect(reply.body).toMatchObject({
        encoding: "UCS2",
        characters: 4,
        units: 5,
        parts: 1,
        unitsPerPart: 70
      })
    })
  )

  it.effect("a text over the part limit is a 422 TooManyParts; an empty one or no recipient a 400", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Too long", 1_000)
      const long = yield* sender.as("POST", "/v1/messages/estimate", {
        text: "Ж".repeat(269),
        to: ["+380671234567"]
      })
      expect(long.status).toBe(422)
      expect(long.body).toMatchObject({ _tag: "TooManyParts", parts: 5, maxParts: 4, encoding: "UCS2" })
      expect(long.body.message).toContain("at most 4")
      expect(
        (yield* sender.as("POST", "/v1/messages/estimate", { text: "", to: ["+380671234567"] })).status
      ).toBe(400)
      expect((yield* sender.as("POST", "/v1/messages/estimate", { text: "Hi", to: [] })).status).toBe(400)
    })
  )
})

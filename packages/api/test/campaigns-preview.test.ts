import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { draft, groupWith } from "./campaigns-support.js"
import { ApiTest, expectStatus, newActiveSender, PRICE_PER_PART, type Sender } from "./support/ApiHarness.js"
import { CSV, csvOf, upload } from "./support/Upload.js"

const n = (i: number) => `+38067111003${i}`
// 170 characters: with it the text needs two GSM parts
const longCity = "K".repeat(170)

/**
 * A: Olena in Kyiv; Taras with no city; Iryna (blacklisted); a contact with no name; Борис in Дніпро (UCS-2).
 * B: Olena's number again with other fields (her first contact's are used), Max in a long-named city,
 * and a UK number no route serves.
 */
const audience = (sender: Sender) =>
  Effect.gen(function* () {
    const a = yield* groupWith(sender, "A", [
      { number: n(1), name: "Olena", fields: { city: "Kyiv" } },
      { number: n(2), name: "Taras" },
      { number: n(3), name: "Iryna", fields: { city: "Lviv" } },
      { number: n(4), fields: { city: "Odesa" } },
      { number: n(5), name: "Борис", fields: { city: "Дніпро" } }
    ])
    const b = yield* groupWith(sender, "B", [
      { number: n(1), name: "Olena K", fields: { city: "Elsewhere" } },
      { number: n(6), name: "Max", fields: { city: longCity } },
      { number: "+447911123456", name: "Jo", fields: { city: "London" } }
    ])
    expectStatus(yield* sender.as("POST", "/v1/blacklist", { number: n(3) }), 201)
    return [a, b]
  })

const TEXT = "Hi {name}, see you in {city}"

layer(ApiTest, { excludeTestServices: true })("campaign preview", (it) => {
  it.effect("renders each recipient's own fields, says who would be skipped, and estimates exactly", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Preview skip", 1_000)
      const groups = yield* audience(sender)
      const campaign = yield* draft(sender, groups, { text: TEXT })
      const preview = expectStatus(yield* sender.as("POST", `/v1/campaigns/${campaign.id}/preview`), 200).body
      expect(preview.samples).toEqual([
        {
          to: n(1),
          name: "Olena",
          text: "Hi Olena, see you in Kyiv",
          encoding: "GSM7",
          parts: 1,
          chargeMinor: PRICE_PER_PART,
          skipped: null,
          detail: null
        },
        {
          to: n(2),
          name: "Taras",
          text: null,
          encoding: null,
          parts: null,
          chargeMinor: null,
          skipped: "MISSING_FIELD",
          detail: 'Template field "city" has no value.'
        },
        {
          to: n(3),
          name: "Iryna",
          text: null,
          encoding: null,
          parts: null,
          chargeMinor: null,
          skipped: "BLACKLISTED",
          detail: `${n(3)} opted out`
        },
        expect.objectContaining({ to: n(4), name: null, skipped: "MISSING_FIELD" }),
        expect.objectContaining({
          to: n(5),
          text: "Hi Борис, see you in Дніпро",
          encoding: "UCS2",
          parts: 1,
          skipped: null
        })
      ])
      expect(preview.samples[3].detail).toContain('"name"')
      expect(preview.estimate).toEqual({
        exact: true,
        contacts: 8,
        numbers: 7,
        evaluated: 6,
        messages: 3,
        skipped: {
          BLACKLISTED: 1,
          MISSING_FIELD: 2,
          INVALID_NUMBER: 0,
          NO_ROUTE: 1,
          NO_PRICE: 0,
          TOO_MANY_PARTS: 0,
          EMPTY_TEXT: 0,
          INVALID_VALIDITY: 0
        },
        parts: 4,
        totalMinor: 4 * PRICE_PER_PART,
        currency: "UAH"
      })
      // a preview sends and charges nothing
      expect((yield* sender.as("GET", "/v1/balance")).body.balanceMinor).toBe(1_000)
      expect((yield* sender.as("GET", "/v1/messages")).body.items).toEqual([])
    })
  )

  it.effect('with onMissingField "empty" a missing placeholder renders as nothing', () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Preview empty", 1_000)
      const groups = yield* audience(sender)
      const campaign = yield* draft(sender, groups, { text: TEXT, onMissingField: "empty" })
      const preview = expectStatus(yield* sender.as("POST", `/v1/campaigns/${campaign.id}/preview`), 200).body
      expect(preview.samples.map((s: { text: string | null }) => s.text)).toEqual([
        "Hi Olena, see you in Kyiv",
        "Hi Taras, see you in ",
        null,
        "Hi , see you in Odesa",
        "Hi Борис, see you in Дніпро"
      ])
      expect(preview.estimate).toMatchObject({
        exact: true,
        messages: 5,
        parts: 6,
        totalMinor: 6 * PRICE_PER_PART,
        skipped: { BLACKLISTED: 1, MISSING_FIELD: 0, NO_ROUTE: 1 }
      })
    })
  )

  it.effect("a text over the account's part limit is skipped as TOO_MANY_PARTS", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Preview parts", 1_000)
      const group = yield* groupWith(sender, "G", [{ number: n(7), name: "Ann" }])
      const campaign = yield* draft(sender, [group], { text: `{name} ${"x".repeat(5 * 153)}` })
      const preview = expectStatus(yield* sender.as("POST", `/v1/campaigns/${campaign.id}/preview`), 200).body
      expect(preview.samples[0]).toMatchObject({ to: n(7), skipped: "TOO_MANY_PARTS" })
      expect(preview.estimate).toMatchObject({ messages: 0, totalMinor: 0, skipped: { TOO_MANY_PARTS: 1 } })
    })
  )

  it.effect("above 100,000 numbers the estimate is a spread sample, scaled and marked inexact", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Preview large", 1_000)
      const group = expectStatus(yield* sender.as("POST", "/v1/groups", { name: "Everyone" }), 201).body.id
      const total = 110_000
      const rows: Array<Array<string>> = [["phone", "name", "city"]]
      // every fourth contact has no city: a quarter are skipped
      for (let i = 0; i < total; i++)
        rows.push([`+38067${String(i).padStart(7, "0")}`, `P${i}`, i % 4 === 0 ? "" : "Kyiv"])
      const imported = expectStatus(yield* upload(sender.key, group, csvOf(rows), CSV), 200).body
      expect(imported.added).toBe(total)
      const campaign = yield* draft(sender, [group], { text: "Hi {name} from {city}" })
      const preview = expectStatus(yield* sender.as("POST", `/v1/campaigns/${campaign.id}/preview`), 200).body
      const { estimate } = preview
      expect(estimate).toMatchObject({ exact: false, contacts: total, numbers: total })
      expect(estimate.evaluated).toBeGreaterThan(4_500)
      expect(estimate.evaluated).toBeLessThan(5_500)
      expect(Math.abs(estimate.messages - 82_500)).toBeLessThan(82_500 * 0.05)
      expect(Math.abs(estimate.skipped.MISSING_FIELD - 27_500)).toBeLessThan(27_500 * 0.15)
      expect(estimate.messages + estimate.skipped.MISSING_FIELD).toBeCloseTo(total, -1)
      expect(estimate.parts).toBe(estimate.messages)
      expect(Math.abs(estimate.totalMinor - estimate.messages * PRICE_PER_PART)).toBeLessThanOrEqual(
        PRICE_PER_PART
      )
      expect(preview.samples.map((s: { to: string }) => s.to)).toEqual(
        [0, 1, 2, 3, 4].map((i) => `+38067${String(i).padStart(7, "0")}`)
      )
    })
  )
})

import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"
import type { InvalidPhoneNumber } from "../src/phone/errors.js"
import {
  countryOf,
  E164,
  isMobile,
  parsePhoneNumber,
  parsePhoneNumberWithCountry
} from "../src/phone/PhoneNumber.js"

const right = Either.getOrThrow
const left = <A, E>(either: Either.Either<A, E>): E => Either.getOrThrow(Either.flip(either))
const refused = (input: string, defaultCountry?: "UA"): InvalidPhoneNumber =>
  left(defaultCountry === undefined ? parsePhoneNumber(input) : parsePhoneNumber(input, defaultCountry))

describe("phone number normalisation", () => {
  describe("a Ukrainian number written any common way becomes the same E.164", () => {
    it.each([
      ["+380 67 123 45 67", undefined],
      ["+380671234567", undefined],
      ["+380 (67) 123-45-67", undefined],
      ["+38 067 123 45 67", undefined],
      ["380671234567", undefined],
      ["380671234567", "UA"],
      ["00380671234567", undefined],
      ["00 380 67 123 45 67", "UA"],
      ["0671234567", "UA"],
      ["067 123-45-67", "UA"],
      ["(067) 123.45.67", "UA"],
      ["067/123 45 67", "UA"],
      [" \t+380\u00a067\u202f1234567 ", undefined]
    ] as const)("%j (default country %s)", (input, country) => {
      expect(right(parsePhoneNumber(input, country))).toBe("+380671234567")
    })
  })

  it("reads foreign numbers", () => {
    expect(right(parsePhoneNumber("+49 151 23456789"))).toBe("+4915123456789")
    expect(right(parsePhoneNumber("030 901820", "DE"))).toBe("+4930901820")
    expect(right(parsePhoneNumber("+1 (212) 555-0123"))).toBe("+12125550123")
    expect(right(parsePhoneNumber("(212) 555-0123", "US"))).toBe("+12125550123")
    expect(right(parsePhoneNumber("+44 7400 123456"))).toBe("+447400123456")
    expect(right(parsePhoneNumber("07400 123456", "GB"))).toBe("+447400123456")
  })

  it("reads an international number without + even when a default country is set", () => {
    expect(right(parsePhoneNumber("4915123456789", "UA"))).toBe("+4915123456789")
    expect(right(parsePhoneNumber("+380 67 123 45 67", "DE"))).toBe("+380671234567")
  })

  it("produces values the E164 schema accepts", () => {
    const e164 = right(parsePhoneNumber("0671234567", "UA"))
    expect(Schema.is(E164)(e164)).toBe(true)
    expect(Schema.is(E164)("0671234567")).toBe(false)
    expect(Schema.is(E164)("+0671234567")).toBe(false)
  })

  describe("refuses bad input with a typed reason", () => {
    it.each([
      ["", undefined, "EMPTY"],
      ["   ", undefined, "EMPTY"],
      ["abc", undefined, "NOT_A_NUMBER"],
      ["+380 67 ABC 45 67", undefined, "NOT_A_NUMBER"],
      ["067 123 45 67 ext. 5", "UA", "NOT_A_NUMBER"],
      ["+", undefined, "NOT_A_NUMBER"],
      ["(-)", undefined, "NOT_A_NUMBER"],
      ["+380+671234567", undefined, "NOT_A_NUMBER"],
      ["+380 67 123", undefined, "TOO_SHORT"],
      ["0671234", "UA", "TOO_SHORT"],
      ["+380 67 123 45 67 89", undefined, "TOO_LONG"],
      ["+1234567890123456", undefined, "TOO_LONG"],
      ["+999 123 456 789", undefined, "INVALID_COUNTRY"],
      ["0671234567", undefined, "INVALID_COUNTRY"],
      ["+380 10 123 45 67", undefined, "INVALID_NUMBER"]
    ] as const)("%j (default country %s) → %s", (input, country, reason) => {
      const error = refused(input, country)
      expect(error._tag).toBe("InvalidPhoneNumber")
      expect(error.reason).toBe(reason)
      expect(error.input).toBe(input)
      expect(error.message).toContain(input)
    })
  })

  it.effect("composes inside Effect.gen and fails with the typed error", () =>
    Effect.gen(function* () {
      const ok = yield* parsePhoneNumber("0671234567", "UA")
      expect(ok).toBe("+380671234567")
      const error = yield* Effect.flip(
        Effect.gen(function* () {
          return yield* parsePhoneNumber("letters")
        })
      )
      expect(error.reason).toBe("NOT_A_NUMBER")
    })
  )

  it("tells the country of a number from its range", () => {
    expect(countryOf(right(parsePhoneNumber("+380671234567")))).toBe("UA")
    expect(countryOf(right(parsePhoneNumber("+4915123456789")))).toBe("DE")
    expect(countryOf(right(parsePhoneNumber("+12125550123")))).toBe("US")
    expect(countryOf(right(parsePhoneNumber("+447400123456")))).toBe("GB")
    // Same +44 calling code, different country: Guernsey's mobile range.
    expect(countryOf(right(parsePhoneNumber("+447911123456")))).toBe("GG")
    // International freephone belongs to no country.
    expect(countryOf(right(parsePhoneNumber("+80012345678")))).toBeUndefined()
  })

  it("tells mobile numbers from fixed lines", () => {
    expect(isMobile(right(parsePhoneNumber("+380671234567")))).toBe(true)
    expect(isMobile(right(parsePhoneNumber("+380441234567")))).toBe(false)
    expect(isMobile(right(parsePhoneNumber("+4930901820")))).toBe(false)
    // NANP can't tell mobile from fixed: counted as mobile.
    expect(isMobile(right(parsePhoneNumber("+12125550123")))).toBe(true)
  })
})

describe("parsing with the country in one pass", () => {
  it("gives the same number and the country countryOf gives", () => {
    for (const [input, country] of [
      ["+380 67 123 45 67", "UA"],
      ["0671234567", "UA"],
      ["+44 7911 123456", "GG"],
      ["+49 1512 3456789", "DE"]
    ] as const) {
      const parsed = Either.getOrThrow(parsePhoneNumberWithCountry(input, "UA"))
      expect(parsed.e164).toBe(Either.getOrThrow(parsePhoneNumber(input, "UA")))
      expect(parsed.country).toBe(country)
      expect(countryOf(parsed.e164)).toBe(country)
    }
  })

  it("refuses what parsePhoneNumber refuses, with the same reason", () => {
    const error = Either.flip(parsePhoneNumberWithCountry("12", "UA"))
    expect(Either.getOrThrow(error)._tag).toBe("InvalidPhoneNumber")
    expect(Either.getOrThrow(error).reason).toBe(
      Either.getOrThrow(Either.flip(parsePhoneNumber("12", "UA"))).reason
    )
  })
})

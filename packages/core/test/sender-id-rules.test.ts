import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { SenderIdProblem } from "../src/sender/errors.js"
import { Npi, parseSenderId, requiresApproval, Ton } from "../src/sender/SenderId.js"

const accepted = (input: string) => Either.getOrThrow(parseSenderId(input))
const refused = (input: string) => Either.getOrThrow(Either.flip(parseSenderId(input)))
const expectRefused = (input: string, reason: SenderIdProblem) => {
  const error = refused(input)
  expect(error._tag).toBe("InvalidSenderId")
  expect(error.reason).toBe(reason)
  expect(error.input).toBe(input)
  return error
}

describe("sender ID rules", () => {
  describe("alphanumeric names", () => {
    it("takes up to 11 Latin letters and digits, case kept", () => {
      expect(accepted("Volley")).toEqual({ kind: "alpha", value: "Volley", ton: 5, npi: 0 })
      expect(accepted("ABCDEFGHIJK").value).toBe("ABCDEFGHIJK")
      expect(accepted("Shop24x7").kind).toBe("alpha")
      // One letter makes it a name, even among digits.
      expect(accepted("1234567890A").kind).toBe("alpha")
    })

    it("refuses 12 characters", () => {
      expect(expectRefused("ABCDEFGHIJKL", "TOO_LONG").message).toContain("11")
    })

    it("refuses non-Latin letters, naming the first one", () => {
      expect(expectRefused("Воллі", "INVALID_CHARACTER").character).toBe("В")
      expect(expectRefused("VolleyЇ", "INVALID_CHARACTER").character).toBe("Ї")
      expect(expectRefused("Café", "INVALID_CHARACTER").character).toBe("é")
      expect(expectRefused("Hi😀", "INVALID_CHARACTER").character).toBe("😀")
    })

    it("refuses punctuation and inner spaces", () => {
      expect(expectRefused("Nova-Poshta", "INVALID_CHARACTER").character).toBe("-")
      expect(expectRefused("Shop.ua", "INVALID_CHARACTER").character).toBe(".")
      expect(expectRefused("A&B", "INVALID_CHARACTER").character).toBe("&")
      expect(expectRefused("Nova Poshta", "INVALID_CHARACTER").character).toBe(" ")
      expect(expectRefused("+Volley", "INVALID_CHARACTER").character).toBe("V")
    })

    it("ignores surrounding whitespace", () => {
      expect(accepted("  Volley\t").value).toBe("Volley")
    })

    it("needs operator approval", () => {
      expect(requiresApproval(accepted("Volley"))).toBe(true)
    })
  })

  describe("numbers", () => {
    it("sends 9 to 15 digits as international (TON 1, NPI 1), without the +", () => {
      expect(accepted("380671234567")).toEqual({ kind: "numeric", value: "380671234567", ton: 1, npi: 1 })
      expect(accepted("+380671234567")).toEqual({ kind: "numeric", value: "380671234567", ton: 1, npi: 1 })
      expect(accepted("123456789012345").kind).toBe("numeric")
      expect(accepted("+123456789012345").value).toBe("123456789012345")
      expect(accepted("123456789").kind).toBe("numeric")
    })

    it("refuses 16 digits", () => {
      expectRefused("1234567890123456", "TOO_LONG")
      expectRefused("+1234567890123456", "TOO_LONG")
    })

    it("refuses a national-format international number", () => {
      expectRefused("0671234567", "LEADING_ZERO")
      expectRefused("+0671234567", "LEADING_ZERO")
    })

    it("reads + as international, which needs at least 7 digits", () => {
      expect(accepted("+6834002")).toEqual({ kind: "numeric", value: "6834002", ton: 1, npi: 1 })
      expectRefused("+123456", "TOO_SHORT")
    })

    it("sends up to 8 digits as a short code (TON 3, NPI 0)", () => {
      expect(accepted("7555")).toEqual({ kind: "shortcode", value: "7555", ton: 3, npi: 0 })
      expect(accepted("12345678").kind).toBe("shortcode")
      expect(accepted("0800").kind).toBe("shortcode")
    })

    it("needs no approval", () => {
      expect(requiresApproval(accepted("380671234567"))).toBe(false)
      expect(requiresApproval(accepted("7555"))).toBe(false)
    })

    it("refuses separators inside numbers", () => {
      expect(expectRefused("+380 67 123 45 67", "INVALID_CHARACTER").character).toBe(" ")
    })
  })

  it("refuses an empty ID", () => {
    expectRefused("", "EMPTY")
    expectRefused("   ", "EMPTY")
    expectRefused("+", "EMPTY")
  })

  it("exports the SMPP v3.4 TON/NPI codes", () => {
    expect([Ton.Unknown, Ton.International, Ton.National, Ton.NetworkSpecific, Ton.Alphanumeric]).toEqual([
      0, 1, 2, 3, 5
    ])
    expect([Npi.Unknown, Npi.Isdn]).toEqual([0, 1])
  })
})

import { describe, expect, it } from "@effect/vitest"
import { Duration, Either } from "effect"
import type { SmppTimeProblem } from "../src/validity/errors.js"
import {
  defaultValidityFor,
  formatAbsolute,
  formatRelative,
  operatorDefaultValidity,
  parseReceiptDate,
  parseSmppTime,
  resolveValidity
} from "../src/validity/Validity.js"

const hours = (d: Duration.Duration) => Duration.toHours(d)
const fallback = Duration.hours(48)
const now = new Date("2025-01-15T10:00:00.000Z")

describe("validity periods", () => {
  describe("operator defaults (DESIGN.md §5)", () => {
    it.each([
      ["lifecell", 24],
      ["kyivstar", 72],
      ["vodafone", 72],
      ["utel", 72],
      ["peoplenet", 72],
      ["intertelecom", 24]
    ] as const)("%s keeps messages %i h", (operator, expected) => {
      expect(hours(operatorDefaultValidity[operator])).toBe(expected)
      expect(hours(defaultValidityFor(operator, fallback))).toBe(expected)
    })

    it("falls back to the supplied default for an unknown operator", () => {
      expect(hours(defaultValidityFor("orange-fr", fallback))).toBe(48)
      expect(hours(defaultValidityFor("constructor", fallback))).toBe(48)
    })
  })

  describe("resolving the period to submit", () => {
    const operatorDefault = operatorDefaultValidity.lifecell

    it("uses the operator default when none is requested", () => {
      expect(hours(Either.getOrThrow(resolveValidity({ operatorDefault })))).toBe(24)
      expect(hours(Either.getOrThrow(resolveValidity({ requested: undefined, operatorDefault })))).toBe(24)
    })

    it("lets a request override it, as seconds or a Duration", () => {
      expect(
        Duration.toSeconds(Either.getOrThrow(resolveValidity({ requested: 3600, operatorDefault })))
      ).toBe(3600)
      expect(
        hours(Either.getOrThrow(resolveValidity({ requested: Duration.hours(96), operatorDefault })))
      ).toBe(96)
    })

    it("accepts the limits themselves: 1 minute and 7 days", () => {
      expect(Either.isRight(resolveValidity({ requested: 60, operatorDefault }))).toBe(true)
      expect(Either.isRight(resolveValidity({ requested: Duration.days(7), operatorDefault }))).toBe(true)
    })

    it.each([
      [59, "TOO_SHORT", 59],
      [0, "TOO_SHORT", 0],
      [-60, "TOO_SHORT", -60],
      [Duration.seconds(30), "TOO_SHORT", 30],
      [7 * 86_400 + 1, "TOO_LONG", 604_801],
      [Duration.days(8), "TOO_LONG", 691_200],
      [Number.NaN, "NOT_FINITE", Number.NaN],
      [Number.POSITIVE_INFINITY, "NOT_FINITE", Number.POSITIVE_INFINITY],
      [Duration.infinity, "NOT_FINITE", Number.POSITIVE_INFINITY]
    ] as const)("refuses %s: %s", (requested, reason, requestedSeconds) => {
      const error = Either.getOrThrow(Either.flip(resolveValidity({ requested, operatorDefault })))
      expect(error._tag).toBe("InvalidValidityPeriod")
      expect(error.reason).toBe(reason)
      expect(error.requestedSeconds).toBe(requestedSeconds)
      expect([error.minSeconds, error.maxSeconds]).toEqual([60, 604_800])
      expect(error.message).toContain("between 60 and 604800 seconds")
    })
  })

  describe("SMPP relative time", () => {
    it("formats days, hours, minutes and seconds", () => {
      expect(formatRelative(86_400)).toBe("000001000000000R")
      expect(formatRelative(72 * 3_600)).toBe("000003000000000R")
      expect(formatRelative(90_061)).toBe("000001010101000R")
      expect(formatRelative(60)).toBe("000000000100000R")
      expect(formatRelative(7 * 86_400)).toBe("000007000000000R")
      expect(formatRelative(59.9)).toBe("000000000059000R")
    })

    it("formats every operator default", () => {
      expect(formatRelative(Duration.toSeconds(operatorDefaultValidity.lifecell))).toBe("000001000000000R")
      expect(formatRelative(Duration.toSeconds(operatorDefaultValidity.kyivstar))).toBe("000003000000000R")
    })

    it("refuses what two digits of days can't hold", () => {
      expect(() => formatRelative(-1)).toThrow(RangeError)
      expect(() => formatRelative(100 * 86_400)).toThrow(RangeError)
      expect(() => formatRelative(Number.NaN)).toThrow(RangeError)
    })

    it("parses back from now", () => {
      for (const seconds of [60, 86_400, 90_061, 7 * 86_400, 99 * 86_400 + 3_599]) {
        const parsed = Either.getOrThrow(parseSmppTime(formatRelative(seconds), now))
        expect(parsed.getTime() - now.getTime()).toBe(seconds * 1_000)
      }
    })

    it("reads fields as amounts, and years and months on the calendar", () => {
      expect(Either.getOrThrow(parseSmppTime("000000009000000R", now)).toISOString()).toBe(
        "2025-01-15T11:30:00.000Z"
      )
      expect(Either.getOrThrow(parseSmppTime("000100000000000R", now)).toISOString()).toBe(
        "2025-02-15T10:00:00.000Z"
      )
      expect(Either.getOrThrow(parseSmppTime("010000000000000R", now)).toISOString()).toBe(
        "2026-01-15T10:00:00.000Z"
      )
    })
  })

  describe("SMPP absolute time", () => {
    const instant = new Date("2025-03-14T15:09:26.500Z")

    it("formats UTC, with tenths of a second", () => {
      expect(formatAbsolute(instant)).toBe("250314150926500+")
    })

    it("formats local time ahead of and behind UTC", () => {
      expect(formatAbsolute(instant, 8)).toBe("250314170926508+")
      expect(formatAbsolute(instant, -20)).toBe("250314100926520-")
      expect(formatAbsolute(new Date("2025-12-31T23:30:00Z"), 12)).toBe("260101023000012+")
    })

    it("round-trips through parseSmppTime in any zone", () => {
      for (const quarters of [0, 8, 12, -20, 48, -48, 1]) {
        const parsed = Either.getOrThrow(parseSmppTime(formatAbsolute(instant, quarters), now))
        expect(parsed.toISOString()).toBe(instant.toISOString())
      }
    })

    it("ignores `now`", () => {
      expect(Either.getOrThrow(parseSmppTime("250314170926508+", new Date(0))).toISOString()).toBe(
        "2025-03-14T15:09:26.500Z"
      )
    })

    it("accepts 29 February of a leap year", () => {
      expect(Either.getOrThrow(parseSmppTime("240229120000000+", now)).toISOString()).toBe(
        "2024-02-29T12:00:00.000Z"
      )
    })

    it("refuses what it can't express", () => {
      expect(() => formatAbsolute(instant, 49)).toThrow(RangeError)
      expect(() => formatAbsolute(instant, 1.5)).toThrow(RangeError)
      expect(() => formatAbsolute(new Date("2100-01-01T00:00:00Z"))).toThrow(RangeError)
      expect(() => formatAbsolute(new Date(Number.NaN))).toThrow(RangeError)
    })
  })

  describe("malformed SMPP times are refused with a reason", () => {
    it.each([
      ["", "INVALID_LENGTH"],
      ["25031415092650+", "INVALID_LENGTH"],
      ["250314150926500+0", "INVALID_LENGTH"],
      ["2503141509265A0+", "INVALID_CHARACTER"],
      ["00000100000000 R", "INVALID_CHARACTER"],
      ["250314150926500*", "INVALID_CHARACTER"],
      ["251314150926500+", "INVALID_DATE"],
      ["250014150926500+", "INVALID_DATE"],
      ["250230120000000+", "INVALID_DATE"],
      ["230229120000000+", "INVALID_DATE"],
      ["250314240000000+", "INVALID_DATE"],
      ["250314156000000+", "INVALID_DATE"],
      ["250314150960000-", "INVALID_DATE"],
      ["250314150926049+", "INVALID_OFFSET"]
    ] as const)("%j → %s", (input, reason: SmppTimeProblem) => {
      const error = Either.getOrThrow(Either.flip(parseSmppTime(input, now)))
      expect(error._tag).toBe("InvalidSmppTime")
      expect(error.reason).toBe(reason)
      expect(error.input).toBe(input)
      expect(error.message).toContain(input)
    })
  })

  describe("receipt dates", () => {
    it("reads YYMMDDhhmm and YYMMDDhhmmss as UTC", () => {
      expect(Either.getOrThrow(parseReceiptDate("2503141509")).toISOString()).toBe("2025-03-14T15:09:00.000Z")
      expect(Either.getOrThrow(parseReceiptDate("250314150926")).toISOString()).toBe(
        "2025-03-14T15:09:26.000Z"
      )
    })

    it("reads an SMSC's local time when told its offset", () => {
      expect(Either.getOrThrow(parseReceiptDate("2503141509", 120)).toISOString()).toBe(
        "2025-03-14T13:09:00.000Z"
      )
    })

    it.each([
      ["25031415", "INVALID_LENGTH"],
      ["25031415091", "INVALID_LENGTH"],
      ["25031415a9", "INVALID_CHARACTER"],
      ["2502301200", "INVALID_DATE"],
      ["250314150960", "INVALID_DATE"]
    ] as const)("refuses %j: %s", (input, reason: SmppTimeProblem) => {
      const error = Either.getOrThrow(Either.flip(parseReceiptDate(input)))
      expect(error._tag).toBe("InvalidSmppTime")
      expect(error.reason).toBe(reason)
    })
  })
})

import { SendWindow } from "@volley/core/campaign/Campaign"
import { isKnownTimeZone, waitForWindow } from "@volley/core/campaign/SendWindow"
import { describe, expect, it } from "vitest"

const window = (start: string, end: string) => new SendWindow({ start, end })
const MINUTE = 60_000
const HOUR = 60 * MINUTE

// Kyiv is UTC+2 in November: 10:30 UTC is 12:30 local.
const at = (utc: string) => new Date(`2026-11-22T${utc}:00.000Z`)

describe("a campaign's send window", () => {
  it("lets sending go on inside the window and without one", () => {
    expect(waitForWindow(window("09:00", "21:00"), "Europe/Kyiv", at("10:30"))).toBe(0)
    expect(waitForWindow(null, "Europe/Kyiv", at("02:00"))).toBe(0)
  })

  it("waits until the window opens, in the account's own time zone", () => {
    // 05:00 UTC is 07:00 in Kyiv: two hours to 09:00.
    expect(waitForWindow(window("09:00", "21:00"), "Europe/Kyiv", at("05:00"))).toBe(2 * HOUR)
    // The same instant in New York is 00:00: nine hours to 09:00.
    expect(waitForWindow(window("09:00", "21:00"), "America/New_York", at("05:00"))).toBe(9 * HOUR)
  })

  it("after the window closes, waits for tomorrow's opening", () => {
    // 19:15 UTC is 21:15 in Kyiv: 11 h 45 min to 09:00.
    expect(waitForWindow(window("09:00", "21:00"), "Europe/Kyiv", at("19:15"))).toBe(11 * HOUR + 45 * MINUTE)
    // The end is exclusive.
    expect(waitForWindow(window("09:00", "21:00"), "Europe/Kyiv", at("19:00"))).toBe(12 * HOUR)
  })

  it("a window ending before it starts wraps midnight", () => {
    const night = window("22:00", "06:00")
    expect(waitForWindow(night, "Europe/Kyiv", at("21:00"))).toBe(0) // 23:00 local
    expect(waitForWindow(night, "Europe/Kyiv", at("02:00"))).toBe(0) // 04:00 local
    expect(waitForWindow(night, "Europe/Kyiv", at("10:00"))).toBe(10 * HOUR) // 12:00 local
  })

  it("equal start and end means all day", () => {
    expect(waitForWindow(window("08:00", "08:00"), "Europe/Kyiv", at("03:00"))).toBe(0)
  })

  it("knows IANA zones and refuses made-up ones", () => {
    expect(isKnownTimeZone("Europe/Kyiv")).toBe(true)
    expect(isKnownTimeZone("Mars/Olympus_Mons")).toBe(false)
  })

  it("refuses times of day that are not HH:MM", () => {
    expect(() => window("9:00", "21:00")).toThrow()
    expect(() => window("09:00", "24:00")).toThrow()
  })
})

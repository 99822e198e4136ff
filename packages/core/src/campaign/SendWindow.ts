import type { SendWindow } from "./Campaign.js"

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

const formatters = new Map<string, Intl.DateTimeFormat>()
const formatterFor = (timeZone: string) => {
  let f = formatters.get(timeZone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23"
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Seconds since local midnight of `at` in `timeZone`. */
const localSecondOfDay = (at: Date, timeZone: string) => {
  let h = 0
  let m = 0
  let s = 0
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === "hour") h = Number(part.value)
    else if (part.type === "minute") m = Number(part.value)
    else if (part.type === "second") s = Number(part.value)
  }
  return h * 3600 + m * 60 + s
}

/** Whether a time zone name is one the runtime knows (IANA, e.g. "Europe/Kyiv"). */
export const isKnownTimeZone = (timeZone: string): boolean => {
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

/**
 * How long until sending may go on: 0 inside the window (or without one), else the milliseconds until
 * it next opens. A window whose end is before its start wraps midnight (21:00–06:00); start = end means
 * all day. Computed from the local clock reading, so a DST change shifts the answer by at most the
 * hour the clocks moved — the scheduler asks again when it wakes up.
 */
export const waitForWindow = (window: SendWindow | null, timeZone: string, now: Date): number => {
  if (window === null) return 0
  const start = minutesOf(window.start) * 60
  const end = minutesOf(window.end) * 60
  if (start === end) return 0
  const second = localSecondOfDay(now, timeZone)
  const inside = start < end ? second >= start && second < end : second >= start || second < end
  if (inside) return 0
  const untilStart = (start - second + 86_400) % 86_400
  return untilStart * 1000 - now.getMilliseconds()
}

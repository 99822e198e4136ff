import { Either } from "effect"
import { InvalidSmppTime, type SmppTimeProblem } from "./errors.js"

// SMPP v3.4 §7.1.1 time formats. Two-digit years are read as 20YY: these are validity and receipt times,
// always near the present.

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const QUARTER_HOUR = 15 * MINUTE
/** The relative form has two digits of days; beyond them months and years would be calendar-dependent. */
export const MAX_RELATIVE_SECONDS = 100 * 86_400 - 1

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/** Relative validity "YYMMDDhhmmss000R", e.g. 24 h → "000001000000000R". Fractions of a second are dropped. */
export const formatRelative = (seconds: number): string => {
  if (!(seconds >= 0 && seconds <= MAX_RELATIVE_SECONDS)) {
    throw new RangeError(`Relative SMPP time needs 0..${MAX_RELATIVE_SECONDS} seconds, got ${seconds}`)
  }
  let rest = Math.floor(seconds)
  const days = Math.floor(rest / 86_400)
  rest -= days * 86_400
  const hours = Math.floor(rest / 3_600)
  rest -= hours * 3_600
  const minutes = Math.floor(rest / 60)
  return `0000${pad2(days)}${pad2(hours)}${pad2(minutes)}${pad2(rest - minutes * 60)}000R`
}

/**
 * Absolute time "YYMMDDhhmmsstnnp": the local time at `tzQuarterHours` × 15 min from UTC (t = tenths of a
 * second, nn = |offset| in quarter-hours, p = "+" ahead of UTC / "-" behind). Kyiv in summer is 12.
 */
export const formatAbsolute = (date: Date, tzQuarterHours = 0): string => {
  if (!Number.isInteger(tzQuarterHours) || tzQuarterHours < -48 || tzQuarterHours > 48) {
    throw new RangeError(
      `UTC offset must be a whole number of quarter-hours in -48..48, got ${tzQuarterHours}`
    )
  }
  const local = new Date(date.getTime() + tzQuarterHours * QUARTER_HOUR)
  const year = local.getUTCFullYear()
  if (!(year >= 2000 && year <= 2099)) throw new RangeError(`SMPP time can't express year ${year}`)
  return (
    pad2(year - 2000) +
    pad2(local.getUTCMonth() + 1) +
    pad2(local.getUTCDate()) +
    pad2(local.getUTCHours()) +
    pad2(local.getUTCMinutes()) +
    pad2(local.getUTCSeconds()) +
    Math.floor(local.getUTCMilliseconds() / 100) +
    pad2(Math.abs(tzQuarterHours)) +
    (tzQuarterHours < 0 ? "-" : "+")
  )
}

const fail = (input: string, reason: SmppTimeProblem) => Either.left(new InvalidSmppTime({ input, reason }))

/** The two-digit number at `at`, or -1 if either character isn't a digit. */
const two = (s: string, at: number): number => {
  const a = s.charCodeAt(at) - 48
  const b = s.charCodeAt(at + 1) - 48
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

const allDigits = (s: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** Milliseconds since the epoch of "YYMMDDhhmm[ss]" read as UTC, or the problem with it. */
const calendarTime = (s: string, withSeconds: boolean): number | SmppTimeProblem => {
  if (!allDigits(s, 0, withSeconds ? 12 : 10)) return "INVALID_CHARACTER"
  const year = 2000 + two(s, 0)
  const month = two(s, 2)
  const day = two(s, 4)
  const hour = two(s, 6)
  const minute = two(s, 8)
  const second = withSeconds ? two(s, 10) : 0
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return "INVALID_DATE"
  }
  return Date.UTC(year, month - 1, day, hour, minute, second)
}

/**
 * Reads an SMPP v3.4 time (`validity_period`, `schedule_delivery_time`): absolute "YYMMDDhhmmsstnn±" or
 * relative "YYMMDDhhmmss000R", the latter counted from `now` (years and months on the calendar, as an
 * SMSC would, the rest as fixed durations).
 */
export const parseSmppTime = (s: string, now: Date): Either.Either<Date, InvalidSmppTime> => {
  if (s.length !== 16) return fail(s, "INVALID_LENGTH")
  if (!allDigits(s, 0, 15)) return fail(s, "INVALID_CHARACTER")
  const p = s[15]
  if (p === "R") {
    // Relative fields are amounts, not calendar fields: "000000009000000R" is 90 minutes.
    const at = new Date(now.getTime())
    const months = two(s, 0) * 12 + two(s, 2)
    if (months > 0) at.setUTCMonth(at.getUTCMonth() + months)
    return Either.right(
      new Date(at.getTime() + two(s, 4) * DAY + two(s, 6) * HOUR + two(s, 8) * MINUTE + two(s, 10) * SECOND)
    )
  }
  if (p !== "+" && p !== "-") return fail(s, "INVALID_CHARACTER")
  const quarters = two(s, 13)
  if (quarters > 48) return fail(s, "INVALID_OFFSET")
  const local = calendarTime(s, true)
  if (typeof local === "string") return fail(s, local)
  const tenths = s.charCodeAt(12) - 48
  const offset = (p === "+" ? quarters : -quarters) * QUARTER_HOUR
  return Either.right(new Date(local + tenths * 100 - offset))
}

/**
 * Reads a receipt's `submit date:`/`done date:` ("YYMMDDhhmm" or "YYMMDDhhmmss"). The text form carries no
 * zone; it is read as UTC unless the bind says its SMSC writes local time (`utcOffsetMinutes`, e.g. 180).
 */
export const parseReceiptDate = (s: string, utcOffsetMinutes = 0): Either.Either<Date, InvalidSmppTime> => {
  if (s.length !== 10 && s.length !== 12) return fail(s, "INVALID_LENGTH")
  const local = calendarTime(s, s.length === 12)
  if (typeof local === "string") return fail(s, local)
  return Either.right(new Date(local - utcOffsetMinutes * MINUTE))
}

/** "4 s", "3 min", "2 h 5 min": how long ago `since` was, for a state's age. */
export const age = (since: number, now: number): string => {
  const seconds = Math.max(0, Math.round((now - since) / 1000))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  return `${hours} h ${minutes % 60} min`
}

export const count = (n: number): string => n.toLocaleString("en-US")

export const rate = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1).replace(/\.0$/, ""))

/** Minor units as money: 12345 UAH → "123.45 UAH". */
export const money = (minor: number, currency: string): string =>
  `${(minor / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`.trim()

/** An ISO time as the operator's local "2026-11-22 04:15:06". */
export const when = (iso: string | null): string => {
  if (iso === null) return "—"
  const d = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, "0")
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** A time of day with milliseconds, for the steps of one message's history. */
export const clock = (iso: string): string => {
  const d = new Date(iso)
  const pad = (n: number, width = 2) => String(n).padStart(width, "0")
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/** Seconds as "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export const duration = (seconds: number): string => {
  if (seconds < 60) return `${Math.round(seconds)} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h${minutes % 60 === 0 ? "" : ` ${minutes % 60} min`}`
  return `${Math.floor(hours / 24)} d${hours % 24 === 0 ? "" : ` ${hours % 24} h`}`
}

/** "40%" of a fraction; "—" when there is nothing to divide. */
export const percent = (part: number, whole: number): string =>
  whole <= 0 ? "—" : `${Math.floor((Math.min(part, whole) / whole) * 100)}%`

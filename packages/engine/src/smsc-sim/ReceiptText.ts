import type { ReceiptStat } from "./SimulatorConfig.js"

/** message_state TLV (0x0427) values of SMPP v3.4 §5.2.28 for each final state. */
export const MESSAGE_STATE: Readonly<Record<ReceiptStat, number>> = {
  DELIVRD: 2,
  EXPIRED: 3,
  UNDELIV: 5,
  REJECTD: 8
}

/** The `err:` field: network error codes are operator-specific; these just differ per state. */
const ERR: Readonly<Record<ReceiptStat, string>> = {
  DELIVRD: "000",
  UNDELIV: "001",
  EXPIRED: "002",
  REJECTD: "003"
}

// YYMMDDhhmm changes once a minute: format it once per minute, not once per receipt.
let cachedMinute = -1
let cachedDate = ""

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/** `YYMMDDhhmm` in UTC, the receipt text's date format. */
export const receiptDate = (epochMs: number): string => {
  const minute = Math.floor(epochMs / 60_000)
  if (minute === cachedMinute) return cachedDate
  const d = new Date(minute * 60_000)
  const text =
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes())
  cachedMinute = minute
  cachedDate = text
  return text
}

/**
 * The de-facto receipt text (DESIGN.md §4):
 * `id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:<20 chars>`.
 */
export const receiptText = (
  id: string,
  stat: ReceiptStat,
  submittedAt: number,
  doneAt: number,
  preview: string
): string =>
  `id:${id} sub:001 dlvrd:${stat === "DELIVRD" ? "001" : "000"} submit date:${receiptDate(submittedAt)} ` +
  `done date:${receiptDate(doneAt)} stat:${stat} err:${ERR[stat]} text:${preview}`

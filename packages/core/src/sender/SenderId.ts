import { Either, Schema } from "effect"
import { InvalidSenderId, type SenderIdProblem } from "./errors.js"

/** SMPP v3.4 §5.2.5 type of number (`source_addr_ton`). */
export const Ton = {
  Unknown: 0,
  International: 1,
  National: 2,
  NetworkSpecific: 3,
  SubscriberNumber: 4,
  Alphanumeric: 5,
  Abbreviated: 6
} as const

/** SMPP v3.4 §5.2.6 numbering plan indicator (`source_addr_npi`). */
export const Npi = {
  Unknown: 0,
  Isdn: 1, // E.163/E.164
  Data: 3, // X.121
  Telex: 4,
  LandMobile: 6,
  National: 8,
  Private: 9,
  Ermes: 10,
  Internet: 14,
  WapClientId: 18
} as const

export const MAX_ALPHA_LENGTH = 11
export const MAX_NUMERIC_LENGTH = 15
/** Numbers of up to this many digits (without "+") are short codes. */
export const MAX_SHORT_CODE_LENGTH = 8
/** The shortest international number we accept after a "+" (as the E164 schema). */
export const MIN_INTERNATIONAL_LENGTH = 7

export const SenderIdKind = Schema.Literal("alpha", "numeric", "shortcode")
export type SenderIdKind = typeof SenderIdKind.Type

/**
 * A checked sender ID with the TON/NPI to put in `source_addr_ton`/`source_addr_npi`.
 * `value` is what goes in `source_addr`: the name as written, or the digits without "+".
 */
export const SenderId = Schema.Struct({
  kind: SenderIdKind,
  value: Schema.String,
  ton: Schema.Number,
  npi: Schema.Number
})
export type SenderId = typeof SenderId.Type

const fail = (input: string, reason: SenderIdProblem, character?: string) =>
  Either.left(new InvalidSenderId(character === undefined ? { input, reason } : { input, reason, character }))

const isDigit = (c: number) => c >= 48 && c <= 57
const isLatinLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

/**
 * Checks a sender ID (DESIGN.md §6) and classifies it:
 * - alpha: 1–11 Latin letters/digits with at least one letter → TON 5 (alphanumeric), NPI 0. No spaces
 *   or punctuation: several operators strip or refuse them and handsets show them inconsistently, so a
 *   name that passes here is deliverable everywhere.
 * - numeric: 9–15 digits, or "+" and 7–15 digits → TON 1 (international), NPI 1 (E.164). It must not
 *   start with 0: a national-format number sent as international would show a wrong number.
 * - shortcode: 1–8 digits without "+" → TON 3 (network specific), NPI 0: a short code only means
 *   something inside its operator's network, so the SMSC must not read it as E.164 (some operators
 *   want TON 0/NPI 1 instead; a bind may override the TON/NPI).
 * Surrounding whitespace is ignored; inner whitespace is refused like any other non-alphanumeric.
 */
export const parseSenderId = (input: string): Either.Either<SenderId, InvalidSenderId> => {
  const text = input.trim()
  const plus = text.startsWith("+")
  const start = plus ? 1 : 0
  if (text.length === start) return fail(input, "EMPTY")

  let letters = false
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (isDigit(c)) continue
    if (!plus && isLatinLetter(c)) {
      letters = true
      continue
    }
    return fail(input, "INVALID_CHARACTER", String.fromCodePoint(text.codePointAt(i)!))
  }

  if (letters) {
    if (text.length > MAX_ALPHA_LENGTH) return fail(input, "TOO_LONG")
    return Either.right({ kind: "alpha", value: text, ton: Ton.Alphanumeric, npi: Npi.Unknown })
  }

  const digits = text.slice(start)
  if (digits.length > MAX_NUMERIC_LENGTH) return fail(input, "TOO_LONG")
  if (!plus && digits.length <= MAX_SHORT_CODE_LENGTH) {
    return Either.right({ kind: "shortcode", value: digits, ton: Ton.NetworkSpecific, npi: Npi.Unknown })
  }
  if (digits.length < MIN_INTERNATIONAL_LENGTH) return fail(input, "TOO_SHORT")
  if (digits.charCodeAt(0) === 48) return fail(input, "LEADING_ZERO")
  return Either.right({ kind: "numeric", value: digits, ton: Ton.International, npi: Npi.Isdn })
}

/** Alphanumeric names must be registered with (approved by) the operators before use (DESIGN.md §6). */
export const requiresApproval = (senderId: SenderId): boolean => senderId.kind === "alpha"

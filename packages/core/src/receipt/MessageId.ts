import { Either, Schema } from "effect"
import { InvalidMessageId } from "./errors.js"

/**
 * SMSCs write the same message id differently in submit_sm_resp and in the receipt (hex in one, decimal in
 * the other, leading zeros, letter case). Both sides are brought to one canonical space:
 * hex and decimal ids → lower-case hex without leading zeros ("0" for zero); "string" ids → trimmed as-is.
 */
export const IdFormat = Schema.Literal("string", "hex", "decimal")
export type IdFormat = typeof IdFormat.Type

// C-octet strings sometimes arrive with their NUL terminator; whitespace around ids is never meaningful.
const clean = (raw: string): string => {
  let end = raw.length
  while (end > 0 && (raw.charCodeAt(end - 1) === 0 || raw.charCodeAt(end - 1) <= 32)) end--
  let start = 0
  while (start < end && raw.charCodeAt(start) <= 32) start++
  return start === 0 && end === raw.length ? raw : raw.slice(start, end)
}

const isDecimal = (s: string): boolean => {
  if (s.length === 0) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

const isHex = (s: string): boolean => {
  if (s.length === 0) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20 // fold A-F to a-f; digits are unchanged
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false
  }
  return true
}

const stripZeros = (s: string): string => {
  let i = 0
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++
  return i === 0 ? s : s.slice(i)
}

// Number is exact below 2^53: up to 15 decimal digits / 13 hex digits; BigInt beyond.
const decimalToHex = (digits: string): string => {
  const d = stripZeros(digits)
  return d.length <= 15 ? Number(d).toString(16) : BigInt(d).toString(16)
}

const hexToDecimal = (hex: string): string => {
  const h = stripZeros(hex)
  return h.length <= 13 ? Number.parseInt(h, 16).toString(10) : BigInt(`0x${h}`).toString(10)
}

const hexCanonical = (hex: string): string => stripZeros(hex.toLowerCase())

const wrongFormat = (raw: string, format: IdFormat) =>
  Either.left(new InvalidMessageId({ raw, format, reason: "WrongFormat" }))

/** The canonical form of an id whose format the operator's configuration tells us. */
export const canonicalMessageId = (
  raw: string,
  format: IdFormat
): Either.Either<string, InvalidMessageId> => {
  const id = clean(raw)
  if (id === "") return Either.left(new InvalidMessageId({ raw, format, reason: "Empty" }))
  switch (format) {
    case "string":
      return Either.right(id)
    case "hex":
      return isHex(id) ? Either.right(hexCanonical(id)) : wrongFormat(raw, format)
    case "decimal":
      return isDecimal(id) ? Either.right(decimalToHex(id)) : wrongFormat(raw, format)
  }
}

const addDistinct = (out: Array<string>, s: string): void => {
  if (!out.includes(s)) out.push(s)
}

/**
 * Every reading of an id whose format is unknown, for a correlator to try in turn:
 * 1. its own reading (hex-canonical when it is valid hex — this also folds case and leading zeros of a
 *    decimal id, since decimal digits are hex digits — else the trimmed id): store submit_sm_resp ids
 *    under this one;
 * 2. decimal → hex (the receipt is decimal, the resp was hex);
 * 3. hex → decimal (the receipt is hex, the resp was decimal);
 * 4. the trimmed raw id, when it differs from all of the above.
 * Distinct, in that order; empty for an empty id. More candidates mean more chance of a false match
 * between two ids of one operator: configure the format when it is known.
 */
export const canonicalCandidates = (raw: string): ReadonlyArray<string> => {
  const id = clean(raw)
  if (id === "") return []
  const hex = isHex(id)
  const out: Array<string> = [hex ? hexCanonical(id) : id]
  if (isDecimal(id)) addDistinct(out, decimalToHex(id))
  if (hex) addDistinct(out, hexToDecimal(id))
  addDistinct(out, id)
  return out
}

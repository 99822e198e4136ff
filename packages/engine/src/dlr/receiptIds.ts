import { canonicalCandidates, canonicalMessageId, type IdFormat } from "@volley/core/receipt/MessageId"
import { Either } from "effect"

// Lower-case hex with at least one letter: the only ids whose upper-case spelling is the same number.
const lowerHexWithLetter = /^(?=.*[a-f])[0-9a-f]+$/

/**
 * The SMSC ids a receipt's id may have been stored under, best first.
 *
 * 1. Its reading with the operator's format, falling back to the trimmed id: exactly what a bind stores
 *    for a submit_sm_resp written the same way (BindActor canonicalises resp ids with the same format).
 * 2. The other readings of the same id (decimal ↔ hex, zeros and case folded; core's
 *    `canonicalCandidates`): SMSCs write hex in the resp and decimal in the receipt, or the reverse, and a
 *    bind canonicalises the resp with the one format the operator has, so the cross-base reading is the
 *    only one that meets it. Upper-case variants cover a hex resp that a bind kept as written because it
 *    did not fit the format.
 *
 * Only the first is unambiguous; the correlator prefers it and accepts the others only for messages that
 * still wait for a receipt. Empty for an empty id.
 */
export const receiptIdReadings = (raw: string, format: IdFormat): ReadonlyArray<string> => {
  const primary = Either.getOrElse(canonicalMessageId(raw, format), () => raw.trim())
  const out: Array<string> = []
  const add = (id: string) => {
    if (id !== "" && !out.includes(id)) out.push(id)
  }
  add(primary)
  for (const candidate of canonicalCandidates(raw)) add(candidate)
  for (const id of [...out]) if (lowerHexWithLetter.test(id)) add(id.toUpperCase())
  return out
}

import { Either } from "effect"
import { EmptyText, type TooManyParts } from "./errors.js"
import {
  type Encoding,
  GSM7_CONCATENATED_PART_SEPTETS,
  Layout,
  layOut,
  refuseTooManyParts,
  type SegmentationOptions
} from "./segmentation.js"
import { writeUcs2 } from "./ucs2.js"
import {
  CONCATENATION_UDH_LENGTH,
  ESM_CLASS_UDHI,
  MAX_CONCATENATED_PARTS,
  writeConcatenationUdh
} from "./udh.js"

/** SMPP data_coding: 0 = SMSC default alphabet (GSM 03.38 septets), 8 = UCS-2. */
export type DataCoding = 0 | 8

export interface EncodedPart {
  /** Unpacked septets or UCS-2 BE bytes, with the concatenation UDH prepended when total > 1. */
  readonly shortMessage: Uint8Array
  /** ESM_CLASS_UDHI when shortMessage starts with a UDH, else 0. */
  readonly esmClass: number
  /** 1-based. */
  readonly seq: number
  readonly total: number
}

export interface EncodedMessage {
  readonly encoding: Encoding
  readonly dataCoding: DataCoding
  readonly parts: ReadonlyArray<EncodedPart>
}

export interface EncodeOptions extends SegmentationOptions {
  /** 8-bit concatenation reference shared by all parts (taken modulo 256). */
  readonly reference: number
}

// Reused on every call (synchronous, single-threaded): the layout and the septets of the largest text
// that can be accepted (255 full parts), so encoding allocates only the parts it returns.
const layout = new Layout()
const septets = new Uint8Array(MAX_CONCATENATED_PARTS * GSM7_CONCATENATED_PART_SEPTETS)

/**
 * The submit_sm payloads for a text: detection, part packing and GSM septets happen in one pass over
 * the text (UCS-2 bytes are written straight into each part), then each part is one exact allocation.
 */
export const encodeForSmpp = (
  text: string,
  options: EncodeOptions
): Either.Either<EncodedMessage, TooManyParts | EmptyText> => {
  if (text.length === 0) return Either.left(new EmptyText())
  layOut(text, layout, septets)
  const refused = refuseTooManyParts(layout, options.maxParts)
  if (refused !== undefined) return Either.left(refused)

  const gsm = layout.encoding === "GSM7"
  const total = layout.parts
  const header = total > 1 ? CONCATENATION_UDH_LENGTH : 0
  const esmClass = total > 1 ? ESM_CLASS_UDHI : 0
  const { textStart, unitStart } = layout
  const parts: Array<EncodedPart> = []
  for (let i = 0; i < total; i++) {
    const from = unitStart[i]!
    const to = unitStart[i + 1]!
    const shortMessage = new Uint8Array(header + (gsm ? to - from : 2 * (to - from)))
    if (header > 0) writeConcatenationUdh(shortMessage, 0, options.reference, total, i + 1)
    if (gsm) shortMessage.set(septets.subarray(from, to), header)
    else writeUcs2(text, textStart[i]!, textStart[i + 1]!, shortMessage, header)
    parts.push({ shortMessage, esmClass, seq: i + 1, total })
  }
  return Either.right({ encoding: layout.encoding, dataCoding: gsm ? 0 : 8, parts })
}

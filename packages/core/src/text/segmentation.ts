import { Either } from "effect"
import { EmptyText, TooManyParts } from "./errors.js"
import { GSM7_ESCAPE, GSM7_EXTENDED, gsm7Code, isGsm7 } from "./gsm7.js"
import { MAX_CONCATENATED_PARTS } from "./udh.js"

export type Encoding = "GSM7" | "UCS2"

/** Parts a message may take unless the account allows more (DESIGN.md §3). */
export const DEFAULT_MAX_PARTS = 4

export const GSM7_SINGLE_PART_SEPTETS = 160
/** A concatenated part loses 7 septets to the 6-byte UDH. */
export const GSM7_CONCATENATED_PART_SEPTETS = 153
export const UCS2_SINGLE_PART_UNITS = 70
/** A concatenated part loses 3 UTF-16 units to the 6-byte UDH. */
export const UCS2_CONCATENATED_PART_UNITS = 67

export interface TextAnalysis {
  readonly encoding: Encoding
  /** Code points: what a person counts (an emoji is one). */
  readonly characters: number
  /** Septets for GSM7 (extension characters are two), UTF-16 code units for UCS2 (an emoji is two). */
  readonly units: number
  readonly parts: number
  /** 160/70 for a single part, 153/67 when concatenated. */
  readonly unitsPerPart: number
  readonly remainingInLastPart: number
}

export interface SegmentationOptions {
  /** Defaults to DEFAULT_MAX_PARTS; capped at 255, the most an 8-bit concatenation UDH can number. */
  readonly maxParts?: number | undefined
}

/**
 * @internal How a text packs into parts, shared by analyze, split and encodeForSmpp. Mutable and reused
 * per caller so the hot path allocates nothing; only valid until the next layOut into the same instance.
 */
export class Layout {
  encoding: Encoding = "GSM7"
  characters = 0
  units = 0
  parts = 0
  lastPartUnits = 0
  /**
   * Part i covers code units [textStart[i], textStart[i+1]) of the text and encoded units
   * [unitStart[i], unitStart[i+1]); index `parts` holds the end. Only recorded while parts fit the
   * UDH limit: longer texts are refused anyway.
   */
  readonly textStart = new Int32Array(MAX_CONCATENATED_PARTS + 1)
  readonly unitStart = new Int32Array(MAX_CONCATENATED_PARTS + 1)
}

const NO_OUTPUT = new Uint8Array(0)

/**
 * @internal One pass over the text: detects the encoding, counts, and packs greedily into concatenated
 * parts (a 2-septet extension character or a surrogate pair that does not fit opens the next part whole,
 * so the count can exceed units / 153). While the text is GSM its unpacked septets are written into
 * `septets` as far as it has room; the pass restarts as UCS-2 at the first character outside GSM 03.38.
 */
export const layOut = (text: string, layout: Layout, septets: Uint8Array = NO_OUTPUT): void => {
  if (!layOutGsm7(text, layout, septets)) layOutUcs2(text, layout)
}

const layOutGsm7 = (text: string, layout: Layout, out: Uint8Array): boolean => {
  const { textStart, unitStart } = layout
  const length = text.length
  const capacity = out.length
  let units = 0
  let used = 0
  let parts = 1
  for (let i = 0; i < length; i++) {
    const code = gsm7Code(text.charCodeAt(i))
    if (code < 0) return false
    const cost = code & GSM7_EXTENDED ? 2 : 1
    if (used + cost > GSM7_CONCATENATED_PART_SEPTETS) {
      if (parts < textStart.length) {
        textStart[parts] = i
        unitStart[parts] = units
      }
      parts++
      used = 0
    }
    if (units + cost <= capacity) {
      if (cost === 2) {
        out[units] = GSM7_ESCAPE
        out[units + 1] = code & 0x7f
      } else {
        out[units] = code
      }
    }
    units += cost
    used += cost
  }
  // Every GSM 03.38 character is one BMP code unit, so characters = code units.
  finish(layout, "GSM7", length, length, units, parts, used, GSM7_SINGLE_PART_SEPTETS)
  return true
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff

const layOutUcs2 = (text: string, layout: Layout): void => {
  const { textStart, unitStart } = layout
  const length = text.length
  let characters = 0
  let used = 0
  let parts = 1
  for (let i = 0; i < length; ) {
    const cost =
      isHighSurrogate(text.charCodeAt(i)) && i + 1 < length && isLowSurrogate(text.charCodeAt(i + 1)) ? 2 : 1
    if (used + cost > UCS2_CONCATENATED_PART_UNITS) {
      if (parts < textStart.length) {
        textStart[parts] = i
        unitStart[parts] = i
      }
      parts++
      used = 0
    }
    used += cost
    i += cost
    characters++
  }
  finish(layout, "UCS2", length, characters, length, parts, used, UCS2_SINGLE_PART_UNITS)
}

const finish = (
  layout: Layout,
  encoding: Encoding,
  length: number,
  characters: number,
  units: number,
  concatenatedParts: number,
  lastPartUnits: number,
  singlePartUnits: number
): void => {
  const single = units <= singlePartUnits
  const parts = single ? 1 : concatenatedParts
  layout.encoding = encoding
  layout.characters = characters
  layout.units = units
  layout.parts = parts
  layout.lastPartUnits = single ? units : lastPartUnits
  if (parts < layout.textStart.length) {
    layout.textStart[parts] = length
    layout.unitStart[parts] = units
  }
}

/** @internal The refusal for a laid-out text that needs more parts than allowed, if it does. */
export const refuseTooManyParts = (
  layout: Layout,
  maxParts: number | undefined
): TooManyParts | undefined => {
  const limit = Math.min(maxParts ?? DEFAULT_MAX_PARTS, MAX_CONCATENATED_PARTS)
  // Written as "fits" so a NaN limit refuses instead of letting every length through.
  if (layout.parts <= limit) return undefined
  return new TooManyParts({
    parts: layout.parts,
    maxParts: limit,
    encoding: layout.encoding,
    units: layout.units
  })
}

/** "GSM7" when every character is in GSM 03.38, else "UCS2": one outsider switches the whole text. */
export const detectEncoding = (text: string): Encoding => (isGsm7(text) ? "GSM7" : "UCS2")

const scratch = new Layout()

/** Encoding, counts and parts of a text, or why it cannot be sent. */
export const analyze = (
  text: string,
  options: SegmentationOptions = {}
): Either.Either<TextAnalysis, TooManyParts | EmptyText> => {
  if (text.length === 0) return Either.left(new EmptyText())
  layOut(text, scratch)
  const refused = refuseTooManyParts(scratch, options.maxParts)
  if (refused !== undefined) return Either.left(refused)
  const gsm = scratch.encoding === "GSM7"
  const unitsPerPart =
    scratch.parts === 1
      ? gsm
        ? GSM7_SINGLE_PART_SEPTETS
        : UCS2_SINGLE_PART_UNITS
      : gsm
        ? GSM7_CONCATENATED_PART_SEPTETS
        : UCS2_CONCATENATED_PART_UNITS
  return Either.right({
    encoding: scratch.encoding,
    characters: scratch.characters,
    units: scratch.units,
    parts: scratch.parts,
    unitsPerPart,
    remainingInLastPart: unitsPerPart - scratch.lastPartUnits
  })
}

/** The text of each part, in order, packed by the same rules as analyze and encodeForSmpp. */
export const split = (
  text: string,
  options: SegmentationOptions = {}
): Either.Either<ReadonlyArray<string>, TooManyParts | EmptyText> => {
  if (text.length === 0) return Either.left(new EmptyText())
  layOut(text, scratch)
  const refused = refuseTooManyParts(scratch, options.maxParts)
  if (refused !== undefined) return Either.left(refused)
  const parts: Array<string> = []
  for (let i = 0; i < scratch.parts; i++) {
    parts.push(text.slice(scratch.textStart[i]!, scratch.textStart[i + 1]!))
  }
  return Either.right(parts)
}

import { codeUnitsToString } from "./ucs2.js"

/** Septet that switches the next septet to the extension table (3GPP TS 23.038 §6.2.1.1). */
export const GSM7_ESCAPE = 0x1b

/** Set on a {@link gsm7Code} result when the character is in the extension table (costs 2 septets). */
export const GSM7_EXTENDED = 0x100

// The default alphabet in septet order (3GPP TS 23.038 §6.2.1). 0x09 is the capital Ç, as in the ETSI
// table, so the lower-case ç is not GSM. 0x1B is the escape and is never produced from text.
const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// Extension table (3GPP TS 23.038 §6.2.1.1): septet after the escape → character.
const EXTENSION: ReadonlyArray<readonly [number, string]> = [
  [0x0a, "\f"],
  [0x14, "^"],
  [0x28, "{"],
  [0x29, "}"],
  [0x2f, "\\"],
  [0x3c, "["],
  [0x3d, "~"],
  [0x3e, "]"],
  [0x40, "|"],
  [0x65, "€"]
]

/** Every character of the default alphabet (escape excluded), in septet order. */
export const GSM7_BASIC_CHARACTERS: string = BASIC.replace("\x1b", "")
/** Every character of the extension table. */
export const GSM7_EXTENSION_CHARACTERS: string = EXTENSION.map(([, char]) => char).join("")

// UTF-16 code unit → septet (| GSM7_EXTENDED), -1 when not GSM. The highest GSM code unit is € (U+20AC),
// so the table stays at ~16 KB and one bounds check replaces any per-character regex or Map lookup.
const ENCODE_SIZE = 0x20ad
const ENCODE = new Int16Array(ENCODE_SIZE).fill(-1)
// Septet → code unit, for decoding. 0 in DECODE_EXTENSION means "not in the extension table".
const DECODE_BASIC = new Uint16Array(128)
const DECODE_EXTENSION = new Uint16Array(128)

for (let septet = 0; septet < 128; septet++) {
  const unit = BASIC.charCodeAt(septet)
  // A lone escape has no character of its own; receivers show it as a space.
  DECODE_BASIC[septet] = septet === GSM7_ESCAPE ? 0x20 : unit
  if (septet !== GSM7_ESCAPE) ENCODE[unit] = septet
}
for (const [septet, char] of EXTENSION) {
  const unit = char.charCodeAt(0)
  ENCODE[unit] = GSM7_EXTENDED | septet
  DECODE_EXTENSION[septet] = unit
}

/**
 * The septet for one UTF-16 code unit: 0–127 for the default alphabet, `GSM7_EXTENDED | septet` for the
 * extension table, -1 when the character is not in GSM 03.38.
 */
export const gsm7Code = (codeUnit: number): number => (codeUnit < ENCODE_SIZE ? ENCODE[codeUnit]! : -1)

/** Whether every character of the text is in the GSM 03.38 default alphabet or its extension table. */
export const isGsm7 = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    if (gsm7Code(text.charCodeAt(i)) < 0) return false
  }
  return true
}

/** Septets the text needs (extension characters count 2), or undefined when it is not GSM 03.38. */
export const gsm7SeptetLength = (text: string): number | undefined => {
  let septets = 0
  for (let i = 0; i < text.length; i++) {
    const code = gsm7Code(text.charCodeAt(i))
    if (code < 0) return undefined
    septets += code & GSM7_EXTENDED ? 2 : 1
  }
  return septets
}

/**
 * Writes the GSM septets of `text[start, end)` into `out` from `offset`, one byte per septet (unpacked),
 * extension characters as 0x1B + septet. The range must be GSM 03.38; returns the offset after the last
 * byte written.
 */
export const writeGsm7 = (
  text: string,
  start: number,
  end: number,
  out: Uint8Array,
  offset: number
): number => {
  for (let i = start; i < end; i++) {
    const code = gsm7Code(text.charCodeAt(i))
    if (code & GSM7_EXTENDED) {
      out[offset++] = GSM7_ESCAPE
      out[offset++] = code & 0x7f
    } else {
      out[offset++] = code
    }
  }
  return offset
}

/** Unpacked septets (one byte each) for the text, or undefined when it is not GSM 03.38. */
export const encodeGsm7 = (text: string): Uint8Array | undefined => {
  const length = gsm7SeptetLength(text)
  if (length === undefined) return undefined
  const out = new Uint8Array(length)
  writeGsm7(text, 0, text.length, out, 0)
  return out
}

/**
 * Text of unpacked septets (data_coding 0 of an inbound deliver_sm). Follows the receiver rules of
 * TS 23.038: an escape before a septet the extension table lacks shows that septet's default character,
 * and a trailing escape shows as a space. Bytes above 0x7F are not septets and become U+FFFD.
 */
export const decodeGsm7 = (septets: Uint8Array): string => {
  const units = new Uint16Array(septets.length)
  let length = 0
  for (let i = 0; i < septets.length; i++) {
    const septet = septets[i]!
    if (septet > 0x7f) {
      units[length++] = 0xfffd
    } else if (septet === GSM7_ESCAPE && i + 1 < septets.length && septets[i + 1]! <= 0x7f) {
      const next = septets[++i]!
      units[length++] = DECODE_EXTENSION[next]! || DECODE_BASIC[next]!
    } else {
      units[length++] = DECODE_BASIC[septet]!
    }
  }
  return codeUnitsToString(units, length)
}

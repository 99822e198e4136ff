// String.fromCharCode.apply is bounded by the engine's argument limit; decode in slices below it.
const CHUNK = 8192

/** @internal Builds a string from the first `length` UTF-16 code units of `units`. */
export const codeUnitsToString = (units: Uint16Array, length: number): string => {
  let text = ""
  for (let start = 0; start < length; start += CHUNK) {
    const chunk = units.subarray(start, Math.min(start + CHUNK, length))
    text += String.fromCharCode.apply(null, chunk as unknown as Array<number>)
  }
  return text
}

/**
 * Writes `text[start, end)` as UCS-2 big-endian into `out` from `offset`. Code units are copied as they
 * are, so a surrogate pair (emoji) becomes two units, which is what handsets expect in practice.
 * Returns the offset after the last byte written.
 */
export const writeUcs2 = (
  text: string,
  start: number,
  end: number,
  out: Uint8Array,
  offset: number
): number => {
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i)
    out[offset++] = unit >>> 8
    out[offset++] = unit & 0xff
  }
  return offset
}

/** UCS-2 big-endian bytes of the text (data_coding 8). */
export const encodeUcs2 = (text: string): Uint8Array => {
  const out = new Uint8Array(text.length * 2)
  writeUcs2(text, 0, text.length, out, 0)
  return out
}

/** Text of UCS-2 big-endian bytes; a dangling odd byte means a truncated unit and becomes U+FFFD. */
export const decodeUcs2 = (bytes: Uint8Array): string => {
  const whole = bytes.length >>> 1
  const units = new Uint16Array(whole + (bytes.length & 1))
  for (let i = 0; i < whole; i++) {
    units[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!
  }
  if (bytes.length & 1) units[whole] = 0xfffd
  return codeUnitsToString(units, units.length)
}

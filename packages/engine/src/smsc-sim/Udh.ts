/** Concatenation of one part, from its UDH (IEI 0x00: 8-bit reference, IEI 0x08: 16-bit). */
export interface Concatenation {
  readonly ref: number
  readonly total: number
  readonly seq: number
}

/** Where the text starts after the UDH and the concatenation it announces, if any. */
export interface UdhInfo {
  readonly textStart: number
  readonly concatenation: Concatenation | undefined
}

const NO_UDH: UdhInfo = { textStart: 0, concatenation: undefined }

/** Reads the User Data Header at the start of `bytes` (call only when esm_class has UDHI, 0x40). */
export const readUdh = (bytes: Uint8Array): UdhInfo => {
  if (bytes.length === 0) return NO_UDH
  const udhLength = bytes[0]!
  const end = Math.min(1 + udhLength, bytes.length)
  let concatenation: Concatenation | undefined
  let offset = 1
  while (offset + 2 <= end) {
    const iei = bytes[offset]!
    const length = bytes[offset + 1]!
    const data = offset + 2
    if (iei === 0x00 && length === 3 && data + 3 <= end) {
      concatenation = { ref: bytes[data]!, total: bytes[data + 1]!, seq: bytes[data + 2]! }
    } else if (iei === 0x08 && length === 4 && data + 4 <= end) {
      concatenation = {
        ref: (bytes[data]! << 8) | bytes[data + 1]!,
        total: bytes[data + 2]!,
        seq: bytes[data + 3]!
      }
    }
    offset = data + length
  }
  return { textStart: end, concatenation }
}

/** esm_class bit saying short_message starts with a User Data Header. */
export const ESM_CLASS_UDHI = 0x40

/** Length of the concatenation UDH: UDHL, IEI, IEDL, reference, total, sequence. */
export const CONCATENATION_UDH_LENGTH = 6

/** The 8-bit reference and the part counters are single bytes, so no message can have more parts. */
export const MAX_CONCATENATED_PARTS = 255

/**
 * Writes `05 00 03 ref total seq` (IEI 0x00, concatenated short messages with an 8-bit reference) into
 * `out` at `offset`. The reference is taken modulo 256 so callers may pass a running counter.
 * Returns the offset after the header.
 */
export const writeConcatenationUdh = (
  out: Uint8Array,
  offset: number,
  reference: number,
  total: number,
  seq: number
): number => {
  out[offset] = 0x05
  out[offset + 1] = 0x00
  out[offset + 2] = 0x03
  out[offset + 3] = reference & 0xff
  out[offset + 4] = total
  out[offset + 5] = seq
  return offset + CONCATENATION_UDH_LENGTH
}

/** The 6-byte concatenation UDH for part `seq` (1-based) of `total`. */
export const concatenationUdh = (reference: number, total: number, seq: number): Uint8Array => {
  const out = new Uint8Array(CONCATENATION_UDH_LENGTH)
  writeConcatenationUdh(out, 0, reference, total, seq)
  return out
}

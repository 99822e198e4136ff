import { decodeGsm7, decodeUcs2, GSM7_ESCAPE, GSM7_EXTENDED, gsm7Code } from "@volley/core"

/**
 * The text of message bytes as a handset would show it: data_coding 0 is GSM 7-bit unpacked septets, 8 is
 * UCS-2 big-endian (both decoded by core, so tests compare with what the engine encoded); 3 is Latin-1;
 * anything else (binary) is shown as Latin-1 too, byte for byte.
 */
export const decodeMessageText = (dataCoding: number, bytes: Uint8Array): string => {
  switch (dataCoding) {
    case 0:
    // node-smpp labels the GSM septets it makes from a string as 1 (IA5): read them as it wrote them.
    case 1:
      return decodeGsm7(bytes)
    case 8:
      return decodeUcs2(bytes)
    default:
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1")
  }
}

/** The first `chars` characters of a message's text, decoding no more bytes than they can take. */
export const textPreview = (dataCoding: number, bytes: Uint8Array, chars: number): string => {
  // A GSM extension character takes 2 septets and a UCS-2 unit 2 bytes: 2 bytes per character at most.
  const head = bytes.subarray(0, Math.min(bytes.length, 2 * chars))
  return decodeMessageText(dataCoding, head).slice(0, chars)
}

const QUESTION_MARK = 0x3f

/**
 * GSM septets (one per byte) for receipt and MO texts: characters outside GSM 03.38 become "?", as SMSCs
 * do when they quote a UCS-2 message in a data_coding 0 receipt.
 */
export const gsm7Lossy = (text: string): Buffer => {
  const out = Buffer.allocUnsafe(text.length * 2)
  let length = 0
  for (let i = 0; i < text.length; i++) {
    const code = gsm7Code(text.charCodeAt(i))
    if (code < 0) {
      out[length++] = QUESTION_MARK
    } else if (code & GSM7_EXTENDED) {
      out[length++] = GSM7_ESCAPE
      out[length++] = code & 0x7f
    } else {
      out[length++] = code
    }
  }
  return out.subarray(0, length)
}

import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { type EncodedMessage, encodeForSmpp } from "../src/text/encode.js"
import { decodeGsm7 } from "../src/text/gsm7.js"
import { split } from "../src/text/segmentation.js"
import { decodeUcs2 } from "../src/text/ucs2.js"
import { CONCATENATION_UDH_LENGTH, concatenationUdh, ESM_CLASS_UDHI } from "../src/text/udh.js"

const encode = (text: string, reference = 0x2a, maxParts?: number): EncodedMessage =>
  Either.getOrThrow(encodeForSmpp(text, { reference, maxParts }))

const bytes = (hex: string) => Uint8Array.from(hex.split(" ").map((b) => Number.parseInt(b, 16)))

const decodePart = (message: EncodedMessage, index: number): string => {
  const part = message.parts[index]!
  const payload = part.shortMessage.subarray(part.total > 1 ? CONCATENATION_UDH_LENGTH : 0)
  return message.dataCoding === 0 ? decodeGsm7(payload) : decodeUcs2(payload)
}
const decodeAll = (message: EncodedMessage) => message.parts.map((_, i) => decodePart(message, i))

describe("SMPP encoding", () => {
  it("sends single-part GSM text as unpacked septets with data_coding 0 and esm_class 0", () => {
    const message = encode("Hi @ £1")
    expect(message).toEqual({
      encoding: "GSM7",
      dataCoding: 0,
      parts: [{ shortMessage: bytes("48 69 20 00 20 01 31"), esmClass: 0, seq: 1, total: 1 }]
    })
  })

  it("escapes extension characters: € is 1B 65", () => {
    expect(encode("€").parts[0]!.shortMessage).toEqual(bytes("1b 65"))
    expect(encode("{x}").parts[0]!.shortMessage).toEqual(bytes("1b 28 78 1b 29"))
  })

  it("sends UCS-2 big-endian with data_coding 8", () => {
    const message = encode("Привіт")
    expect(message.encoding).toBe("UCS2")
    expect(message.dataCoding).toBe(8)
    expect(message.parts).toEqual([
      { shortMessage: bytes("04 1f 04 40 04 38 04 32 04 56 04 42"), esmClass: 0, seq: 1, total: 1 }
    ])
  })

  it("keeps an emoji as its surrogate pair", () => {
    expect(encode("ok 😀").parts[0]!.shortMessage).toEqual(bytes("00 6f 00 6b 00 20 d8 3d de 00"))
  })

  it("builds the concatenation UDH 05 00 03 ref total seq", () => {
    expect(concatenationUdh(0x2a, 3, 2)).toEqual(bytes("05 00 03 2a 03 02"))
    expect(concatenationUdh(256 + 7, 2, 1)).toEqual(bytes("05 00 03 07 02 01"))
    expect(ESM_CLASS_UDHI).toBe(0x40)
  })

  it("prefixes each concatenated GSM part with the UDH and sets esm_class 0x40", () => {
    const text = "a".repeat(400)
    const message = encode(text, 0xbe)
    expect(message.dataCoding).toBe(0)
    expect(message.parts).toHaveLength(3)
    message.parts.forEach((part, i) => {
      expect(part.esmClass).toBe(0x40)
      expect(part.seq).toBe(i + 1)
      expect(part.total).toBe(3)
      expect(part.shortMessage.subarray(0, 6)).toEqual(bytes(`05 00 03 be 03 0${i + 1}`))
      expect(part.shortMessage.length - 6).toBeLessThanOrEqual(153)
    })
    expect(message.parts.map((p) => p.shortMessage.length)).toEqual([159, 159, 6 + 94])
    expect(decodeAll(message).join("")).toBe(text)
  })

  it("prefixes each concatenated UCS-2 part with the UDH and keeps payloads within 134 bytes", () => {
    const text = "Привіт, світе! ".repeat(10)
    const message = encode(text, 7)
    expect(message.dataCoding).toBe(8)
    expect(message.parts).toHaveLength(3)
    for (const part of message.parts) {
      expect(part.esmClass).toBe(ESM_CLASS_UDHI)
      expect(part.shortMessage.subarray(0, 6)).toEqual(bytes(`05 00 03 07 03 0${part.seq}`))
      expect(part.shortMessage.length - 6).toBeLessThanOrEqual(134)
    }
    expect(message.parts[0]!.shortMessage.subarray(6, 10)).toEqual(bytes("04 1f 04 40"))
    expect(decodeAll(message).join("")).toBe(text)
  })

  it("never splits an escape sequence or a surrogate pair across parts, matching split", () => {
    const cases = [
      `${"a".repeat(152)}€${"b".repeat(152)}`,
      `${"ж".repeat(66)}😀${"ж".repeat(66)}`,
      `${"x".repeat(152)}€`.repeat(4),
      "😀".repeat(100),
      `Sale! {${"Save 50€ on [everything] ~ ".repeat(15)}}`
    ]
    for (const text of cases) {
      const message = encode(text, 1, 6)
      for (const part of message.parts) {
        const payload = part.shortMessage.subarray(6)
        expect(payload.length).toBeLessThanOrEqual(message.dataCoding === 0 ? 153 : 134)
        if (message.dataCoding === 0) expect(payload[payload.length - 1]).not.toBe(0x1b)
        else expect(payload[payload.length - 2]! & 0xfc).not.toBe(0xd8) // no dangling high surrogate
      }
      expect(decodeAll(message)).toEqual(Either.getOrThrow(split(text, { maxParts: 6 })))
      expect(decodeAll(message).join("")).toBe(text)
    }
  })

  it("round-trips single-part texts of both encodings", () => {
    for (const text of ["Hello", "€".repeat(80), "a".repeat(160), "ж".repeat(70), "Hi 👋🏽"]) {
      const message = encode(text)
      expect(message.parts).toHaveLength(1)
      expect(message.parts[0]!.esmClass).toBe(0)
      expect(decodePart(message, 0)).toBe(text)
    }
  })

  it("encodes 255 full parts, the most one reference can number", () => {
    const text = "z".repeat(255 * 153)
    const message = encode(text, 9, 255)
    expect(message.parts).toHaveLength(255)
    expect(message.parts[254]!.shortMessage.subarray(0, 6)).toEqual(bytes("05 00 03 09 ff ff"))
    expect(decodeAll(message).join("")).toBe(text)
  })

  it("is not confused by a previous longer message (reused buffers)", () => {
    encode("q".repeat(600))
    expect(encode("Hi").parts[0]!.shortMessage).toEqual(bytes("48 69"))
    encode("ж".repeat(260))
    expect(encode("€").parts[0]!.shortMessage).toEqual(bytes("1b 65"))
  })

  it("refuses text longer than the maximum parts", () => {
    const error = Either.getOrThrow(Either.flip(encodeForSmpp("a".repeat(613), { reference: 1 })))
    expect(error).toMatchObject({ _tag: "TooManyParts", parts: 5, maxParts: 4, encoding: "GSM7", units: 613 })
    const ucs2 = Either.getOrThrow(Either.flip(encodeForSmpp("ж".repeat(135), { reference: 1, maxParts: 2 })))
    expect(ucs2).toMatchObject({ _tag: "TooManyParts", parts: 3, maxParts: 2, encoding: "UCS2", units: 135 })
  })

  it("refuses empty text", () => {
    const error = Either.getOrThrow(Either.flip(encodeForSmpp("", { reference: 1 })))
    expect(error._tag).toBe("EmptyText")
  })
})

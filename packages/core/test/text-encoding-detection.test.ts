import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  decodeGsm7,
  encodeGsm7,
  GSM7_BASIC_CHARACTERS,
  GSM7_EXTENSION_CHARACTERS,
  gsm7SeptetLength,
  isGsm7
} from "../src/text/gsm7.js"
import { analyze, detectEncoding } from "../src/text/segmentation.js"
import { decodeUcs2, encodeUcs2 } from "../src/text/ucs2.js"

const encodingOf = (text: string) => Either.getOrThrow(analyze(text)).encoding

describe("encoding detection", () => {
  it("keeps plain Latin text in GSM 7-bit", () => {
    expect(encodingOf("Hello, your code is 123456. Don't share it!")).toBe("GSM7")
    expect(detectEncoding("Order #42 @ 10:30 (total $5.00)")).toBe("GSM7")
  })

  it("switches the whole message to UCS-2 for a single Cyrillic letter", () => {
    expect(encodingOf("Hello wоrld")).toBe("UCS2") // the "о" is U+043E, not Latin o
    expect(encodingOf("Привіт")).toBe("UCS2")
  })

  it("uses UCS-2 for mixed Latin and Cyrillic, counting every character as one unit", () => {
    const analysis = Either.getOrThrow(analyze("Code 1234 — код 1234"))
    expect(analysis.encoding).toBe("UCS2")
    expect(analysis.units).toBe("Code 1234 — код 1234".length)
  })

  it("keeps extension characters in GSM 7-bit, at two septets each", () => {
    for (const char of "^{}\\[~]|€\f") {
      expect(isGsm7(`a${char}b`), JSON.stringify(char)).toBe(true)
      expect(gsm7SeptetLength(char), JSON.stringify(char)).toBe(2)
    }
    expect(encodingOf("Price: 5€ {promo} [x] ~ ^ | \\")).toBe("GSM7")
  })

  it("accepts the accented and Greek letters that are in GSM 03.38", () => {
    for (const char of "èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà£¥@$") {
      expect(isGsm7(char), char).toBe(true)
      expect(gsm7SeptetLength(char), char).toBe(1)
    }
  })

  it("refuses look-alikes that are not in GSM 03.38", () => {
    // ç: the table's 0x09 is the capital Ç. Greek capitals that look Latin (Α, Β) and Cyrillic ones are
    // distinct code points; typographic quotes, dashes, ellipsis, tab and no-break space are not GSM either.
    for (const char of "áçêíóúÀÈÃõ`«»’“”–…\t\u00a0ΑΒαβАС") {
      expect(isGsm7(char), JSON.stringify(char)).toBe(false)
      expect(gsm7SeptetLength(char), JSON.stringify(char)).toBeUndefined()
      expect(encodingOf(`Hello ${char}`), JSON.stringify(char)).toBe("UCS2")
    }
  })

  it("treats a raw escape character in the text as outside the alphabet", () => {
    expect(isGsm7("a\x1bb")).toBe(false)
  })

  it("round-trips the whole basic and extension table through septets", () => {
    expect(GSM7_BASIC_CHARACTERS).toHaveLength(127)
    expect(GSM7_EXTENSION_CHARACTERS).toHaveLength(10)
    const text = GSM7_BASIC_CHARACTERS + GSM7_EXTENSION_CHARACTERS
    const septets = encodeGsm7(text)!
    expect(septets).toHaveLength(127 + 2 * 10)
    expect(Math.max(...septets)).toBeLessThanOrEqual(0x7f)
    expect(decodeGsm7(septets)).toBe(text)
  })

  it("maps each basic character to its own septet position", () => {
    const septets = encodeGsm7(GSM7_BASIC_CHARACTERS)!
    const expected = Array.from({ length: 128 }, (_, i) => i).filter((i) => i !== 0x1b)
    expect(Array.from(septets)).toEqual(expected)
  })

  it("refuses to encode text outside GSM 03.38 as septets", () => {
    expect(encodeGsm7("Привіт")).toBeUndefined()
  })

  it("decodes inbound septets by the receiver rules for escapes and stray bytes", () => {
    // Escape before a septet the extension table lacks: the default character; trailing escape: space.
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x41, 0x1b, 0x65, 0x1b))).toBe("A€ ")
    expect(decodeGsm7(Uint8Array.of(0x41, 0x80))).toBe("A\ufffd")
  })

  it("round-trips UCS-2, keeping emoji as surrogate pairs", () => {
    const text = "Привіт 👋🏽 € ç"
    expect(decodeUcs2(encodeUcs2(text))).toBe(text)
    expect(encodeUcs2("😀")).toEqual(Uint8Array.of(0xd8, 0x3d, 0xde, 0x00))
    expect(decodeUcs2(Uint8Array.of(0x04, 0x1f, 0x04))).toBe("П\ufffd")
  })

  it("decodes long inbound payloads without hitting argument limits", () => {
    const text = "x".repeat(100_000)
    expect(decodeGsm7(encodeGsm7(text)!)).toBe(text)
    expect(decodeUcs2(encodeUcs2(`я${text}`))).toBe(`я${text}`)
  })
})

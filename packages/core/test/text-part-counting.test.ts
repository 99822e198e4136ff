import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { analyze, DEFAULT_MAX_PARTS, split, type TextAnalysis } from "../src/text/segmentation.js"

const ok = (text: string, maxParts?: number): TextAnalysis => Either.getOrThrow(analyze(text, { maxParts }))
const refusal = (text: string, maxParts?: number) =>
  Either.getOrThrow(Either.flip(analyze(text, { maxParts })))
const parts = (text: string, maxParts?: number): ReadonlyArray<string> =>
  Either.getOrThrow(split(text, { maxParts }))

const gsm = (n: number) => "a".repeat(n)
const ucs = (n: number) => "ж".repeat(n)

describe("part counting", () => {
  it("defaults to at most 4 parts", () => {
    expect(DEFAULT_MAX_PARTS).toBe(4)
  })

  it.each([
    [1, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
    [459, 3],
    [460, 4],
    [612, 4]
  ])("GSM 7-bit: %i characters take %i part(s)", (length, expected) => {
    const analysis = ok(gsm(length))
    expect(analysis.encoding).toBe("GSM7")
    expect(analysis.parts).toBe(expected)
    expect(parts(gsm(length))).toHaveLength(expected)
  })

  it.each([
    [1, 1],
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
    [201, 3],
    [202, 4],
    [268, 4]
  ])("UCS-2: %i characters take %i part(s)", (length, expected) => {
    const analysis = ok(ucs(length))
    expect(analysis.encoding).toBe("UCS2")
    expect(analysis.parts).toBe(expected)
    expect(parts(ucs(length))).toHaveLength(expected)
  })

  it("refuses 613 GSM characters with the default maximum", () => {
    const error = refusal(gsm(613))
    expect(error._tag).toBe("TooManyParts")
    expect(error).toMatchObject({ parts: 5, maxParts: 4, encoding: "GSM7", units: 613 })
    expect(error.message).toBe("Text needs 5 GSM7 parts (613 septets) but at most 4 are allowed")
    expect(Either.getOrThrow(Either.flip(split(gsm(613))))).toMatchObject({ _tag: "TooManyParts", parts: 5 })
  })

  it("refuses 269 UCS-2 characters with the default maximum", () => {
    expect(refusal(ucs(269))).toMatchObject({
      _tag: "TooManyParts",
      parts: 5,
      maxParts: 4,
      encoding: "UCS2",
      units: 269
    })
  })

  it("reports units per part and room left in the last part", () => {
    expect(ok(gsm(100))).toEqual({
      encoding: "GSM7",
      characters: 100,
      units: 100,
      parts: 1,
      unitsPerPart: 160,
      remainingInLastPart: 60
    })
    expect(ok(gsm(160)).remainingInLastPart).toBe(0)
    expect(ok(gsm(161))).toMatchObject({ parts: 2, unitsPerPart: 153, remainingInLastPart: 145 })
    expect(ok(ucs(71))).toMatchObject({ parts: 2, unitsPerPart: 67, remainingInLastPart: 63 })
    expect(ok(ucs(70))).toMatchObject({ parts: 1, unitsPerPart: 70, remainingInLastPart: 0 })
  })

  it("counts an extension character as two septets", () => {
    expect(ok("€".repeat(80))).toMatchObject({ encoding: "GSM7", characters: 80, units: 160, parts: 1 })
    expect(ok("€".repeat(81))).toMatchObject({ characters: 81, units: 162, parts: 2 })
    expect(ok(`${gsm(159)}{`)).toMatchObject({ units: 161, parts: 2 })
  })

  it("moves an extension character that would straddle parts whole into the next part", () => {
    // 152 septets + € (2) do not fit in 153: the € opens part 2, leaving one septet of part 1 unused.
    const text = `${gsm(152)}€${"b".repeat(152)}`
    const analysis = ok(text)
    expect(analysis.units).toBe(306) // would be 2 parts by division
    expect(analysis.parts).toBe(3)
    expect(analysis.remainingInLastPart).toBe(152)
    expect(parts(text)).toEqual([gsm(152), `€${"b".repeat(151)}`, "b"])
  })

  it("keeps an extension character that exactly fills a part in that part", () => {
    const text = `${gsm(151)}€${"b".repeat(10)}`
    expect(parts(text)).toEqual([`${gsm(151)}€`, "b".repeat(10)])
  })

  it("refuses text whose extension characters push it past the maximum though its septets would fit", () => {
    // 4 × 153 = 612 septets, but every part boundary falls inside a "€": 5 parts are needed.
    const text = `${gsm(152)}€`.repeat(4)
    expect(ok(text, 5).parts).toBe(5)
    expect(refusal(text)).toMatchObject({ _tag: "TooManyParts", parts: 5, maxParts: 4, units: 616 })
  })

  it("moves an emoji that would straddle parts whole into the next part", () => {
    const text = `${ucs(66)}😀${ucs(66)}`
    const analysis = ok(text)
    expect(analysis).toMatchObject({ encoding: "UCS2", units: 134, characters: 133, parts: 3 })
    expect(parts(text)).toEqual([ucs(66), `😀${ucs(65)}`, ucs(1)])
  })

  it("packs emoji two units each, never splitting a surrogate pair", () => {
    expect(ok("😀".repeat(35))).toMatchObject({ characters: 35, units: 70, parts: 1 })
    const split36 = parts("😀".repeat(36))
    expect(split36).toEqual(["😀".repeat(33), "😀".repeat(3)])
  })

  it("reports characters as code points and units as encoded units", () => {
    expect(ok("Hi 😀")).toMatchObject({ encoding: "UCS2", characters: 4, units: 5 })
    expect(ok("5€ [ok]")).toMatchObject({ encoding: "GSM7", characters: 7, units: 10 })
    // A lone surrogate is still one character and one unit.
    expect(ok("a\ud83d")).toMatchObject({ encoding: "UCS2", characters: 2, units: 2 })
  })

  it("honours a larger per-call maximum", () => {
    expect(ok(gsm(918), 6)).toMatchObject({ parts: 6 })
    expect(refusal(gsm(919), 6)).toMatchObject({ _tag: "TooManyParts", parts: 7, maxParts: 6 })
  })

  it("honours a maximum of one part", () => {
    expect(ok(gsm(160), 1).parts).toBe(1)
    expect(refusal(gsm(161), 1)).toMatchObject({ _tag: "TooManyParts", parts: 2, maxParts: 1, units: 161 })
  })

  it("caps the maximum at 255 parts, the most an 8-bit concatenation UDH numbers", () => {
    expect(ok(gsm(255 * 153), 1000).parts).toBe(255)
    expect(refusal(gsm(255 * 153 + 1), 1000)).toMatchObject({
      _tag: "TooManyParts",
      parts: 256,
      maxParts: 255
    })
  })

  it("refuses everything when the maximum is not a usable number", () => {
    expect(refusal("hi", 0)).toMatchObject({ _tag: "TooManyParts", parts: 1, maxParts: 0 })
    expect(refusal("hi", Number.NaN)).toMatchObject({ _tag: "TooManyParts", parts: 1 })
  })

  it("refuses empty text", () => {
    const error = Either.getOrThrow(Either.flip(analyze("")))
    expect(error._tag).toBe("EmptyText")
    expect(error.message).toBe("Text is empty: a message needs at least one character")
    expect(Either.getOrThrow(Either.flip(split("")))._tag).toBe("EmptyText")
  })

  it("splits into parts that join back to the text", () => {
    const text = `Dear customer, ${"your parcel {#1} ~ costs 5€ ".repeat(12)}`
    const pieces = parts(text)
    expect(pieces.length).toBe(ok(text).parts)
    expect(pieces.join("")).toBe(text)
    expect(parts("short")).toEqual(["short"])
  })
})

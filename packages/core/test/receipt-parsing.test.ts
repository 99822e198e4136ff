import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { InvalidMessageId, MalformedReceipt, NotAReceipt } from "../src/receipt/errors.js"
import { canonicalCandidates, canonicalMessageId } from "../src/receipt/MessageId.js"
import { type DeliverSmParts, parseReceipt, type Receipt } from "../src/receipt/Receipt.js"

const TEXT =
  "id:1234567890 sub:001 dlvrd:001 submit date:2511211530 done date:2511211531 stat:DELIVRD err:000 text:Hello"

const ok = (input: DeliverSmParts): Receipt => {
  const result = parseReceipt(input)
  if (Either.isLeft(result)) throw new Error(`expected a receipt, got ${result.left.message}`)
  return result.right
}

const fail = (input: DeliverSmParts) => {
  const result = parseReceipt(input)
  if (Either.isRight(result)) throw new Error("expected an error")
  return result.left
}

describe("receipt parsing", () => {
  it("reads the de-facto text format", () => {
    expect(ok({ esmClass: 0x04, shortMessage: TEXT })).toStrictEqual({
      smscMessageId: "1234567890",
      status: "DELIVRD",
      stat: "DELIVRD",
      err: "000",
      submitDate: new Date(Date.UTC(2025, 10, 21, 15, 30)),
      doneDate: new Date(Date.UTC(2025, 10, 21, 15, 31)),
      dlvrd: 1,
      sub: 1,
      messageState: undefined,
      networkError: undefined,
      source: "text"
    })
  })

  it("reads TLVs alone, with an empty text", () => {
    const r = ok({
      esmClass: 0x04,
      shortMessage: "",
      tlvs: {
        receiptedMessageId: "1A2B3C\u0000",
        messageState: 5,
        networkErrorCode: new Uint8Array([3, 0, 11])
      }
    })
    expect(r).toStrictEqual({
      smscMessageId: "1A2B3C",
      status: "UNDELIV",
      stat: "UNDELIVERABLE",
      err: "011",
      submitDate: undefined,
      doneDate: undefined,
      dlvrd: undefined,
      sub: undefined,
      messageState: 5,
      networkError: { networkType: 3, errorCode: 11 },
      source: "tlv"
    })
  })

  it("trusts the TLVs over the text when both are there, and still takes dates and err from the text", () => {
    const r = ok({
      esmClass: 0x04,
      shortMessage:
        "id:999 sub:001 dlvrd:000 submit date:2511211530 done date:2511211531 stat:UNDELIV err:001 text:x",
      tlvs: { receiptedMessageId: "3e7", messageState: 2 }
    })
    expect(r.smscMessageId).toBe("3e7")
    expect(r.status).toBe("DELIVRD")
    expect(r.stat).toBe("DELIVERED")
    expect(r.err).toBe("001")
    expect(r.doneDate).toStrictEqual(new Date(Date.UTC(2025, 10, 21, 15, 31)))
    expect(r.source).toBe("tlv")
  })

  it("mixes sources field by field: a TLV id with a text state", () => {
    const r = ok({ esmClass: 0x04, shortMessage: "stat:EXPIRED err:000", tlvs: { receiptedMessageId: "77" } })
    expect([r.smscMessageId, r.status, r.source]).toStrictEqual(["77", "EXPIRED", "mixed"])
  })

  it("falls back to the text state when the TLV message_state is outside the spec", () => {
    const r = ok({ esmClass: 0x04, shortMessage: "id:5 stat:REJECTD", tlvs: { messageState: 42 } })
    expect([r.status, r.stat, r.messageState, r.source]).toStrictEqual(["REJECTD", "REJECTD", 42, "text"])
  })

  it("accepts upper-case and mixed-case keys, several spaces, and seconds in dates", () => {
    const r = ok({
      esmClass: 0x04,
      shortMessage:
        "Id:ABC123   SUB:001  DLVRD:001   Submit  Date:251121153005  DONE DATE:251121153107   STAT:delivrd ERR:000  Text:hi"
    })
    expect(r.smscMessageId).toBe("ABC123")
    expect(r.status).toBe("DELIVRD")
    expect(r.stat).toBe("delivrd")
    expect(r.submitDate).toStrictEqual(new Date(Date.UTC(2025, 10, 21, 15, 30, 5)))
    expect(r.doneDate).toStrictEqual(new Date(Date.UTC(2025, 10, 21, 15, 31, 7)))
  })

  it("never reads fields out of text:, whatever it contains", () => {
    const r = ok({
      esmClass: 0x04,
      shortMessage: "id:42 stat:UNDELIV err:034 text:stat:DELIVRD id:7 err:000"
    })
    expect([r.smscMessageId, r.status, r.err]).toStrictEqual(["42", "UNDELIV", "034"])
  })

  it("reads fields in any order, tolerates `key: value` and ignores unknown tokens", () => {
    const r = ok({ esmClass: 0x04, shortMessage: "foo stat: EXPIRED extra:1 id: 0099 done_date:2511211531" })
    expect([r.smscMessageId, r.status, r.doneDate]).toStrictEqual([
      "0099",
      "EXPIRED",
      new Date(Date.UTC(2025, 10, 21, 15, 31))
    ])
  })

  it("leaves an empty field empty instead of swallowing the next key", () => {
    const r = ok({ esmClass: 0x04, shortMessage: "id:5 err: stat:DELIVRD sub: dlvrd:001" })
    expect([r.err, r.status, r.sub, r.dlvrd]).toStrictEqual([undefined, "DELIVRD", undefined, 1])
  })

  it("reads missing or broken optional fields as undefined, not as errors", () => {
    const r = ok({
      esmClass: 0x04,
      shortMessage: "id:5 sub:abc submit date:2502301530 done date:25112115 stat:DELIVRD"
    })
    expect([r.sub, r.dlvrd, r.err, r.submitDate, r.doneDate]).toStrictEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined
    ])
  })

  it("maps the decided text states (DELETED, ACCEPTD, UNKNOWN)", () => {
    const status = (stat: string) => ok({ esmClass: 0x04, shortMessage: `id:1 stat:${stat}` }).status
    expect([status("DELETED"), status("ACCEPTD"), status("UNKNOWN")]).toStrictEqual([
      "UNDELIV",
      "ENROUTE",
      "NOREPORT"
    ])
  })

  it("recognises a receipt by its shape when the SMSC leaves esm_class 0", () => {
    expect(ok({ esmClass: 0x00, shortMessage: TEXT }).smscMessageId).toBe("1234567890")
    expect(
      ok({ esmClass: 0x00, shortMessage: "", tlvs: { receiptedMessageId: "9", messageState: 2 } }).status
    ).toBe("DELIVRD")
  })

  it("refuses an ordinary message as NotAReceipt", () => {
    for (const shortMessage of ["Hello, see you at 10:30", "id:5 without a state", ""]) {
      const error = fail({ esmClass: 0x00, shortMessage })
      expect(error).toBeInstanceOf(NotAReceipt)
      expect(error._tag).toBe("NotAReceipt")
      expect(error).toMatchObject({ esmClass: 0 })
    }
    expect(fail({ esmClass: 0x40, shortMessage: "hi" }).message).toContain("not a delivery receipt")
  })

  it("refuses a receipt without an id as MalformedReceipt(MissingId)", () => {
    const error = fail({ esmClass: 0x04, shortMessage: "stat:DELIVRD err:000", tlvs: { messageState: 2 } })
    expect(error).toBeInstanceOf(MalformedReceipt)
    expect(error).toMatchObject({ _tag: "MalformedReceipt", reason: "MissingId" })
  })

  it("refuses a receipt without a state as MalformedReceipt(MissingState)", () => {
    const error = fail({ esmClass: 0x04, shortMessage: "id:123 err:000 text:stat:DELIVRD" })
    expect(error).toMatchObject({ _tag: "MalformedReceipt", reason: "MissingState" })
  })

  it("refuses unknown states as MalformedReceipt(UnrecognisedState) with the value", () => {
    expect(fail({ esmClass: 0x04, shortMessage: "id:1 stat:BOGUS" })).toMatchObject({
      _tag: "MalformedReceipt",
      reason: "UnrecognisedState",
      value: "BOGUS"
    })
    expect(
      fail({ esmClass: 0x04, shortMessage: "", tlvs: { receiptedMessageId: "1", messageState: 99 } })
    ).toMatchObject({ _tag: "MalformedReceipt", reason: "UnrecognisedState", value: "message_state 99" })
  })

  it("refuses garbage flagged as a receipt", () => {
    for (const shortMessage of ["\u0000\u0001\u0002", ":::: id stat", "idstat:DELIVRD", "   "]) {
      expect(fail({ esmClass: 0x04, shortMessage })).toMatchObject({
        _tag: "MalformedReceipt",
        reason: "MissingId"
      })
    }
  })

  it("reads a network_error_code given as a hex string", () => {
    const r = ok({ esmClass: 0x04, shortMessage: "id:1 stat:UNDELIV", tlvs: { networkErrorCode: "030022" } })
    expect([r.networkError, r.err]).toStrictEqual([{ networkType: 3, errorCode: 0x22 }, "034"])
  })
})

describe("SMSC message id canonical forms", () => {
  const right = (raw: string, format: "string" | "hex" | "decimal") =>
    Either.getOrThrow(canonicalMessageId(raw, format))

  it("matches a hex id from submit_sm_resp with the decimal id of its receipt", () => {
    const fromResp = right("1A2B3C4D", "hex")
    const receipt = ok({ esmClass: 0x04, shortMessage: "id:439041101 stat:DELIVRD" })
    expect(right(receipt.smscMessageId, "decimal")).toBe(fromResp)
    expect(fromResp).toBe("1a2b3c4d")
  })

  it("drops leading zeros and folds case", () => {
    expect(right("00001A2B", "hex")).toBe("1a2b")
    expect(right("0000", "hex")).toBe("0")
    expect(right("000439041101", "decimal")).toBe("1a2b3c4d")
    expect(right("  Ab-12\u0000", "string")).toBe("Ab-12")
  })

  it("uses exact integers for ids beyond 2^53", () => {
    expect(right("18446744073709551615", "decimal")).toBe("ffffffffffffffff")
    expect(right("9007199254740993", "decimal")).toBe("20000000000001")
  })

  it("refuses an id that does not fit its declared format", () => {
    const notHex = canonicalMessageId("12G4", "hex")
    expect(notHex).toStrictEqual(
      Either.left(new InvalidMessageId({ raw: "12G4", format: "hex", reason: "WrongFormat" }))
    )
    const notDecimal = Either.flip(canonicalMessageId("1a", "decimal"))
    expect(Either.getOrThrow(notDecimal)).toMatchObject({
      _tag: "InvalidMessageId",
      raw: "1a",
      format: "decimal",
      reason: "WrongFormat"
    })
    const empty = Either.getOrThrow(Either.flip(canonicalMessageId(" \u0000", "string")))
    expect([empty.reason, empty.message]).toStrictEqual(["Empty", "The SMSC message id is empty."])
  })

  it("offers every reading when the format is unknown, own reading first", () => {
    expect(canonicalCandidates("0439041101")).toStrictEqual([
      "439041101",
      "1a2b3c4d",
      "18136436993",
      "0439041101"
    ])
    expect(canonicalCandidates("1A2B3C4D")).toStrictEqual(["1a2b3c4d", "439041101", "1A2B3C4D"])
    expect(canonicalCandidates("msg-7f")).toStrictEqual(["msg-7f"])
    expect(canonicalCandidates("  ")).toStrictEqual([])
  })

  it("finds a stored resp id among a receipt's candidates whichever side is hex", () => {
    // The correlator stores the resp id under its own reading (first candidate) and tries the receipt's.
    const matches = (respId: string, receiptId: string) =>
      canonicalCandidates(receiptId).includes(canonicalCandidates(respId)[0]!)
    expect(matches("1A2B3C4D", "439041101")).toBe(true) // resp hex, receipt decimal
    expect(matches("0439041101", "1a2b3c4d")).toBe(true) // resp decimal, receipt hex
    expect(matches("00ABC", "abc")).toBe(true) // same form, zeros and case differ
    expect(matches("1A2B3C4D", "439041102")).toBe(false)
  })
})

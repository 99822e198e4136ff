import { describe, expect, it } from "vitest"
import { encodeSubmitSm, type SubmitFields } from "../src/smpp/encode.js"
import { Tlv } from "../src/smpp/messageFields.js"
import { decodeSubmitSm } from "../src/smsc-sim/PduCodec.js"

const fields = (shortMessage: Uint8Array): SubmitFields => ({
  source_addr: "Volley",
  source_addr_ton: 5,
  source_addr_npi: 0,
  destination_addr: "380671234567",
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  esm_class: 0,
  data_coding: 0,
  short_message: shortMessage,
  registered_delivery: 1
})

/** A submit_sm with TLVs appended and its command_length fixed. */
const withTlvs = (pdu: Buffer, ...tlvs: ReadonlyArray<readonly [number, Buffer]>) => {
  const parts = tlvs.map(([tag, value]) => {
    const head = Buffer.alloc(4)
    head.writeUInt16BE(tag, 0)
    head.writeUInt16BE(value.length, 2)
    return Buffer.concat([head, value])
  })
  const out = Buffer.concat([pdu, ...parts])
  out.writeUInt32BE(out.length, 0)
  return out
}

describe("the simulator decoding a submit_sm", () => {
  it("reads the addresses, classes and short_message", () => {
    const decoded = decodeSubmitSm(encodeSubmitSm(7, fields(Buffer.from("Hello"))))
    expect(decoded).toMatchObject({
      source: "Volley",
      sourceTon: 5,
      destination: "380671234567",
      destTon: 1,
      destNpi: 1,
      registeredDelivery: 1,
      dataCoding: 0
    })
    expect(decoded?.message.toString("latin1")).toBe("Hello")
  })

  it("takes message_payload when short_message is empty, skipping other TLVs", () => {
    const pdu = withTlvs(
      encodeSubmitSm(8, fields(new Uint8Array(0))),
      [0x0204, Buffer.from([0, 1])], // user_message_reference
      [Tlv.messagePayload, Buffer.from("A long payload")]
    )
    expect(decodeSubmitSm(pdu)?.message.toString("latin1")).toBe("A long payload")
  })

  it("is undefined when the PDU ends inside its mandatory fields", () => {
    const pdu = encodeSubmitSm(9, fields(Buffer.from("Hello")))
    expect(decodeSubmitSm(pdu.subarray(0, 30))).toBeUndefined()
  })
})

import smpp from "smpp"
import { describe, expect, it } from "vitest"
import { PduFramer } from "../src/smpp/PduFramer.js"
import type { DeliveredPdu } from "../src/smpp/types.js"

const collect = () => {
  const seen = {
    resps: [] as Array<[number, number, string]>,
    delivers: [] as Array<DeliveredPdu>,
    others: [] as Array<smpp.PDU>,
    malformed: [] as Array<string>
  }
  const framer = new PduFramer({
    onSubmitResp: (seq, status, id) => seen.resps.push([seq, status, id]),
    onDeliver: (pdu) => seen.delivers.push(pdu),
    onPdu: (pdu) => seen.others.push(pdu),
    onMalformed: (message) => seen.malformed.push(message)
  })
  return { framer, seen }
}

const receipt = (seq: number, id: string) =>
  new smpp.PDU("deliver_sm", {
    sequence_number: seq,
    source_addr: "380671234567",
    destination_addr: "Volley",
    esm_class: 0x04,
    data_coding: 0,
    short_message: Buffer.from(
      `id:${id} sub:001 dlvrd:001 submit date:2611220101 done date:2611220101 stat:DELIVRD err:000 text:`
    ),
    receipted_message_id: id,
    message_state: 2,
    network_error_code: Buffer.from([3, 0, 0])
  }).toBuffer()

const resp = (seq: number, status: number, id: string) =>
  new smpp.PDU("submit_sm_resp", { sequence_number: seq, command_status: status, message_id: id }).toBuffer()

describe("PduFramer", () => {
  it("frames PDUs split anywhere across chunks and several in one chunk", () => {
    const { framer, seen } = collect()
    const stream = Buffer.concat([resp(1, 0, "a1"), receipt(2, "a1"), resp(3, 0x58, ""), resp(4, 0, "b2")])
    // every split point, one byte at a time, then all at once
    for (let i = 0; i < stream.length; i++) framer.push(stream.subarray(i, i + 1))
    framer.push(stream)
    expect(seen.malformed).toEqual([])
    expect(seen.resps).toEqual([
      [1, 0, "a1"],
      [3, 0x58, ""],
      [4, 0, "b2"],
      [1, 0, "a1"],
      [3, 0x58, ""],
      [4, 0, "b2"]
    ])
    expect(seen.delivers.map((d) => [d.sequence_number, d.receipted_message_id])).toEqual([
      [2, "a1"],
      [2, "a1"]
    ])
  })

  it("decodes a receipt deliver_sm with the fields node-smpp gives, the text as raw bytes", () => {
    const { framer, seen } = collect()
    const bytes = receipt(7, "0A1B")
    framer.push(bytes)
    const ours = seen.delivers[0]!
    const theirs = new smpp.PDU(bytes)
    for (const field of [
      "command",
      "command_id",
      "sequence_number",
      "source_addr",
      "destination_addr",
      "esm_class",
      "data_coding",
      "receipted_message_id",
      "message_state"
    ] as const)
      expect(ours[field]).toEqual(theirs[field])
    expect(ours.network_error_code).toEqual(theirs.network_error_code)
    expect(Buffer.from(ours.short_message as Buffer).toString("latin1")).toContain("id:0A1B sub:001")
  })

  it("leaves MO messages and any other command to node-smpp's decoder", () => {
    const { framer, seen } = collect()
    framer.push(
      new smpp.PDU("deliver_sm", {
        sequence_number: 9,
        source_addr: "380671234567",
        destination_addr: "7000",
        short_message: "STOP"
      }).toBuffer()
    )
    framer.push(new smpp.PDU("enquire_link", { sequence_number: 10 }).toBuffer())
    expect(seen.delivers).toEqual([])
    expect(seen.others.map((p) => p.command)).toEqual(["deliver_sm", "enquire_link"])
    expect(seen.others[0]!.short_message).toMatchObject({ message: "STOP" })
  })

  it("a command_length under 16 or over 16,384, or a receipt cut short, is malformed and stops the stream", () => {
    for (const bad of [
      Buffer.from([0, 0, 0, 12, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1]),
      Buffer.from([0, 0, 0x50, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1])
    ]) {
      const { framer, seen } = collect()
      framer.push(bad)
      framer.push(resp(1, 0, "after"))
      expect(seen.malformed).toHaveLength(1)
      expect(seen.resps).toEqual([])
    }
    const { framer, seen } = collect()
    const whole = receipt(3, "x")
    // the header says 40 bytes, the fields run on past them
    const cut = Buffer.from(whole.subarray(0, 40))
    cut.writeUInt32BE(40, 0)
    framer.push(cut)
    expect(seen.malformed).toHaveLength(1)
    expect(seen.delivers).toEqual([])
  })
})

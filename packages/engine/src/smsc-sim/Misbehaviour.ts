import smpp from "smpp"

/**
 * - "truncated": a deliver_sm whose command_length (12) is shorter than the 16-byte header; node-smpp
 *   throws decoding it, so a node-smpp peer sees an `error` event (and its session stops reading).
 * - "unknown-command": a well-framed request with command_id 0x000000FF, which a peer should answer with
 *   generic_nack ESME_RINVCMDID.
 */
export type MalformedPduKind = "truncated" | "unknown-command"

const DELIVER_SM = 0x00000005
const UNKNOWN_COMMAND = 0x000000ff

export const malformedPdu = (kind: MalformedPduKind): Buffer => {
  if (kind === "truncated") {
    const pdu = Buffer.alloc(12)
    pdu.writeUInt32BE(12, 0)
    pdu.writeUInt32BE(DELIVER_SM, 4)
    pdu.writeUInt32BE(0, 8)
    return pdu
  }
  const pdu = Buffer.alloc(16)
  pdu.writeUInt32BE(16, 0)
  pdu.writeUInt32BE(UNKNOWN_COMMAND, 4)
  pdu.writeUInt32BE(0, 8)
  pdu.writeUInt32BE(0x7ffffff0, 12)
  return pdu
}

/**
 * A well-formed deliver_sm (an MO carrying its text in message_payload) of about `bytes` bytes. Above
 * node-smpp's 16,384-byte limit the reading session throws and wedges: what an SMSC sending a huge
 * PDU does to an unprepared client.
 */
export const oversizedPdu = (bytes: number): smpp.PDU =>
  new smpp.PDU("deliver_sm", {
    source_addr: "380000000000",
    destination_addr: "VolleySim",
    data_coding: 0,
    // 0x41: "A" in GSM 7-bit. The mandatory part and the TLV header take ~40 bytes of the total.
    message_payload: Buffer.alloc(Math.max(0, bytes - 40), 0x41)
  })

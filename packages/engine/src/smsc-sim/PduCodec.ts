/**
 * Hand-written encoding and decoding of the PDUs on the simulator's hot path (submit_sm in,
 * submit_sm_resp and deliver_sm out, header-only PDUs both ways). Profiling showed node-smpp's generic
 * codec — a PDU object per message, a `for…in` filter pass, GSM decoding of every short_message through
 * its own tables — taking most of the simulator's CPU at 10,000 submits/s. Binds and anything rare still
 * go through node-smpp.
 */

import {
  decodeMessageFields,
  forEachTlv,
  HEADER_LENGTH,
  type MessageFields,
  Tlv
} from "../smpp/messageFields.js"

export { HEADER_LENGTH }

export const CommandId = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_transmitter: 0x00000002,
  bind_transceiver: 0x00000009,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015
} as const

const RESPONSE_BIT = 0x80000000
/** A short_message holds at most 254 bytes (sm_length is one octet); more goes in message_payload. */
const MAX_SHORT_MESSAGE = 254

export const isResponse = (commandId: number): boolean => (commandId & RESPONSE_BIT) !== 0

export const writeHeader = (pdu: Buffer, commandId: number, status: number, sequence: number): void => {
  pdu.writeUInt32BE(pdu.length, 0)
  pdu.writeUInt32BE(commandId >>> 0, 4)
  pdu.writeUInt32BE(status >>> 0, 8)
  pdu.writeUInt32BE(sequence >>> 0, 12)
}

/** Sets the sequence number of an encoded PDU (deliveries are encoded once, numbered when sent). */
export const setSequence = (pdu: Buffer, sequence: number): void => {
  pdu.writeUInt32BE(sequence >>> 0, 12)
}

/** enquire_link(_resp), unbind(_resp), generic_nack, or any response with an error status. */
export const encodeHeaderOnly = (commandId: number, status: number, sequence: number): Buffer => {
  const pdu = Buffer.allocUnsafe(HEADER_LENGTH)
  writeHeader(pdu, commandId, status, sequence)
  return pdu
}

/** A response whose body is one C-octet string: submit_sm_resp, deliver_sm_resp (message_id). */
export const encodeCStringResp = (commandId: number, sequence: number, value: string): Buffer => {
  const pdu = Buffer.allocUnsafe(HEADER_LENGTH + value.length + 1)
  writeHeader(pdu, commandId, 0, sequence)
  pdu.write(value, HEADER_LENGTH, "latin1")
  pdu[pdu.length - 1] = 0
  return pdu
}

/** The mandatory parameters and TLVs of a deliver_sm the simulator sends (receipts and MO). */
export interface DeliverSmFields {
  readonly sourceTon: number
  readonly sourceNpi: number
  readonly source: string
  readonly destTon: number
  readonly destNpi: number
  readonly destination: string
  readonly esmClass: number
  readonly dataCoding: number
  readonly shortMessage: Uint8Array
  readonly receiptedMessageId?: string | undefined
  readonly messageState?: number | undefined
}

/** A deliver_sm with sequence number 0 (see setSequence). */
export const encodeDeliverSm = (f: DeliverSmFields): Buffer => {
  const payloadTlv = f.shortMessage.length > MAX_SHORT_MESSAGE
  const length =
    HEADER_LENGTH +
    1 + // service_type ""
    2 +
    f.source.length +
    1 +
    2 +
    f.destination.length +
    1 +
    3 + // esm_class, protocol_id, priority_flag
    2 + // schedule_delivery_time "", validity_period ""
    4 + // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
    1 + // sm_length
    (payloadTlv ? 4 : 0) +
    f.shortMessage.length +
    (f.receiptedMessageId === undefined ? 0 : 4 + f.receiptedMessageId.length + 1) +
    (f.messageState === undefined ? 0 : 5)
  const pdu = Buffer.allocUnsafe(length)
  writeHeader(pdu, CommandId.deliver_sm, 0, 0)
  let o = HEADER_LENGTH
  pdu[o++] = 0
  pdu[o++] = f.sourceTon
  pdu[o++] = f.sourceNpi
  o += pdu.write(f.source, o, "latin1")
  pdu[o++] = 0
  pdu[o++] = f.destTon
  pdu[o++] = f.destNpi
  o += pdu.write(f.destination, o, "latin1")
  pdu[o++] = 0
  pdu[o++] = f.esmClass
  pdu[o++] = 0
  pdu[o++] = 0
  pdu[o++] = 0
  pdu[o++] = 0
  pdu[o++] = 0
  pdu[o++] = 0
  pdu[o++] = f.dataCoding
  pdu[o++] = 0
  if (payloadTlv) {
    pdu[o++] = 0
    o = pdu.writeUInt16BE(Tlv.messagePayload, o)
    o = pdu.writeUInt16BE(f.shortMessage.length, o)
  } else {
    pdu[o++] = f.shortMessage.length
  }
  pdu.set(f.shortMessage, o)
  o += f.shortMessage.length
  if (f.receiptedMessageId !== undefined) {
    o = pdu.writeUInt16BE(Tlv.receiptedMessageId, o)
    o = pdu.writeUInt16BE(f.receiptedMessageId.length + 1, o)
    o += pdu.write(f.receiptedMessageId, o, "latin1")
    pdu[o++] = 0
  }
  if (f.messageState !== undefined) {
    o = pdu.writeUInt16BE(Tlv.messageState, o)
    o = pdu.writeUInt16BE(1, o)
    pdu[o++] = f.messageState
  }
  return pdu
}

/** The submit_sm fields the simulator acts on. */
export interface SubmitSm extends Omit<MessageFields, "serviceType" | "shortMessage" | "tlvsAt"> {
  /** short_message, or message_payload when short_message is empty; a view into the PDU. */
  readonly message: Buffer
}

/** Decodes a whole submit_sm PDU; undefined when it ends before its short_message. */
export const decodeSubmitSm = (pdu: Buffer): SubmitSm | undefined => {
  const f = decodeMessageFields(pdu)
  if (f === undefined) return undefined
  let message = f.shortMessage
  if (message.length === 0)
    forEachTlv(pdu, f.tlvsAt, (tag, value) => {
      if (tag === Tlv.messagePayload && message.length === 0) message = value
    })
  return { ...f, message }
}

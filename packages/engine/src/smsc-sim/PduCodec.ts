/**
 * Hand-written encoding and decoding of the PDUs on the simulator's hot path (submit_sm in,
 * submit_sm_resp and deliver_sm out, header-only PDUs both ways). Profiling showed node-smpp's generic
 * codec — a PDU object per message, a `for…in` filter pass, GSM decoding of every short_message through
 * its own tables — taking most of the simulator's CPU at 10,000 submits/s. Binds and anything rare still
 * go through node-smpp.
 */

export const HEADER_LENGTH = 16

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
const RECEIPTED_MESSAGE_ID_TAG = 0x001e
const MESSAGE_STATE_TAG = 0x0427
const MESSAGE_PAYLOAD_TAG = 0x0424
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
    o = pdu.writeUInt16BE(MESSAGE_PAYLOAD_TAG, o)
    o = pdu.writeUInt16BE(f.shortMessage.length, o)
  } else {
    pdu[o++] = f.shortMessage.length
  }
  pdu.set(f.shortMessage, o)
  o += f.shortMessage.length
  if (f.receiptedMessageId !== undefined) {
    o = pdu.writeUInt16BE(RECEIPTED_MESSAGE_ID_TAG, o)
    o = pdu.writeUInt16BE(f.receiptedMessageId.length + 1, o)
    o += pdu.write(f.receiptedMessageId, o, "latin1")
    pdu[o++] = 0
  }
  if (f.messageState !== undefined) {
    o = pdu.writeUInt16BE(MESSAGE_STATE_TAG, o)
    o = pdu.writeUInt16BE(1, o)
    pdu[o++] = f.messageState
  }
  return pdu
}

/** The submit_sm fields the simulator acts on. */
export interface SubmitSm {
  readonly sourceTon: number
  readonly sourceNpi: number
  readonly source: string
  readonly destTon: number
  readonly destNpi: number
  readonly destination: string
  readonly esmClass: number
  readonly registeredDelivery: number
  readonly dataCoding: number
  /** short_message, or message_payload when short_message is empty; a view into the PDU. */
  readonly message: Buffer
}

const cstringEnd = (pdu: Buffer, offset: number): number => {
  const end = pdu.indexOf(0, offset)
  return end < 0 ? -1 : end
}

/** Decodes a whole submit_sm PDU; undefined when it ends before its short_message. */
export const decodeSubmitSm = (pdu: Buffer): SubmitSm | undefined => {
  let o = HEADER_LENGTH
  const serviceTypeEnd = cstringEnd(pdu, o)
  if (serviceTypeEnd < 0) return undefined
  o = serviceTypeEnd + 1
  const sourceTon = pdu[o++]
  const sourceNpi = pdu[o++]
  const sourceEnd = cstringEnd(pdu, o)
  if (sourceEnd < 0) return undefined
  const source = pdu.toString("latin1", o, sourceEnd)
  o = sourceEnd + 1
  const destTon = pdu[o++]
  const destNpi = pdu[o++]
  const destinationEnd = cstringEnd(pdu, o)
  if (destinationEnd < 0) return undefined
  const destination = pdu.toString("latin1", o, destinationEnd)
  o = destinationEnd + 1
  const esmClass = pdu[o]
  o += 3 // esm_class, protocol_id, priority_flag
  const scheduleEnd = cstringEnd(pdu, o)
  if (scheduleEnd < 0) return undefined
  const validityEnd = cstringEnd(pdu, scheduleEnd + 1)
  if (validityEnd < 0) return undefined
  o = validityEnd + 1
  const registeredDelivery = pdu[o]
  const dataCoding = pdu[o + 2]
  const smLength = pdu[o + 4]
  o += 5
  if (
    sourceTon === undefined ||
    sourceNpi === undefined ||
    destTon === undefined ||
    destNpi === undefined ||
    esmClass === undefined ||
    registeredDelivery === undefined ||
    dataCoding === undefined ||
    smLength === undefined ||
    o + smLength > pdu.length
  ) {
    return undefined
  }
  let message = pdu.subarray(o, o + smLength)
  o += smLength
  if (smLength === 0) {
    while (o + 4 <= pdu.length) {
      const tag = pdu.readUInt16BE(o)
      const length = pdu.readUInt16BE(o + 2)
      o += 4
      if (tag === MESSAGE_PAYLOAD_TAG) {
        message = pdu.subarray(o, Math.min(o + length, pdu.length))
        break
      }
      o += length
    }
  }
  return {
    sourceTon,
    sourceNpi,
    source,
    destTon,
    destNpi,
    destination,
    esmClass,
    registeredDelivery,
    dataCoding,
    message
  }
}

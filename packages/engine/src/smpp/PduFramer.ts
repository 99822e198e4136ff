import smpp from "smpp"
import type { DeliveredPdu } from "./types.js"

const HEADER_LENGTH = 16
const SUBMIT_SM_RESP = 0x80000004
const DELIVER_SM = 0x00000005
/** esm_class message type bits: 0x04 = SMSC delivery receipt. */
const ESM_TYPE_MASK = 0x3c
const ESM_DELIVERY_RECEIPT = 0x04

const TLV_RECEIPTED_MESSAGE_ID = 0x001e
const TLV_MESSAGE_STATE = 0x0427
const TLV_NETWORK_ERROR_CODE = 0x0423
const TLV_MESSAGE_PAYLOAD = 0x0424

export class MalformedPduError extends Error {}

/** What the framer hands over: the two hot PDUs decoded here, everything else decoded by node-smpp. */
export interface FramerHandlers {
  readonly onSubmitResp: (sequence: number, commandStatus: number, messageId: string) => void
  readonly onDeliver: (pdu: DeliveredPdu) => void
  readonly onPdu: (pdu: smpp.PDU) => void
  /** A PDU that cannot be framed or decoded: the stream cannot be trusted any more. */
  readonly onMalformed: (message: string) => void
}

/**
 * Cuts the socket's bytes into PDUs, one pass over each chunk (node-smpp reads 4 bytes, then the body,
 * copying both, per PDU). submit_sm_resp and receipt deliver_sm — nearly every PDU a busy bind reads —
 * are decoded here; any other PDU, MO messages included, goes through node-smpp's decoder. A
 * command_length outside 16..16,384 or a body that does not parse ends the stream.
 */
export class PduFramer {
  private pending: Buffer | undefined = undefined
  private stopped = false

  constructor(private readonly handlers: FramerHandlers) {}

  push(chunk: Buffer): void {
    if (this.stopped) return
    let buf = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk])
    this.pending = undefined
    let at = 0
    while (!this.stopped && buf.length - at >= 4) {
      const length = buf.readUInt32BE(at)
      if (length < HEADER_LENGTH || length > smpp.PDU.maxLength) {
        this.fail(
          length < HEADER_LENGTH
            ? `command_length ${length} is shorter than a PDU header`
            : `PDU length was too large (${length}, maximum is ${smpp.PDU.maxLength})`
        )
        return
      }
      if (buf.length - at < length) break
      const pdu = buf.subarray(at, at + length)
      at += length
      try {
        this.dispatch(pdu)
      } catch (error) {
        this.fail(error instanceof Error ? error.message : String(error))
        return
      }
    }
    if (at < buf.length && !this.stopped) {
      // Copied: a view would keep the whole chunk alive until the PDU completes.
      buf = Buffer.from(buf.subarray(at))
      this.pending = buf
    }
  }

  stop(): void {
    this.stopped = true
    this.pending = undefined
  }

  private fail(message: string): void {
    this.stop()
    this.handlers.onMalformed(message)
  }

  private dispatch(pdu: Buffer): void {
    const commandId = pdu.readUInt32BE(4)
    if (commandId === SUBMIT_SM_RESP) {
      this.handlers.onSubmitResp(pdu.readUInt32BE(12), pdu.readUInt32BE(8), cString(pdu, HEADER_LENGTH).value)
      return
    }
    if (commandId === DELIVER_SM) {
      const receipt = decodeReceiptDeliverSm(pdu)
      if (receipt !== undefined) {
        this.handlers.onDeliver(receipt)
        return
      }
    }
    this.handlers.onPdu(new smpp.PDU(pdu))
  }
}

/** A NUL-terminated string from `at` (to the end when the NUL is missing, as node-smpp reads it). */
const cString = (buf: Buffer, at: number): { value: string; next: number } => {
  if (at >= buf.length) return { value: "", next: at }
  const nul = buf.indexOf(0, at)
  const end = nul < 0 ? buf.length : nul
  return { value: buf.toString("latin1", at, end), next: end + 1 }
}

const byteAt = (buf: Buffer, at: number): number => {
  if (at >= buf.length)
    throw new MalformedPduError(`deliver_sm ends at byte ${buf.length}, inside its fields`)
  return buf[at]!
}

/**
 * A deliver_sm that is a delivery receipt, with the fields receipts are read from; undefined for any
 * other deliver_sm (left to node-smpp). short_message stays raw bytes: receipt text is ASCII.
 */
export const decodeReceiptDeliverSm = (pdu: Buffer): DeliveredPdu | undefined => {
  let at = HEADER_LENGTH
  const serviceType = cString(pdu, at)
  at = serviceType.next
  const sourceTon = byteAt(pdu, at)
  const sourceNpi = byteAt(pdu, at + 1)
  const source = cString(pdu, at + 2)
  at = source.next
  const destTon = byteAt(pdu, at)
  const destNpi = byteAt(pdu, at + 1)
  const dest = cString(pdu, at + 2)
  at = dest.next
  const esmClass = byteAt(pdu, at)
  if ((esmClass & ESM_TYPE_MASK) !== ESM_DELIVERY_RECEIPT) return undefined
  at += 3 // esm_class, protocol_id, priority_flag
  at = cString(pdu, at).next // schedule_delivery_time
  at = cString(pdu, at).next // validity_period
  const registeredDelivery = byteAt(pdu, at)
  const dataCoding = byteAt(pdu, at + 2)
  const smLength = byteAt(pdu, at + 4)
  at += 5
  if (at + smLength > pdu.length) throw new MalformedPduError("deliver_sm short_message runs past its end")
  const shortMessage = pdu.subarray(at, at + smLength)
  at += smLength
  const delivered: {
    -readonly [K in keyof DeliveredPdu]: DeliveredPdu[K]
  } = {
    command: "deliver_sm",
    command_id: DELIVER_SM,
    command_status: pdu.readUInt32BE(8),
    sequence_number: pdu.readUInt32BE(12),
    service_type: serviceType.value,
    source_addr_ton: sourceTon,
    source_addr_npi: sourceNpi,
    source_addr: source.value,
    dest_addr_ton: destTon,
    dest_addr_npi: destNpi,
    destination_addr: dest.value,
    esm_class: esmClass,
    registered_delivery: registeredDelivery,
    data_coding: dataCoding,
    short_message: shortMessage
  }
  while (at + 4 <= pdu.length) {
    const tag = pdu.readUInt16BE(at)
    const length = pdu.readUInt16BE(at + 2)
    at += 4
    if (at + length > pdu.length) throw new MalformedPduError(`TLV 0x${tag.toString(16)} runs past the PDU`)
    const value = pdu.subarray(at, at + length)
    at += length
    if (tag === TLV_RECEIPTED_MESSAGE_ID) delivered.receipted_message_id = cString(value, 0).value
    else if (tag === TLV_MESSAGE_STATE && length >= 1) delivered.message_state = value[0]!
    else if (tag === TLV_NETWORK_ERROR_CODE) delivered.network_error_code = Buffer.from(value)
    else if (tag === TLV_MESSAGE_PAYLOAD) delivered.message_payload = value
  }
  return delivered
}

import smpp from "smpp"
import { decodeMessageFields, forEachTlv, HEADER_LENGTH, Tlv } from "./messageFields.js"
import type { DeliveredPdu } from "./types.js"

const SUBMIT_SM_RESP = 0x80000004
const DELIVER_SM = 0x00000005
/** esm_class message type bits: 0x04 = SMSC delivery receipt. */
const ESM_TYPE_MASK = 0x3c
const ESM_DELIVERY_RECEIPT = 0x04

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
      this.handlers.onSubmitResp(pdu.readUInt32BE(12), pdu.readUInt32BE(8), submitRespMessageId(pdu))
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

/** submit_sm_resp's message_id: empty without a body (an error resp), to the end without its NUL. */
const submitRespMessageId = (pdu: Buffer): string => {
  const nul = pdu.indexOf(0, HEADER_LENGTH)
  return pdu.toString("latin1", HEADER_LENGTH, nul < 0 ? pdu.length : nul)
}

/**
 * A deliver_sm that is a delivery receipt, with the fields receipts are read from; undefined for any
 * other deliver_sm (left to node-smpp). short_message stays raw bytes: receipt text is ASCII.
 */
export const decodeReceiptDeliverSm = (pdu: Buffer): DeliveredPdu | undefined => {
  const f = decodeMessageFields(pdu)
  if (f === undefined) throw new MalformedPduError("deliver_sm ends inside its mandatory parameters")
  if ((f.esmClass & ESM_TYPE_MASK) !== ESM_DELIVERY_RECEIPT) return undefined
  const delivered: { -readonly [K in keyof DeliveredPdu]: DeliveredPdu[K] } = {
    command: "deliver_sm",
    command_id: DELIVER_SM,
    command_status: pdu.readUInt32BE(8),
    sequence_number: pdu.readUInt32BE(12),
    service_type: f.serviceType,
    source_addr_ton: f.sourceTon,
    source_addr_npi: f.sourceNpi,
    source_addr: f.source,
    dest_addr_ton: f.destTon,
    dest_addr_npi: f.destNpi,
    destination_addr: f.destination,
    esm_class: f.esmClass,
    registered_delivery: f.registeredDelivery,
    data_coding: f.dataCoding,
    short_message: f.shortMessage
  }
  const complete = forEachTlv(pdu, f.tlvsAt, (tag, value) => {
    if (tag === Tlv.receiptedMessageId) {
      const nul = value.indexOf(0)
      delivered.receipted_message_id = value.toString("latin1", 0, nul < 0 ? value.length : nul)
    } else if (tag === Tlv.messageState && value.length >= 1) delivered.message_state = value[0]!
    else if (tag === Tlv.networkErrorCode) delivered.network_error_code = Buffer.from(value)
    else if (tag === Tlv.messagePayload) delivered.message_payload = value
  })
  if (!complete) throw new MalformedPduError("a deliver_sm TLV runs past the PDU")
  return delivered
}

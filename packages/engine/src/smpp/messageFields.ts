/**
 * submit_sm and deliver_sm share their mandatory parameters (SMPP 3.4 §4.4.1, §4.6.1). One hand-written
 * decoder for both: the simulator reads submit_sm with it, the client reads receipt deliver_sm with it.
 */
export const HEADER_LENGTH = 16

export const Tlv = {
  receiptedMessageId: 0x001e,
  networkErrorCode: 0x0423,
  messagePayload: 0x0424,
  messageState: 0x0427
} as const

export interface MessageFields {
  readonly serviceType: string
  readonly sourceTon: number
  readonly sourceNpi: number
  readonly source: string
  readonly destTon: number
  readonly destNpi: number
  readonly destination: string
  readonly esmClass: number
  readonly registeredDelivery: number
  readonly dataCoding: number
  /** A view into the PDU. */
  readonly shortMessage: Buffer
  /** Where the optional parameters (TLVs) start. */
  readonly tlvsAt: number
}

/** The C-octet string at `at` and the offset after its NUL, or undefined when the NUL is missing. */
const cString = (pdu: Buffer, at: number): { value: string; next: number } | undefined => {
  const end = pdu.indexOf(0, at)
  return end < 0 ? undefined : { value: pdu.toString("latin1", at, end), next: end + 1 }
}

/** The mandatory parameters of a submit_sm or deliver_sm; undefined when the PDU ends inside them. */
export const decodeMessageFields = (pdu: Buffer): MessageFields | undefined => {
  const serviceType = cString(pdu, HEADER_LENGTH)
  if (serviceType === undefined) return undefined
  let at = serviceType.next
  const sourceTon = pdu[at]
  const sourceNpi = pdu[at + 1]
  const source = cString(pdu, at + 2)
  if (source === undefined) return undefined
  at = source.next
  const destTon = pdu[at]
  const destNpi = pdu[at + 1]
  const destination = cString(pdu, at + 2)
  if (destination === undefined) return undefined
  at = destination.next
  const esmClass = pdu[at]
  const schedule = cString(pdu, at + 3) // after esm_class, protocol_id, priority_flag
  const validity = schedule === undefined ? undefined : cString(pdu, schedule.next)
  if (validity === undefined) return undefined
  at = validity.next
  const registeredDelivery = pdu[at]
  const dataCoding = pdu[at + 2]
  const smLength = pdu[at + 4]
  at += 5
  if (
    sourceTon === undefined ||
    sourceNpi === undefined ||
    destTon === undefined ||
    destNpi === undefined ||
    esmClass === undefined ||
    registeredDelivery === undefined ||
    dataCoding === undefined ||
    smLength === undefined ||
    at + smLength > pdu.length
  ) {
    return undefined
  }
  return {
    serviceType: serviceType.value,
    sourceTon,
    sourceNpi,
    source: source.value,
    destTon,
    destNpi,
    destination: destination.value,
    esmClass,
    registeredDelivery,
    dataCoding,
    shortMessage: pdu.subarray(at, at + smLength),
    tlvsAt: at + smLength
  }
}

/** Calls `onTlv` for each optional parameter from `at`; false when one runs past the PDU's end. */
export const forEachTlv = (pdu: Buffer, at: number, onTlv: (tag: number, value: Buffer) => void): boolean => {
  while (at + 4 <= pdu.length) {
    const tag = pdu.readUInt16BE(at)
    const length = pdu.readUInt16BE(at + 2)
    at += 4
    if (at + length > pdu.length) return false
    onTlv(tag, pdu.subarray(at, at + length))
    at += length
  }
  return true
}

import { Either, Option, Schema } from "effect"
import { messageStateName, statusFromMessageState, statusFromStat } from "../status/ReceiptState.js"
import { type ReceiptStatus, ReceiptStatus as ReceiptStatusSchema } from "../status/statuses.js"
import { MalformedReceipt, NotAReceipt } from "./errors.js"
import { parseCounter, parseReceiptDate, scanReceiptText } from "./ReceiptText.js"

/** The parts of a deliver_sm a receipt is read from, already decoded by the SMPP layer. */
export interface DeliverSmParts {
  readonly esmClass: number
  /** short_message, or message_payload when short_message is empty. */
  readonly shortMessage: string
  readonly tlvs?:
    | {
        readonly receiptedMessageId?: string | undefined
        readonly messageState?: number | undefined
        /** network_error_code (0x0423): 3 octets, network type then a 16-bit big-endian error code. */
        readonly networkErrorCode?: Uint8Array | string | undefined
      }
    | undefined
}

/** Where the id and state came from: both TLVs, both text, or one of each. */
export const ReceiptSource = Schema.Literal("tlv", "text", "mixed")
export type ReceiptSource = typeof ReceiptSource.Type

export const NetworkError = Schema.Struct({ networkType: Schema.Number, errorCode: Schema.Number })
export type NetworkError = typeof NetworkError.Type

export const Receipt = Schema.Struct({
  /** As the SMSC wrote it (trimmed); correlate through canonicalMessageId / canonicalCandidates. */
  smscMessageId: Schema.String,
  status: ReceiptStatusSchema,
  /** The raw state that decided `status`: the message_state name (e.g. "DELIVERED") or the `stat:` text. */
  stat: Schema.String,
  /** The text `err:` code, else the network_error_code TLV's code as 3 digits. */
  err: Schema.optional(Schema.String),
  submitDate: Schema.optional(Schema.Date),
  doneDate: Schema.optional(Schema.Date),
  dlvrd: Schema.optional(Schema.Number),
  sub: Schema.optional(Schema.Number),
  messageState: Schema.optional(Schema.Number),
  networkError: Schema.optional(NetworkError),
  source: ReceiptSource
})
export type Receipt = typeof Receipt.Type

/** esm_class bits 2–5 hold the message type; 0x04 is "SMSC delivery receipt". */
export const isReceiptEsmClass = (esmClass: number): boolean => (esmClass & 0x3c) === 0x04

const cleanId = (raw: string | undefined): string | undefined => {
  if (raw === undefined) return undefined
  let end = raw.length
  while (end > 0 && raw.charCodeAt(end - 1) <= 32) end-- // also drops a C-string NUL
  let start = 0
  while (start < end && raw.charCodeAt(start) <= 32) start++
  return start < end ? raw.slice(start, end) : undefined
}

const isHexChar = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102)

/** 3 octets, or those octets as a 3-char binary string or 6 hex digits (SMPP libraries differ). */
const readNetworkError = (v: Uint8Array | string | undefined): NetworkError | undefined => {
  if (v === undefined) return undefined
  if (typeof v !== "string") {
    return v.length === 3 ? { networkType: v[0]!, errorCode: (v[1]! << 8) | v[2]! } : undefined
  }
  if (v.length === 3) {
    return {
      networkType: v.charCodeAt(0) & 0xff,
      errorCode: ((v.charCodeAt(1) & 0xff) << 8) | (v.charCodeAt(2) & 0xff)
    }
  }
  for (let i = 0; i < v.length; i++) if (!isHexChar(v.charCodeAt(i))) return undefined
  return v.length === 6
    ? { networkType: Number.parseInt(v.slice(0, 2), 16), errorCode: Number.parseInt(v.slice(2), 16) }
    : undefined
}

const date = (s: string | undefined): Date | undefined => (s === undefined ? undefined : parseReceiptDate(s))

/**
 * Reads a delivery receipt, trusting (DESIGN.md §4) the TLVs receipted_message_id and message_state first,
 * the text second, field by field: a TLV id with a text stat is a "mixed" receipt. Dates and counters come
 * from the text; err from the text, else the network_error_code TLV. A deliver_sm counts as a receipt when its esm_class says so, or — for SMSCs
 * that leave esm_class 0 — when it has a receipted_message_id TLV or a text with both `id:` and `stat:`.
 */
export const parseReceipt = (
  input: DeliverSmParts
): Either.Either<Receipt, NotAReceipt | MalformedReceipt> => {
  const tlvs = input.tlvs
  const tlvId = cleanId(tlvs?.receiptedMessageId)
  const text = scanReceiptText(input.shortMessage)
  const textId = cleanId(text.id)

  if (
    !isReceiptEsmClass(input.esmClass) &&
    tlvId === undefined &&
    (textId === undefined || text.stat === undefined)
  ) {
    return Either.left(new NotAReceipt({ esmClass: input.esmClass }))
  }

  const smscMessageId = tlvId ?? textId
  if (smscMessageId === undefined) return Either.left(new MalformedReceipt({ reason: "MissingId" }))

  const messageState = tlvs?.messageState
  let status: ReceiptStatus | undefined
  let stateFromTlv = false
  if (messageState !== undefined) {
    const fromTlv = statusFromMessageState(messageState)
    if (Option.isSome(fromTlv)) {
      status = fromTlv.value
      stateFromTlv = true
    }
  }
  if (status === undefined && text.stat !== undefined) {
    const fromText = statusFromStat(text.stat)
    if (Option.isNone(fromText)) {
      return Either.left(new MalformedReceipt({ reason: "UnrecognisedState", value: text.stat }))
    }
    status = fromText.value
  }
  if (status === undefined) {
    return Either.left(
      messageState === undefined
        ? new MalformedReceipt({ reason: "MissingState" })
        : new MalformedReceipt({ reason: "UnrecognisedState", value: `message_state ${messageState}` })
    )
  }

  const idFromTlv = tlvId !== undefined
  const networkError = readNetworkError(tlvs?.networkErrorCode)
  return Either.right({
    smscMessageId,
    status,
    stat: stateFromTlv ? (messageStateName(messageState!) ?? String(messageState)) : text.stat!,
    err:
      text.err ?? (networkError === undefined ? undefined : String(networkError.errorCode).padStart(3, "0")),
    submitDate: date(text.submitDate),
    doneDate: date(text.doneDate),
    dlvrd: parseCounter(text.dlvrd),
    sub: parseCounter(text.sub),
    messageState,
    networkError,
    source: idFromTlv === stateFromTlv ? (idFromTlv ? "tlv" : "text") : "mixed"
  })
}

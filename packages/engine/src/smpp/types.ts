import type { SmppStatusClass } from "@volley/core"
import type smpp from "smpp"

/** The public types of SmppClient (re-exported from SmppClient.ts). */

export type { SubmitFields } from "./encode.js"

export type BindType = "transceiver" | "transmitter" | "receiver"

export interface SubmitResp {
  readonly _tag: "Resp"
  readonly commandStatus: number
  /** The SMSC's message id (absent on most error resps). */
  readonly messageId: string | undefined
}
export interface SubmitNack {
  readonly _tag: "Nack"
  readonly commandStatus: number
}
/** No resp within responseTimeoutMs: the slot is free again, the outcome is unknown. */
export interface SubmitTimeout {
  readonly _tag: "Timeout"
}
/** The connection closed with the request in flight: the outcome is unknown. */
export interface SubmitConnectionLost {
  readonly _tag: "ConnectionLost"
}
export type SubmitResult = SubmitResp | SubmitNack | SubmitTimeout | SubmitConnectionLost
/** What can still arrive for a request after its Timeout. */
export type LateResp = SubmitResp | SubmitNack

export type CloseReason =
  /** close() was called (or unbind() before the session was bound). */
  | { readonly _tag: "LocalClose" }
  /** Our unbind() completed (or its unbind_resp timed out). */
  | { readonly _tag: "Unbound" }
  /** The SMSC sent unbind; we answered and closed. */
  | { readonly _tag: "PeerUnbind" }
  /** The SMSC closed the TCP connection. */
  | { readonly _tag: "PeerClosed" }
  | { readonly _tag: "SocketError"; readonly message: string }
  /** The peer's bytes could not be decoded (command_length < 16 or > 16 KiB, a truncated body, …). */
  | { readonly _tag: "MalformedPdu"; readonly message: string }
  | { readonly _tag: "EnquireLinkTimeout" }
  | { readonly _tag: "ConnectTimeout" }
  | { readonly _tag: "BindTimeout" }

/**
 * Answers a deliver_sm / data_sm (0 = ESME_ROK). Only the first call counts; false when it could not be
 * sent (already answered, timed out, or the connection is gone — the SMSC will redeliver).
 */
export type DeliverRespond = (commandStatus?: number) => boolean
export type DeliverHandler = (pdu: DeliveredPdu, respond: DeliverRespond) => void

export interface SmppClientHandlers {
  /**
   * deliver_sm (receipts, MO) and data_sm. Respond once the PDU is safely queued; without an answer
   * within deliverRespTimeoutMs the client answers ESME_RX_T_APPN so the SMSC retries later. Without a
   * handler every delivery is answered ESME_RX_T_APPN at once (never acknowledge what nobody stored).
   */
  readonly onDeliver?: DeliverHandler | undefined
  /** Exactly once, after every in-flight onDone got ConnectionLost. */
  readonly onClose?: ((reason: CloseReason) => void) | undefined
  /** A resp or generic_nack for a request that already got Timeout (remembered lateRespMemoryMs). */
  readonly onLateResp?: ((seq: number, resp: LateResp) => void) | undefined
  /** hasCapacity() (or submit) said no, and now there is capacity again. Once per refusal. */
  readonly onCapacity?: (() => void) | undefined
}

export interface SmppLogger {
  readonly warn: (message: string) => void
}

export interface SmppClientOptions {
  readonly host: string
  readonly port: number
  readonly connectTimeoutMs: number
  /** submit_sm in flight at most. Default 50. */
  readonly window?: number | undefined
  /** Per submit_sm. Default 10,000. */
  readonly responseTimeoutMs?: number | undefined
  /** enquire_link period (sent whether traffic flows or not); 0 disables. Default 30,000. */
  readonly enquireLinkMs?: number | undefined
  /** No enquire_link_resp within this: the link is dead, the session is closed. Default 10,000. */
  readonly enquireLinkTimeoutMs?: number | undefined
  /** The owner's time to answer a deliver_sm before we answer ESME_RX_T_APPN. Default 10,000. */
  readonly deliverRespTimeoutMs?: number | undefined
  /** Wait for unbind_resp at most this long. Default 2,000. */
  readonly unbindRespTimeoutMs?: number | undefined
  /** After a graceful end (FIN), destroy the socket if it has not closed within this. Default 1,000. */
  readonly closeTimeoutMs?: number | undefined
  /** Timed-out sequence numbers are remembered this long to recognise late resps. Default 600,000. */
  readonly lateRespMemoryMs?: number | undefined
  /** ...and at most this many. Default 100,000. */
  readonly lateRespMemoryMax?: number | undefined
  /** Period of the one timer that expires requests, deliveries and enquire_links. Default 100. */
  readonly sweepIntervalMs?: number | undefined
  /** The sequence number before the first one used (tests of the wrap). Default 0. */
  readonly initialSequence?: number | undefined
  readonly handlers?: SmppClientHandlers | undefined
  readonly logger?: SmppLogger | undefined
}

export interface SmppBindOptions {
  readonly type: BindType
  readonly systemId: string
  readonly password: string
  readonly systemType?: string | undefined
  readonly bindTimeoutMs: number
}

export type SmppClientState =
  | "connecting"
  /** Connected, not bound (or the bind was refused). */
  | "open"
  | "binding"
  | "bound"
  /** unbind() waits for in-flight submits. */
  | "draining"
  /** unbind sent, waiting for unbind_resp. */
  | "unbinding"
  | "closing"
  | "closed"

export interface SmppClientCounters {
  submitsSent: number
  /** submit_sm_resp received (late ones included), by the class of their command_status. */
  resps: Record<SmppStatusClass | "unknown", number>
  /** generic_nack matched to one of our submits. */
  nacks: number
  /** generic_nack we could not match (sequence 0 or unknown): the request is left to its timeout. */
  unmatchedNacks: number
  /** submit_sm_resp for a sequence number we never had (or forgot). */
  unmatchedResps: number
  timeouts: number
  lateResps: number
  connectionLost: number
  enquireLinksSent: number
  enquireLinkResps: number
  enquireLinksReceived: number
  delivers: number
  /** deliver_sm_resp sent with ESME_ROK. */
  deliverRespsOk: number
  /** deliver_sm_resp sent with an error (by the owner, for lack of a handler, or on timeout). */
  deliverRespsError: number
  deliverRespTimeouts: number
  unknownCommands: number
  /** Times socket.write() asked us to wait for `drain`. */
  writeBackpressure: number
}

/**
 * A deliver_sm / data_sm as the owner sees it: node-smpp's decoded PDU, or (for delivery receipts, the
 * hot path) the same fields decoded by our framer with short_message left as raw bytes.
 */
export interface DeliveredPdu {
  readonly command: string
  readonly command_id: number
  readonly command_status: number
  readonly sequence_number: number
  readonly service_type?: string | undefined
  readonly source_addr_ton?: number | undefined
  readonly source_addr_npi?: number | undefined
  readonly source_addr?: string | undefined
  readonly dest_addr_ton?: number | undefined
  readonly dest_addr_npi?: number | undefined
  readonly destination_addr?: string | undefined
  readonly esm_class?: number | undefined
  readonly registered_delivery?: number | undefined
  readonly data_coding?: number | null | undefined
  readonly short_message?: smpp.DecodedMessage | undefined
  readonly message_payload?: smpp.DecodedMessage | undefined
  readonly receipted_message_id?: string | undefined
  readonly message_state?: number | undefined
  readonly network_error_code?: Buffer | undefined
}

import { Schema } from "effect"
import { publicStatuses } from "./publicStatuses.js"

// The literal schemas live apart from the transition rules so errors.ts can use them without an import cycle.

/** Every state a message can be in. SUBMITTING is internal: a submit_sm is in flight (the claim of §7). */
export const DeliveryStatus = Schema.Literal(
  "QUEUED",
  "SUBMITTING",
  "ENROUTE",
  "DELIVRD",
  "UNDELIV",
  "EXPIRED",
  "REJECTD",
  "FAILED",
  "NOREPORT"
)
export type DeliveryStatus = typeof DeliveryStatus.Type

/** States that never change again. */
export const FinalStatus = Schema.Literal("DELIVRD", "UNDELIV", "EXPIRED", "REJECTD", "FAILED")
export type FinalStatus = typeof FinalStatus.Type

/** Final states an operator's receipt can report (FAILED is ours alone: the message never left). */
export const ReceiptFinalStatus = Schema.Literal("DELIVRD", "UNDELIV", "EXPIRED", "REJECTD")
export type ReceiptFinalStatus = typeof ReceiptFinalStatus.Type

/** Everything a receipt can say: an intermediate ENROUTE, a final state, or NOREPORT for "state unknown". */
export const ReceiptStatus = Schema.Literal("ENROUTE", "DELIVRD", "UNDELIV", "EXPIRED", "REJECTD", "NOREPORT")
export type ReceiptStatus = typeof ReceiptStatus.Type

/** What senders see: SUBMITTING is shown as ENROUTE. */
export const PublicStatus = Schema.Literal(...publicStatuses)
export type PublicStatus = typeof PublicStatus.Type

/** Who ended a message: a submit_sm_resp / generic_nack / retries exhausted, an operator receipt, or our rules. */
export const FinalSource = Schema.Literal("submit", "receipt", "policy")
export type FinalSource = typeof FinalSource.Type

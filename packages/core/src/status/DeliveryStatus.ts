import { Data, Either } from "effect"
import { IllegalStatusTransition } from "./errors.js"
import type {
  DeliveryStatus,
  FinalSource,
  FinalStatus,
  PublicStatus,
  ReceiptFinalStatus
} from "./statuses.js"

export {
  DeliveryStatus,
  FinalSource,
  FinalStatus,
  PublicStatus,
  ReceiptFinalStatus,
  ReceiptStatus
} from "./statuses.js"

export const FINAL_STATUSES: ReadonlySet<DeliveryStatus> = new Set<FinalStatus>([
  "DELIVRD",
  "UNDELIV",
  "EXPIRED",
  "REJECTD",
  "FAILED"
])

export const RECEIPT_FINAL_STATUSES: ReadonlySet<DeliveryStatus> = new Set<ReceiptFinalStatus>([
  "DELIVRD",
  "UNDELIV",
  "EXPIRED",
  "REJECTD"
])

/** Final states never change again. NOREPORT is not final: a late receipt still settles it. */
export const isFinal = (s: DeliveryStatus): s is FinalStatus => FINAL_STATUSES.has(s)

export const isReceiptFinal = (s: DeliveryStatus): s is ReceiptFinalStatus => RECEIPT_FINAL_STATUSES.has(s)

/**
 * Terminal for reporting: nothing more is expected from us (the sender gets its final webhook, the NOREPORT
 * sweep stops looking at it). True for final states and for NOREPORT, which only a late receipt can move.
 */
export const isReportingTerminal = (s: DeliveryStatus): boolean => s === "NOREPORT" || FINAL_STATUSES.has(s)

const receiptFinals: ReadonlyArray<DeliveryStatus> = ["DELIVRD", "UNDELIV", "EXPIRED", "REJECTD"]

/**
 * The lifecycle of DESIGN.md §2. A same-status repeat is not listed: it is always an idempotent no-op.
 * SUBMITTING → NOREPORT: a submit whose resp never came is settled by the NOREPORT sweep (§2, §7).
 */
const ALLOWED: Readonly<Record<DeliveryStatus, ReadonlySet<DeliveryStatus>>> = {
  // Claimed by a BindActor, or refused by our own rules before sending / failed outright.
  QUEUED: new Set(["SUBMITTING", "FAILED", "REJECTD"]),
  // resp OK; permanent submit error; retryable error puts it back; a receipt may beat the resp;
  // unknown outcome swept to NOREPORT.
  SUBMITTING: new Set(["ENROUTE", "FAILED", "REJECTD", "QUEUED", ...receiptFinals, "NOREPORT"]),
  ENROUTE: new Set([...receiptFinals, "NOREPORT"]),
  // A late receipt still settles it (an intermediate ENROUTE receipt does not reopen it).
  NOREPORT: new Set(receiptFinals),
  DELIVRD: new Set(),
  UNDELIV: new Set(),
  EXPIRED: new Set(),
  REJECTD: new Set(),
  FAILED: new Set()
}

/** The result of applying a status: Unchanged means a duplicate, recorded but never applied twice. */
export type StatusChange = Data.TaggedEnum<{
  Changed: { readonly from: DeliveryStatus; readonly to: DeliveryStatus }
  Unchanged: { readonly status: DeliveryStatus }
}>
export const StatusChange = Data.taggedEnum<StatusChange>()

export const canTransition = (from: DeliveryStatus, to: DeliveryStatus): boolean =>
  from === to || ALLOWED[from].has(to)

export const transition = (
  from: DeliveryStatus,
  to: DeliveryStatus
): Either.Either<StatusChange, IllegalStatusTransition> => {
  if (from === to) return Either.right(StatusChange.Unchanged({ status: from }))
  if (ALLOWED[from].has(to)) return Either.right(StatusChange.Changed({ from, to }))
  return Either.left(
    new IllegalStatusTransition({ from, to, reason: isFinal(from) ? "AlreadyFinal" : "NotAllowed" })
  )
}

/** Senders never see SUBMITTING: whether the submit is in flight or its outcome unknown, it shows ENROUTE. */
export const publicStatus = (s: DeliveryStatus): PublicStatus => (s === "SUBMITTING" ? "ENROUTE" : s)

/** The stored statuses a public one stands for: a filter on ENROUTE also finds SUBMITTING. */
export const storedStatuses = (status: PublicStatus): ReadonlyArray<DeliveryStatus> =>
  status === "ENROUTE" ? ["ENROUTE", "SUBMITTING"] : [status]

/** How a message ended: the state and who decided it, which together decide the refund. */
export interface FinalOutcome {
  readonly status: FinalStatus
  readonly source: FinalSource
}

/**
 * A message that never reached an operator is refunded: FAILED (could not be handed over), and REJECTD
 * when the refusal came from a submit_sm_resp or our own rules. A REJECTD *receipt* means the operator
 * took the message and refused it later: it is charged, like DELIVRD/UNDELIV/EXPIRED (and NOREPORT).
 */
export const isRefundable = (outcome: FinalOutcome): boolean =>
  outcome.status === "FAILED" || (outcome.status === "REJECTD" && outcome.source !== "receipt")

import { Data } from "effect"
import { SMPP_STATUSES, smppStatusName } from "./SmppStatus.js"

export { isVendorSpecific, SMPP_STATUSES, type SmppStatusClass, smppStatusName } from "./SmppStatus.js"

/**
 * What a submit_sm_resp or generic_nack command_status means for the message.
 * - Accepted: store the SMSC message id, SUBMITTING → ENROUTE.
 * - Throttled: the bind slows down and the message is retried (not counted as a failed attempt).
 * - RetryLater: transient; back to QUEUED until the caller's attempt limit, then FAILED (`retryOrFail`).
 *   `known: false` marks codes outside the spec table (vendor-specific or unknown).
 * - Rejected: permanent; the message ends REJECTD with the SMPP status kept. `fault: "session"` says the
 *   SMSC refused the bind itself (credentials, system_type), so the BindActor should flag the bind too.
 */
export type SubmitOutcome = Data.TaggedEnum<{
  Accepted: {}
  Throttled: { readonly commandStatus: number; readonly name: string }
  RetryLater: { readonly commandStatus: number; readonly name: string; readonly known: boolean }
  Rejected: {
    readonly commandStatus: number
    readonly name: string
    readonly status: "REJECTD"
    readonly fault: "message" | "session"
  }
}>
export const SubmitOutcome = Data.taggedEnum<SubmitOutcome>()

const ACCEPTED = SubmitOutcome.Accepted()

export const classifySubmitStatus = (commandStatus: number): SubmitOutcome => {
  const info = SMPP_STATUSES.get(commandStatus)
  if (info === undefined) {
    return SubmitOutcome.RetryLater({ commandStatus, name: smppStatusName(commandStatus), known: false })
  }
  switch (info.class) {
    case "ok":
      return ACCEPTED
    case "throttle":
      return SubmitOutcome.Throttled({ commandStatus, name: info.name })
    case "transient":
      return SubmitOutcome.RetryLater({ commandStatus, name: info.name, known: true })
    case "permanent":
      return SubmitOutcome.Rejected({ commandStatus, name: info.name, status: "REJECTD", fault: "message" })
    case "session":
      return SubmitOutcome.Rejected({ commandStatus, name: info.name, status: "REJECTD", fault: "session" })
  }
}

/**
 * After a retryable failure on attempt `attempt` (1-based): back to QUEUED, or FAILED once `maxAttempts`
 * are spent ("retries exhausted", §2). The limit is the caller's (per bind / account policy).
 */
export const retryOrFail = (attempt: number, maxAttempts: number): "QUEUED" | "FAILED" =>
  attempt < maxAttempts ? "QUEUED" : "FAILED"

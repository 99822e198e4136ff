import { Schema } from "effect"
import { AccountId, SenderIdRequestId } from "../schema/ids.js"
import { SenderIdKind } from "./SenderId.js"

/**
 * The universal default sender ID (DESIGN.md §6): every account may send from it without a request,
 * and it is the only one test-mode accounts may use.
 */
export const DEFAULT_SENDER_ID = "Volley"

export const SenderIdStatus = Schema.Literal("pending", "approved", "rejected")
export type SenderIdStatus = typeof SenderIdStatus.Type

export const SenderIdDecision = Schema.Literal("approved", "rejected")
export type SenderIdDecision = typeof SenderIdDecision.Type

/**
 * An account's sender ID and where its approval stands. `value` is the normalised form `parseSenderId`
 * gives (the name as written, or a number's digits without "+"). Alphanumeric names wait for an
 * operator's decision; numbers and short codes are approved when requested (see SenderIdsRepo).
 */
export class SenderIdRequest extends Schema.Class<SenderIdRequest>("SenderIdRequest")({
  id: SenderIdRequestId,
  accountId: AccountId,
  value: Schema.String,
  kind: SenderIdKind,
  status: SenderIdStatus,
  decisionNote: Schema.NullOr(Schema.String),
  createdAt: Schema.Date,
  decidedAt: Schema.NullOr(Schema.Date)
}) {}

const notApprovedExplanations = {
  unknown: "is not registered for this account: request it first",
  pending: "is waiting for approval",
  rejected: "was rejected"
} as const

/** Why a sender ID can't be used yet: never requested by this account, still pending, or rejected. */
export class SenderIdNotApproved extends Schema.TaggedError<SenderIdNotApproved>()("SenderIdNotApproved", {
  value: Schema.String,
  status: Schema.Literal("unknown", "pending", "rejected")
}) {
  override get message(): string {
    return `Sender ID "${this.value}" ${notApprovedExplanations[this.status]}`
  }
}

export class SenderIdRequestNotFound extends Schema.TaggedError<SenderIdRequestNotFound>()(
  "SenderIdRequestNotFound",
  { id: SenderIdRequestId }
) {
  override get message() {
    return `Sender ID request ${this.id} does not exist`
  }
}

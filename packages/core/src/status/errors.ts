import { Schema } from "effect"
import { DeliveryStatus } from "./statuses.js"

/** AlreadyFinal: `from` is a final state (a stale or duplicate update); NotAllowed: the lifecycle forbids it. */
export const IllegalTransitionReason = Schema.Literal("AlreadyFinal", "NotAllowed")
export type IllegalTransitionReason = typeof IllegalTransitionReason.Type

export class IllegalStatusTransition extends Schema.TaggedError<IllegalStatusTransition>()(
  "IllegalStatusTransition",
  { from: DeliveryStatus, to: DeliveryStatus, reason: IllegalTransitionReason }
) {
  override get message(): string {
    return this.reason === "AlreadyFinal"
      ? `A message in final state ${this.from} cannot move to ${this.to}: final states never change.`
      : `A message cannot move from ${this.from} to ${this.to}.`
  }
}

import { Schema } from "effect"
import { BindId, OperatorId } from "../schema/ids.js"

export const BindState = Schema.Literal("disabled", "connecting", "binding", "bound", "draining", "down")
export type BindState = typeof BindState.Type

/** What a BindActor publishes every second for the admin UI. */
export class BindTelemetry extends Schema.Class<BindTelemetry>("BindTelemetry")({
  bindId: BindId,
  operatorId: OperatorId,
  state: BindState,
  since: Schema.Number,
  inFlight: Schema.Int,
  window: Schema.Int,
  tpsNow: Schema.Number,
  tpsCap: Schema.Int,
  submits: Schema.Int,
  errors: Schema.Int,
  reconnects: Schema.Int,
  lastError: Schema.NullOr(Schema.String),
  at: Schema.Number
}) {}

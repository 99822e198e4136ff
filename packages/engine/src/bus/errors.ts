import { Schema } from "effect"

/**
 * Why a bus operation failed. Callers mostly care whether a retry can help: `Unavailable`/`Timeout` are
 * transient (re-publish with the same msg ids, JetStream de-duplicates), `StreamFull` is back-pressure,
 * the rest are configuration or lifecycle mistakes.
 */
export const BusErrorReason = Schema.Literal(
  "Unavailable", // no connection / no JetStream responder
  "Timeout", // acks did not all arrive in time: outcome per message unknown, re-publish
  "StreamFull", // the stream's message limit was reached (discard new)
  "Rejected", // the server refused a publish or an API request
  "NotFound", // a stream or consumer is missing
  "InvalidName", // a prefix, id or subscriber name that cannot become a subject token
  "Closed" // the layer was released
)
export type BusErrorReason = typeof BusErrorReason.Type

export class BusError extends Schema.TaggedError<BusError>()("BusError", {
  reason: BusErrorReason,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

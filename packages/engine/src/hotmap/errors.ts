import { Schema } from "effect"

/**
 * Why a hot-map operation failed. Everything in the hot maps is a rebuildable cache (Postgres is the
 * truth), so every reason means the same thing to a caller: fall back to Postgres (or, for the rate
 * limiter, to its own policy) and carry on. The reason is for logs and metrics.
 */
export const HotMapErrorReason = Schema.Literal(
  "Unavailable", // cannot connect, connection lost, or not connected right now
  "Timeout", // no answer within the command timeout: the outcome of a write is unknown
  "Rejected", // Redis answered with an error (OOM, WRONGTYPE, a script error, ...)
  "InvalidConfig" // the layer's own settings are unusable (bad URL, empty prefix)
)
export type HotMapErrorReason = typeof HotMapErrorReason.Type

export class HotMapError extends Schema.TaggedError<HotMapError>()("HotMapError", {
  reason: HotMapErrorReason,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { BindId, OperatorId } from "@volley/core"
import { Schema } from "effect"
import { OperatorAuth } from "../auth/AuthApi.js"
import { BindRunState } from "../catalog/BindsApi.js"

/** One bind in a live frame. Times are epoch milliseconds. */
export class BindLiveView extends Schema.Class<BindLiveView>("BindLiveView")({
  bindId: BindId,
  operatorId: OperatorId,
  enabled: Schema.Boolean,
  state: BindRunState,
  since: Schema.Number.annotations({ description: "When the bind entered its state" }),
  tpsNow: Schema.Number.annotations({ description: "Submits in the last second" }),
  tpsCap: Schema.Int,
  inFlight: Schema.Int.annotations({ description: "submit_sm on the wire now (at most the window)" }),
  window: Schema.Int,
  submits: Schema.Int.annotations({ description: "Parts submitted since the actor started" }),
  errors: Schema.Int,
  reconnects: Schema.Int,
  lastError: Schema.NullOr(Schema.String),
  sampledAt: Schema.NullOr(Schema.Number).annotations({
    description: "When the bind's actor last published telemetry; null: never seen"
  })
}) {}

/** What each `binds` event carries: every bind of the catalog. */
export class BindsFrame extends Schema.Class<BindsFrame>("BindsFrame")({
  at: Schema.Number,
  binds: Schema.Array(BindLiveView)
}) {}

/**
 * Live bind telemetry as server-sent events: an `event: binds` whose `data` is a BindsFrame (JSON), at
 * once, then on every state change and at least every second. A signed-in operator's session cookie
 * works here, which is what lets a browser's EventSource (it cannot send headers) use it.
 */
export class BindEventsApi extends HttpApiGroup.make("bindEvents")
  .add(
    HttpApiEndpoint.get("events", "/v1/admin/bind-events").addSuccess(
      HttpApiSchema.Text({ contentType: "text/event-stream" }).annotations({
        description: "event: binds, data: BindsFrame as JSON"
      })
    )
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Live binds (operators)")
  .annotate(OpenApi.Description, "Server-sent events with every bind's state and throughput") {}

import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { BindId, BindState, RouteId } from "@volley/core"
import { Bind, BindInput } from "@volley/core/catalog/Catalog"
import { Schema, Struct } from "effect"
import { OperatorAuth } from "../auth/AuthApi.js"
import { EntryExists, EntryNotFound, InvalidEntry, OperatorUnknown } from "./CatalogErrors.js"

/** A bind as operators read it: everything but the password, which is write-only. */
export class BindView extends Schema.Class<BindView>("BindView")(Struct.omit(Bind.fields, "password")) {
  static fromBind(bind: Bind): BindView {
    const { password: _, ...view } = bind
    return new BindView(view)
  }
}

export const NewBind = BindInput.annotations({ identifier: "NewBind" })

/** Only the fields sent change; a changed bind reconnects with its new settings. */
export const BindChange = BindInput.pipe(Schema.omit("id"), Schema.partial).annotations({
  identifier: "BindChange"
})

/** What the bind's actor reports (see the engine's BindDiagnostics). */
export class BindActorView extends Schema.Class<BindActorView>("BindActorView")({
  sessions: Schema.Int.annotations({ description: "Sessions that got bound" }),
  reconnects: Schema.Int,
  lastError: Schema.NullOr(Schema.String),
  smppInFlight: Schema.Int.annotations({ description: "submit_sm on the wire now (at most the window)" }),
  unsettled: Schema.Int.annotations({ description: "Messages taken from the queue, not yet settled" }),
  inflightMessages: Schema.Int,
  resendsWaiting: Schema.Int.annotations({ description: "Throttled parts waiting to be sent again" }),
  lateMessages: Schema.Int,
  lateParts: Schema.Int,
  lateSettled: Schema.Int,
  lateIgnored: Schema.Int,
  tpsRate: Schema.Number.annotations({ description: "The TPS limiter's current rate" }),
  throttledAnswers: Schema.Int,
  slowDowns: Schema.Int
}) {}

/** The backlog of one route, from Postgres (messages) and from the bus (its entries). */
export class RouteQueueView extends Schema.Class<RouteQueueView>("RouteQueueView")({
  routeId: RouteId,
  routeEnabled: Schema.Boolean,
  queuedMessages: Schema.Int.annotations({
    description: "Messages QUEUED in Postgres (scheduled ones included): the figure for humans"
  }),
  submittingMessages: Schema.Int.annotations({
    description: "Messages claimed by a bind whose submit_sm_resp has not been settled"
  }),
  busEntriesPending: Schema.NullOr(Schema.Int).annotations({
    description:
      "Entries stored on the bus, not yet delivered: bundles of jobs on NATS, single jobs in-process; " +
      "null when the bus did not answer"
  }),
  busEntriesInFlight: Schema.NullOr(Schema.Int).annotations({
    description: "Entries delivered to binds and not yet acked (same units as busEntriesPending)"
  })
}) {}

export const BindRunState = Schema.Union(
  BindState,
  Schema.Literal("stopped").annotations({
    description: "Enabled, but no actor runs it in this process (receiver-only binds are not run yet)"
  })
)

export class BindStateView extends Schema.Class<BindStateView>("BindStateView")({
  bindId: BindId,
  operatorId: Schema.String,
  enabled: Schema.Boolean,
  windowSize: Schema.Int,
  tps: Schema.Int,
  state: BindRunState,
  actor: Schema.NullOr(BindActorView).annotations({ description: "null while no actor runs the bind" }),
  routes: Schema.Array(RouteQueueView).annotations({ description: "The queues of the bind's operator" })
}) {}

export class BindRestarted extends Schema.Class<BindRestarted>("BindRestarted")({
  bindId: BindId,
  restarted: Schema.Boolean.annotations({ description: "false: no actor ran the bind in this process" })
}) {}

const BindPath = Schema.Struct({ bindId: BindId })

/**
 * SMPP binds to operators' SMSCs. A created, changed, enabled or disabled bind is started, restarted or
 * stopped by the running engine at once, without restarting the process.
 */
export class BindsAdminApi extends HttpApiGroup.make("bindsAdmin")
  .add(
    HttpApiEndpoint.post("create", "/v1/admin/binds")
      .setPayload(NewBind)
      .addSuccess(BindView, { status: 201 })
      .addError(InvalidEntry, { status: 400 })
      .addError(EntryExists, { status: 409 })
      .addError(OperatorUnknown, { status: 422 })
  )
  .add(HttpApiEndpoint.get("list", "/v1/admin/binds").addSuccess(Schema.Array(BindView)))
  .add(
    HttpApiEndpoint.get("get", "/v1/admin/binds/:bindId")
      .setPath(BindPath)
      .addSuccess(BindView)
      .addError(EntryNotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.patch("change", "/v1/admin/binds/:bindId")
      .setPath(BindPath)
      .setPayload(BindChange)
      .addSuccess(BindView)
      .addError(InvalidEntry, { status: 400 })
      .addError(EntryNotFound, { status: 404 })
      .addError(OperatorUnknown, { status: 422 })
  )
  .add(
    HttpApiEndpoint.post("enable", "/v1/admin/binds/:bindId/enable")
      .setPath(BindPath)
      .addSuccess(BindView)
      .addError(EntryNotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.post("disable", "/v1/admin/binds/:bindId/disable")
      .setPath(BindPath)
      .addSuccess(BindView)
      .addError(EntryNotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.post("restart", "/v1/admin/binds/:bindId/restart")
      .setPath(BindPath)
      .addSuccess(BindRestarted)
      .addError(EntryNotFound, { status: 404 })
  )
  .add(HttpApiEndpoint.get("states", "/v1/admin/bind-states").addSuccess(Schema.Array(BindStateView)))
  .add(
    HttpApiEndpoint.get("state", "/v1/admin/binds/:bindId/state")
      .setPath(BindPath)
      .addSuccess(BindStateView)
      .addError(EntryNotFound, { status: 404 })
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Binds (operators)")
  .annotate(
    OpenApi.Description,
    "SMPP binds: settings (the password is write-only), enable/disable/restart at run time, live state"
  ) {}

import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { RouteId } from "@volley/core"
import { Route, RouteInput, RoutePrice } from "@volley/core/catalog/Catalog"
import { Schema } from "effect"
import { OperatorAuth } from "../auth/AuthApi.js"
import { RouteQueueView } from "./BindsApi.js"
import {
  EntryExists,
  EntryNotFound,
  InvalidEntry,
  OperatorUnknown,
  RouteUnknown,
  RoutingConflict
} from "./CatalogErrors.js"

export const NewRoute = RouteInput.annotations({ identifier: "NewRoute" })

/** Only the fields sent change; `defaultValiditySeconds: null` falls back to the operator's default. */
export const RouteChange = RouteInput.pipe(Schema.omit("id"), Schema.partial).annotations({
  identifier: "RouteChange"
})

export class RoutePriceRequest extends Schema.Class<RoutePriceRequest>("RoutePriceRequest")({
  pricePerPartMinor: Schema.NonNegativeInt.annotations({ description: "Price of one part, in minor units" })
}) {}

const RoutePath = Schema.Struct({ routeId: RouteId })
const PricePath = Schema.Struct({
  routeId: RouteId,
  country: Schema.String.annotations({ description: "ISO 3166-1 alpha-2 code of the destination" })
})

/**
 * Routes: number prefixes (longest match wins), an ordered failover list, the default price per part,
 * per-country prices over it and an optional default validity. Changes apply to the next message.
 */
export class RoutesAdminApi extends HttpApiGroup.make("routesAdmin")
  .add(
    HttpApiEndpoint.post("create", "/v1/admin/routes")
      .setPayload(NewRoute)
      .addSuccess(Route, { status: 201 })
      .addError(InvalidEntry, { status: 400 })
      .addError(EntryExists, { status: 409 })
      .addError(RoutingConflict, { status: 409 })
      .addError(OperatorUnknown, { status: 422 })
      .addError(RouteUnknown, { status: 422 })
  )
  .add(HttpApiEndpoint.get("list", "/v1/admin/routes").addSuccess(Schema.Array(Route)))
  .add(
    HttpApiEndpoint.get("get", "/v1/admin/routes/:routeId")
      .setPath(RoutePath)
      .addSuccess(Route)
      .addError(EntryNotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.patch("change", "/v1/admin/routes/:routeId")
      .setPath(RoutePath)
      .setPayload(RouteChange)
      .addSuccess(Route)
      .addError(InvalidEntry, { status: 400 })
      .addError(EntryNotFound, { status: 404 })
      .addError(RoutingConflict, { status: 409 })
      .addError(OperatorUnknown, { status: 422 })
      .addError(RouteUnknown, { status: 422 })
  )
  .add(
    HttpApiEndpoint.post("enable", "/v1/admin/routes/:routeId/enable")
      .setPath(RoutePath)
      .addSuccess(Route)
      .addError(EntryNotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.post("disable", "/v1/admin/routes/:routeId/disable")
      .setPath(RoutePath)
      .addSuccess(Route)
      .addError(EntryNotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.get("queue", "/v1/admin/routes/:routeId/queue")
      .setPath(RoutePath)
      .addSuccess(RouteQueueView)
      .addError(EntryNotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.get("prices", "/v1/admin/routes/:routeId/prices")
      .setPath(RoutePath)
      .addSuccess(Schema.Array(RoutePrice))
      .addError(EntryNotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.put("setPrice", "/v1/admin/routes/:routeId/prices/:country")
      .setPath(PricePath)
      .setPayload(RoutePriceRequest)
      .addSuccess(RoutePrice)
      .addError(InvalidEntry, { status: 400 })
      .addError(EntryNotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.del("removePrice", "/v1/admin/routes/:routeId/prices/:country")
      .setPath(PricePath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(EntryNotFound, { status: 404 })
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Routes (operators)")
  .annotate(OpenApi.Description, "Prefixes, failover, prices per part and per country, validity, queues") {}

import { HttpApiBuilder } from "@effect/platform"
import { CatalogEntryNotFound, type RouteId } from "@volley/core"
import { CatalogChanges } from "@volley/engine/catalog/CatalogChanges"
import { CatalogRepo } from "@volley/engine/catalog/CatalogRepo"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"
import { CatalogState } from "./CatalogState.js"

export const RoutesAdminLive = HttpApiBuilder.group(VolleyApi, "routesAdmin", (handlers) =>
  Effect.gen(function* () {
    const repo = yield* CatalogRepo
    const changes = yield* CatalogChanges
    const state = yield* CatalogState
    // Every write is made live (routing snapshot, binds of the route's operator) before the reply.
    const applied = <A, E>(write: Effect.Effect<A, E>) => Effect.tap(write, () => changes.apply)
    const setEnabled = (routeId: RouteId, enabled: boolean) => applied(repo.setRouteEnabled(routeId, enabled))
    // The route is in the path here, so its absence is a 404 rather than the body's 422.
    const priceNotFound = (routeId: RouteId, country: string) =>
      new CatalogEntryNotFound({ entity: "routePrice", id: `${routeId}/${country.toUpperCase()}` })
    return handlers
      .handle("create", ({ payload }) => applied(repo.createRoute(payload)))
      .handle("list", () => repo.listRoutes())
      .handle("get", ({ path }) => repo.getRoute(path.routeId))
      .handle("change", ({ path, payload }) =>
        applied(
          Effect.flatMap(repo.getRoute(path.routeId), (current) =>
            repo.upsertRoute({
              id: current.id,
              name: payload.name ?? current.name,
              operatorId: payload.operatorId ?? current.operatorId,
              prefixes: payload.prefixes ?? current.prefixes,
              failover: payload.failover ?? current.failover,
              pricePerPartMinor: payload.pricePerPartMinor ?? current.pricePerPartMinor,
              defaultValiditySeconds:
                payload.defaultValiditySeconds === undefined
                  ? current.defaultValiditySeconds
                  : payload.defaultValiditySeconds,
              enabled: payload.enabled ?? current.enabled
            })
          )
        )
      )
      .handle("enable", ({ path }) => setEnabled(path.routeId, true))
      .handle("disable", ({ path }) => setEnabled(path.routeId, false))
      .handle("queue", ({ path }) => state.routeQueue(path.routeId))
      .handle("prices", ({ path }) =>
        Effect.zipRight(repo.getRoute(path.routeId), repo.listRoutePrices(path.routeId))
      )
      .handle("setPrice", ({ path, payload }) =>
        applied(
          repo
            .upsertRoutePrice({ routeId: path.routeId, country: path.country, ...payload })
            .pipe(
              Effect.catchTag(
                "UnknownRoute",
                () => new CatalogEntryNotFound({ entity: "route", id: path.routeId })
              )
            )
        )
      )
      .handle("removePrice", ({ path }) =>
        Effect.gen(function* () {
          yield* repo.getRoute(path.routeId)
          const removed = yield* repo.removeRoutePrice(path.routeId, path.country)
          if (!removed) return yield* priceNotFound(path.routeId, path.country)
          yield* changes.apply
        })
      )
  })
)

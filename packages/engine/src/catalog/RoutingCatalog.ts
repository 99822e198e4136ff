import type { OperatorId, RouteId } from "@volley/core"
import type { Bind, Operator, Route } from "@volley/core/catalog/Catalog"
import { buildPriceTable, makeMinor, type PriceRow, type PriceTable } from "@volley/core/pricing/Pricing"
import { buildRoutingTable, type RoutingTable } from "@volley/core/routing/Routing"
import { Effect, Either, Ref } from "effect"
import { CatalogRepo } from "./CatalogRepo.js"

/** The catalog compiled for the hot path: routing trie, price table and lookups by id. */
export interface CatalogSnapshot {
  readonly routing: RoutingTable
  readonly prices: PriceTable
  readonly routes: ReadonlyMap<RouteId, Route>
  readonly operators: ReadonlyMap<OperatorId, Operator>
  readonly binds: ReadonlyArray<Bind>
  readonly loadedAt: number
}

/**
 * The routing catalog in memory: compiled once at start and again on `reload` (an admin change), so
 * accepting a message costs a trie walk and two map lookups, never a query.
 */
export class RoutingCatalog extends Effect.Service<RoutingCatalog>()("volley/RoutingCatalog", {
  effect: Effect.gen(function* () {
    const repo = yield* CatalogRepo

    const load = Effect.gen(function* () {
      const [operators, routes, prices, binds] = yield* Effect.all([
        repo.listOperators(),
        repo.listRoutes(),
        repo.listRoutePrices(),
        repo.listBinds()
      ])
      const priceRows: Array<PriceRow> = []
      for (const route of routes) {
        const price = makeMinor(route.pricePerPartMinor)
        if (Either.isRight(price)) priceRows.push({ routeId: route.id, pricePerPart: price.right })
      }
      for (const row of prices) {
        const price = makeMinor(row.pricePerPartMinor)
        if (Either.isRight(price))
          priceRows.push({ routeId: row.routeId, country: row.country, pricePerPart: price.right })
      }
      // The repository validates every write against these same rules, so a stored catalog compiles.
      const routing = yield* Effect.orDie(buildRoutingTable(routes))
      const priceTable = yield* Effect.orDie(buildPriceTable(priceRows))
      return {
        routing,
        prices: priceTable,
        routes: new Map(routes.map((r) => [r.id, r])),
        operators: new Map(operators.map((o) => [o.id, o])),
        binds,
        loadedAt: Date.now()
      } satisfies CatalogSnapshot
    })

    const ref = yield* Ref.make<CatalogSnapshot>(yield* load)

    return {
      snapshot: Ref.get(ref),
      reload: Effect.flatMap(load, (next) => Ref.set(ref, next)).pipe(
        Effect.withSpan("RoutingCatalog.reload")
      )
    } as const
  }),
  dependencies: [CatalogRepo.Default]
}) {}

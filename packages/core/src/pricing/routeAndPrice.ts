import { Either } from "effect"
import type { RouteId } from "../routing/RouteId.js"
import { type RoutingTable, resolveRoute } from "../routing/Routing.js"
import { type Price, type PriceTable, priceOf } from "./Pricing.js"

/** Where a message to a number goes and what it costs. */
export interface RoutedPrice extends Price {
  readonly routeId: RouteId
}

/** Why a valid number can't be sent to: no route owns it, or its route has no price for it. */
export interface Unroutable {
  readonly code: "NO_ROUTE" | "NO_PRICE"
  readonly message: string
}

/**
 * The route of a message of `parts` parts to `to` (its longest prefix's route, or that route's first
 * enabled failover) and its price there (the row for the number's country, else the route's default).
 * Sending, estimates and campaign previews all take it from here, so they can't disagree.
 */
export const routeAndPrice = (
  tables: { readonly routing: RoutingTable; readonly prices: PriceTable },
  to: { readonly e164: string; readonly country?: string | undefined },
  parts: number
): Either.Either<RoutedPrice, Unroutable> => {
  const route = resolveRoute(tables.routing, to.e164)
  if (Either.isLeft(route)) return Either.left({ code: "NO_ROUTE", message: route.left.message })
  const routeId = route.right.primary
  const price = priceOf(tables.prices, { routeId, country: to.country, parts })
  if (Either.isLeft(price)) return Either.left({ code: "NO_PRICE", message: price.left.message })
  return Either.right({ routeId, pricePerPart: price.right.pricePerPart, total: price.right.total })
}

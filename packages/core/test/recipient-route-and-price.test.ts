import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { buildPriceTable, Minor } from "../src/pricing/Pricing.js"
import { routeAndPrice } from "../src/pricing/routeAndPrice.js"
import { buildRoutingTable } from "../src/routing/Routing.js"
import { routeId, routingRule } from "./support/routingRules.js"

const id = routeId
const rule = routingRule

const tables = {
  routing: Either.getOrThrow(
    buildRoutingTable([
      rule("kyivstar", ["38067"]),
      rule("lifecell", ["38063"], ["kyivstar"], false),
      rule("pl", ["48"])
    ])
  ),
  prices: Either.getOrThrow(
    buildPriceTable([
      { routeId: id("kyivstar"), pricePerPart: Minor.make(120) },
      { routeId: id("kyivstar"), country: "UA", pricePerPart: Minor.make(95) }
    ])
  )
}

describe("a recipient's route and price", () => {
  it("takes the number's route and that route's price for its country, per part", () => {
    expect(routeAndPrice(tables, { e164: "+380671234567", country: "UA" }, 3)).toStrictEqual(
      Either.right({ routeId: id("kyivstar"), pricePerPart: 95, total: 285 })
    )
    // country not known: the route's default price
    expect(routeAndPrice(tables, { e164: "+380671234567" }, 1)).toStrictEqual(
      Either.right({ routeId: id("kyivstar"), pricePerPart: 120, total: 120 })
    )
  })

  it("a disabled route sends over its first enabled failover, at that route's price", () => {
    expect(routeAndPrice(tables, { e164: "+380631234567", country: "UA" }, 1)).toStrictEqual(
      Either.right({ routeId: id("kyivstar"), pricePerPart: 95, total: 95 })
    )
  })

  it("a number no route owns is NO_ROUTE; a route without a price for it is NO_PRICE", () => {
    const unrouted = routeAndPrice(tables, { e164: "+12025550123", country: "US" }, 1)
    expect(Either.isLeft(unrouted) && unrouted.left.code).toBe("NO_ROUTE")
    const unpriced = routeAndPrice(tables, { e164: "+48601234567", country: "PL" }, 1)
    expect(Either.isLeft(unpriced) && unpriced.left.code).toBe("NO_PRICE")
  })
})

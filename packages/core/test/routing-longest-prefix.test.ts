import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { InvalidRoutingTable, NoRouteForNumber } from "../src/routing/errors.js"
import { buildRoutingTable, type RoutingRule, resolveRoute } from "../src/routing/Routing.js"
import { routeId, routingRule } from "./support/routingRules.js"

const id = routeId
const route = routingRule

const routes: ReadonlyArray<RoutingRule> = [
  route("intl", [""]),
  route("ua", ["380"], ["intl"]),
  route("kyivstar", ["38067", "38068", "38096", "38097", "38098"], ["ua", "intl"]),
  route("kyivstar-premium", ["380671"], ["kyivstar"]),
  route("lifecell", ["38063", "38073", "38093"], ["vodafone", "ua"], false),
  route("vodafone", ["38050", "38066", "38095", "38099"], ["ua"], false),
  route("utel", ["38091"], ["vodafone"], false),
  route("pl", ["48"], [], true)
]

const table = Either.getOrThrow(buildRoutingTable(routes))
const resolve = (n: string) => resolveRoute(table, n)
const choice = (primary: string, failover: ReadonlyArray<string> = []) =>
  Either.right({ primary: id(primary), failover: failover.map(id) })

describe("routing by longest prefix", () => {
  it("chooses the longest matching prefix: 380 vs 38067 vs 380671", () => {
    expect(resolve("380441234567")).toStrictEqual(choice("ua", ["intl"]))
    expect(resolve("380672345678")).toStrictEqual(choice("kyivstar", ["ua", "intl"]))
    expect(resolve("380671234567")).toStrictEqual(choice("kyivstar-premium", ["kyivstar"]))
  })

  it("accepts a leading +", () => {
    expect(resolve("+380671234567")).toStrictEqual(choice("kyivstar-premium", ["kyivstar"]))
  })

  it("keeps the failover order and skips disabled failovers", () => {
    expect(resolve("380971234567")).toStrictEqual(choice("kyivstar", ["ua", "intl"]))
    // lifecell is disabled: its failover list [vodafone (disabled), ua] gives ua.
    expect(resolve("380631234567")).toStrictEqual(choice("ua"))
  })

  it("replaces a disabled primary with the first enabled failover", () => {
    const t = Either.getOrThrow(
      buildRoutingTable([
        route("a", ["1"], ["b", "c", "d"], false),
        route("b", [], [], false),
        route("c", []),
        route("d", [])
      ])
    )
    expect(resolveRoute(t, "12025550123")).toStrictEqual(choice("c", ["d"]))
  })

  it("sends everything else to the catch-all route", () => {
    expect(resolve("14155550123")).toStrictEqual(choice("intl"))
    expect(resolve("48601234567")).toStrictEqual(choice("pl"))
  })

  it("refuses a number no prefix matches as NoRouteForNumber(NoMatchingPrefix)", () => {
    const t = Either.getOrThrow(buildRoutingTable([route("ua", ["380"])]))
    expect(resolveRoute(t, "14155550123")).toStrictEqual(
      Either.left(new NoRouteForNumber({ number: "14155550123", reason: "NoMatchingPrefix" }))
    )
    expect(resolveRoute(t, "38")).toStrictEqual(
      Either.left(new NoRouteForNumber({ number: "38", reason: "NoMatchingPrefix" }))
    )
  })

  it("refuses a number whose route and failovers are all disabled, without falling back to a shorter prefix", () => {
    const error = Either.getOrThrow(Either.flip(resolve("380911234567")))
    expect(error).toBeInstanceOf(NoRouteForNumber)
    expect(error).toMatchObject({
      _tag: "NoRouteForNumber",
      reason: "AllRoutesDisabled",
      matchedRouteId: "utel"
    })
    expect(error.message).toContain('Route "utel"')
  })

  it("refuses what is not a number as NoRouteForNumber(InvalidNumber)", () => {
    for (const n of ["", "+", "38067-123", "380 67", "++380", "abc"]) {
      expect(resolve(n)).toStrictEqual(
        Either.left(new NoRouteForNumber({ number: n, reason: "InvalidNumber" }))
      )
    }
  })

  it("refuses one prefix on two routes", () => {
    const error = Either.getOrThrow(
      Either.flip(buildRoutingTable([route("a", ["38067"]), route("b", ["38", "38067"])]))
    )
    expect(error).toBeInstanceOf(InvalidRoutingTable)
    expect(error).toMatchObject({
      reason: "DuplicatePrefix",
      routeId: "b",
      otherRouteId: "a",
      prefix: "38067"
    })
    expect(error.message).toBe('Prefix "38067" is on both route "a" and route "b".')
  })

  it("refuses two catch-all routes", () => {
    expect(
      Either.flip(buildRoutingTable([route("a", [""]), route("b", [""])])).pipe(Either.getOrThrow)
    ).toMatchObject({
      reason: "DuplicatePrefix",
      prefix: ""
    })
  })

  it("allows the same prefix twice on one route", () => {
    expect(Either.isRight(buildRoutingTable([route("a", ["380", "380"])]))).toBe(true)
  })

  it("refuses a failover to an unknown route", () => {
    expect(
      Either.flip(buildRoutingTable([route("a", ["1"], ["ghost"])])).pipe(Either.getOrThrow)
    ).toMatchObject({
      _tag: "InvalidRoutingTable",
      reason: "UnknownFailover",
      routeId: "a",
      failoverId: "ghost"
    })
  })

  it("refuses a prefix that is not digits, and a duplicate route id", () => {
    expect(Either.flip(buildRoutingTable([route("a", ["+380"])])).pipe(Either.getOrThrow)).toMatchObject({
      reason: "InvalidPrefix",
      routeId: "a",
      prefix: "+380"
    })
    expect(
      Either.flip(buildRoutingTable([route("a", ["1"]), route("a", ["2"])])).pipe(Either.getOrThrow)
    ).toMatchObject({
      reason: "DuplicateRouteId",
      routeId: "a"
    })
  })
})

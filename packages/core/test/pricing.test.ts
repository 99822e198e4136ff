import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { AmountOverflow, InvalidAmount, InvalidPartCount, NoPriceForRoute } from "../src/pricing/errors.js"
import {
  buildPriceTable,
  Minor,
  makeMinor,
  type PriceRow,
  priceOf,
  sumCharges
} from "../src/pricing/Pricing.js"
import { RouteId } from "../src/routing/RouteId.js"

const m = (n: number) => Minor.make(n)
const intl = RouteId.make("intl")
const kyivstar = RouteId.make("ua-kyivstar")
const lifecell = RouteId.make("ua-lifecell")

const rows: ReadonlyArray<PriceRow> = [
  { routeId: intl, pricePerPart: m(500) },
  { routeId: intl, country: "PL", pricePerPart: m(320) },
  { routeId: intl, country: "de", pricePerPart: m(410) },
  { routeId: kyivstar, country: "UA", pricePerPart: m(95) },
  { routeId: lifecell, pricePerPart: m(90) }
]
const table = Either.getOrThrow(buildPriceTable(rows))

describe("pricing", () => {
  it("uses the route's price for the number's country, per part", () => {
    expect(priceOf(table, { routeId: intl, country: "PL", parts: 3 })).toStrictEqual(
      Either.right({ pricePerPart: 320, total: 960 })
    )
    expect(priceOf(table, { routeId: intl, country: "de", parts: 1 })).toStrictEqual(
      Either.right({ pricePerPart: 410, total: 410 })
    )
  })

  it("falls back to the route's default when the country has no row, or is unknown", () => {
    expect(priceOf(table, { routeId: intl, country: "US", parts: 2 })).toStrictEqual(
      Either.right({ pricePerPart: 500, total: 1000 })
    )
    expect(priceOf(table, { routeId: lifecell, country: undefined, parts: 4 })).toStrictEqual(
      Either.right({ pricePerPart: 90, total: 360 })
    )
  })

  it("refuses a route with no price for the country and no default as NoPriceForRoute", () => {
    expect(priceOf(table, { routeId: kyivstar, country: "pl", parts: 1 })).toStrictEqual(
      Either.left(new NoPriceForRoute({ routeId: kyivstar, country: "PL" }))
    )
    const unknown = RouteId.make("nowhere")
    const error = Either.getOrThrow(Either.flip(priceOf(table, { routeId: unknown, parts: 1 })))
    expect(error).toMatchObject({ _tag: "NoPriceForRoute", routeId: "nowhere", country: undefined })
    expect(error.message).toBe('Route "nowhere" has no default price.')
  })

  it("refuses part counts that are not whole and positive", () => {
    for (const parts of [0, -1, 1.5, Number.NaN]) {
      expect(priceOf(table, { routeId: intl, parts })).toStrictEqual(
        Either.left(new InvalidPartCount({ parts }))
      )
    }
  })

  it("refuses a total beyond exact integers", () => {
    const huge = Either.getOrThrow(
      buildPriceTable([{ routeId: intl, pricePerPart: m(Number.MAX_SAFE_INTEGER) }])
    )
    expect(priceOf(huge, { routeId: intl, parts: 2 })).toStrictEqual(
      Either.left(new AmountOverflow({ operation: "multiply" }))
    )
  })

  it("refuses two rows for one route and country, or two defaults", () => {
    expect(
      buildPriceTable([...rows, { routeId: intl, country: "pl", pricePerPart: m(1) }]).pipe(
        Either.flip,
        Either.getOrThrow
      )
    ).toMatchObject({ _tag: "InvalidPriceTable", reason: "DuplicateRow", routeId: "intl", country: "PL" })
    const twoDefaults = buildPriceTable([...rows, { routeId: lifecell, pricePerPart: m(1) }]).pipe(
      Either.flip,
      Either.getOrThrow
    )
    expect(twoDefaults).toMatchObject({
      _tag: "InvalidPriceTable",
      reason: "DuplicateRow",
      routeId: "ua-lifecell"
    })
    expect(twoDefaults.country).toBeUndefined()
    expect(twoDefaults.message).toBe('Route "ua-lifecell" has more than one default price.')
  })

  it("refuses a country that is not an ISO alpha-2 code", () => {
    const error = buildPriceTable([{ routeId: intl, country: "UKR", pricePerPart: m(1) }]).pipe(
      Either.flip,
      Either.getOrThrow
    )
    expect(error).toMatchObject({ _tag: "InvalidPriceTable", reason: "InvalidCountry", country: "UKR" })
    expect(error.message).toContain("ISO 3166-1 alpha-2")
  })

  it("makes amounts only from safe non-negative integers", () => {
    expect(makeMinor(1250)).toStrictEqual(Either.right(1250))
    expect(makeMinor(0)).toStrictEqual(Either.right(0))
    for (const amount of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(makeMinor(amount)).toStrictEqual(Either.left(new InvalidAmount({ amount })))
    }
    expect(Schema.decodeUnknownEither(Minor)(12.5)._tag).toBe("Left")
  })

  it("sums charges exactly, refusing an overflow", () => {
    expect(sumCharges([m(95), m(190), m(0)])).toStrictEqual(Either.right(285))
    expect(sumCharges([])).toStrictEqual(Either.right(0))
    expect(sumCharges([m(Number.MAX_SAFE_INTEGER), m(1)])).toStrictEqual(
      Either.left(new AmountOverflow({ operation: "sum" }))
    )
  })
})

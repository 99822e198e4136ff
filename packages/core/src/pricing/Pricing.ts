import { Either, Schema } from "effect"
import { RouteId } from "../routing/RouteId.js"
import { AmountOverflow, InvalidPartCount, InvalidPriceTable, NoPriceForRoute } from "./errors.js"
import { Minor } from "./Minor.js"

export { Minor, makeMinor } from "./Minor.js"

/** A price per message part on a route; without `country` it is the route's default. */
export const PriceRow = Schema.Struct({
  routeId: RouteId,
  /** ISO 3166-1 alpha-2, any case. */
  country: Schema.optional(Schema.String),
  pricePerPart: Minor
})
export type PriceRow = typeof PriceRow.Type

interface RoutePrices {
  defaultPrice: Minor | undefined
  readonly byCountry: Map<string, Minor>
}

/** Compiled once: route → (default price, country → price). */
export interface PriceTable {
  readonly routes: ReadonlyMap<RouteId, RoutePrices>
}

export interface Price {
  readonly pricePerPart: Minor
  readonly total: Minor
}

const normaliseCountry = (country: string): string | undefined => {
  const c = country.trim().toUpperCase()
  if (c.length !== 2) return undefined
  const a = c.charCodeAt(0)
  const b = c.charCodeAt(1)
  return a >= 65 && a <= 90 && b >= 65 && b <= 90 ? c : undefined
}

export const buildPriceTable = (rows: Iterable<PriceRow>): Either.Either<PriceTable, InvalidPriceTable> => {
  const routes = new Map<RouteId, RoutePrices>()
  for (const row of rows) {
    let prices = routes.get(row.routeId)
    if (prices === undefined) {
      prices = { defaultPrice: undefined, byCountry: new Map() }
      routes.set(row.routeId, prices)
    }
    if (row.country === undefined) {
      if (prices.defaultPrice !== undefined) {
        return Either.left(new InvalidPriceTable({ reason: "DuplicateRow", routeId: row.routeId }))
      }
      prices.defaultPrice = row.pricePerPart
      continue
    }
    const country = normaliseCountry(row.country)
    if (country === undefined) {
      return Either.left(
        new InvalidPriceTable({ reason: "InvalidCountry", routeId: row.routeId, country: row.country })
      )
    }
    if (prices.byCountry.has(country)) {
      return Either.left(new InvalidPriceTable({ reason: "DuplicateRow", routeId: row.routeId, country }))
    }
    prices.byCountry.set(country, row.pricePerPart)
  }
  return Either.right({ routes })
}

/**
 * The price of a message: the route's row for the number's country, else the route's default, times the
 * number of parts (each part is priced as one message, §3). `country` undefined (not known) uses the default.
 */
export const priceOf = (
  table: PriceTable,
  request: { readonly routeId: RouteId; readonly country?: string | undefined; readonly parts: number }
): Either.Either<Price, NoPriceForRoute | InvalidPartCount | AmountOverflow> => {
  const { routeId, country, parts } = request
  if (!Number.isSafeInteger(parts) || parts < 1) return Either.left(new InvalidPartCount({ parts }))
  const prices = table.routes.get(routeId)
  const key = country === undefined ? undefined : country.toUpperCase()
  const pricePerPart = (key === undefined ? undefined : prices?.byCountry.get(key)) ?? prices?.defaultPrice
  if (pricePerPart === undefined) return Either.left(new NoPriceForRoute({ routeId, country: key }))
  const total = pricePerPart * parts
  return Number.isSafeInteger(total)
    ? Either.right({ pricePerPart, total: total as Minor })
    : Either.left(new AmountOverflow({ operation: "multiply" }))
}

/** The sum of several charges (a batch, a campaign), exact or refused. */
export const sumCharges = (charges: Iterable<Minor>): Either.Either<Minor, AmountOverflow> => {
  let sum = 0
  for (const c of charges) {
    sum += c
    if (sum > Number.MAX_SAFE_INTEGER) return Either.left(new AmountOverflow({ operation: "sum" }))
  }
  return Either.right(sum as Minor)
}

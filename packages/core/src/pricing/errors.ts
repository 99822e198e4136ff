import { Schema } from "effect"
import { RouteId } from "../routing/RouteId.js"

export class InvalidAmount extends Schema.TaggedError<InvalidAmount>()("InvalidAmount", {
  amount: Schema.Number
}) {
  override get message(): string {
    return `${this.amount} is not an amount of money: amounts are whole, non-negative numbers of minor units.`
  }
}

/** A sum or product left the range where integers are exact (Number.MAX_SAFE_INTEGER). */
export class AmountOverflow extends Schema.TaggedError<AmountOverflow>()("AmountOverflow", {
  operation: Schema.Literal("multiply", "sum")
}) {
  override get message(): string {
    return `The ${this.operation === "sum" ? "sum of the charges" : "price of the message"} is too large to compute exactly.`
  }
}

export class InvalidPartCount extends Schema.TaggedError<InvalidPartCount>()("InvalidPartCount", {
  parts: Schema.Number
}) {
  override get message(): string {
    return `A message has a whole number of parts, at least 1; got ${this.parts}.`
  }
}

export class NoPriceForRoute extends Schema.TaggedError<NoPriceForRoute>()("NoPriceForRoute", {
  routeId: RouteId,
  country: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return this.country === undefined
      ? `Route "${this.routeId}" has no default price.`
      : `Route "${this.routeId}" has no price for ${this.country} and no default price.`
  }
}

export const PriceTableProblem = Schema.Literal("DuplicateRow", "InvalidCountry")
export type PriceTableProblem = typeof PriceTableProblem.Type

export class InvalidPriceTable extends Schema.TaggedError<InvalidPriceTable>()("InvalidPriceTable", {
  reason: PriceTableProblem,
  routeId: RouteId,
  country: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const where = this.country === undefined ? "default price" : `price for "${this.country}"`
    return this.reason === "DuplicateRow"
      ? `Route "${this.routeId}" has more than one ${where}.`
      : `Route "${this.routeId}" has a ${where}: countries are ISO 3166-1 alpha-2 codes such as "UA".`
  }
}

import { Schema } from "effect"
import { RouteId } from "./RouteId.js"

export const RoutingTableProblem = Schema.Literal(
  "DuplicateRouteId",
  "InvalidPrefix",
  "DuplicatePrefix",
  "UnknownFailover"
)
export type RoutingTableProblem = typeof RoutingTableProblem.Type

/** The first problem found in a route list; fields name the routes and the prefix or failover id involved. */
export class InvalidRoutingTable extends Schema.TaggedError<InvalidRoutingTable>()("InvalidRoutingTable", {
  reason: RoutingTableProblem,
  routeId: RouteId,
  prefix: Schema.optional(Schema.String),
  /** DuplicatePrefix: the route that already has the prefix. */
  otherRouteId: Schema.optional(RouteId),
  failoverId: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const prefix = this.prefix ?? ""
    if (this.reason === "DuplicateRouteId")
      return `Route id "${this.routeId}" is used by more than one route.`
    if (this.reason === "InvalidPrefix") {
      return `Route "${this.routeId}" has prefix "${prefix}": prefixes are E.164 digits without "+".`
    }
    if (this.reason === "DuplicatePrefix") {
      return `Prefix "${prefix}" is on both route "${this.otherRouteId ?? ""}" and route "${this.routeId}".`
    }
    return `Route "${this.routeId}" fails over to "${this.failoverId ?? ""}", which is not a route.`
  }
}

export const NoRouteReason = Schema.Literal("InvalidNumber", "NoMatchingPrefix", "AllRoutesDisabled")
export type NoRouteReason = typeof NoRouteReason.Type

export class NoRouteForNumber extends Schema.TaggedError<NoRouteForNumber>()("NoRouteForNumber", {
  number: Schema.String,
  reason: NoRouteReason,
  /** AllRoutesDisabled: the longest-prefix route whose own failover list had nothing enabled. */
  matchedRouteId: Schema.optional(RouteId)
}) {
  override get message(): string {
    if (this.reason === "InvalidNumber") {
      return `"${this.number}" is not an E.164 number (digits with an optional leading "+").`
    }
    if (this.reason === "NoMatchingPrefix") return `No route has a prefix matching ${this.number}.`
    return `Route "${this.matchedRouteId ?? ""}" for ${this.number} and all its failover routes are disabled.`
  }
}

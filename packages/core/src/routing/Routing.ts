import { Either, Schema } from "effect"
import { InvalidRoutingTable, NoRouteForNumber } from "./errors.js"
import { RouteId } from "./RouteId.js"

export { RouteId } from "./RouteId.js"

export const RoutingRule = Schema.Struct({
  id: RouteId,
  /** E.164 digits without "+"; "" matches every number (a catch-all international route). */
  prefixes: Schema.Array(Schema.String),
  /** Tried in this order when the route (or an earlier failover) is disabled. */
  failover: Schema.Array(RouteId),
  enabled: Schema.Boolean
})
export type RoutingRule = typeof RoutingRule.Type

/** The usable routes for a number: send on `primary`, then try `failover` in order. All enabled. */
export interface RouteChoice {
  readonly primary: RouteId
  readonly failover: ReadonlyArray<RouteId>
}

/**
 * A digit trie compiled once from the routes: node n's child for digit d is `children[n * 10 + d]`
 * (0 = none; the root is node 0 and never a child), `routeAt[n]` the index of the route owning the prefix
 * ending at n, or -1. Each route's choice (itself and its failovers, filtered to enabled ones) is
 * precomputed, so resolving a number costs one walk of its digits.
 */
export interface RoutingTable {
  readonly routes: ReadonlyMap<RouteId, RoutingRule>
  readonly children: Int32Array
  readonly routeAt: Int32Array
  readonly routeIds: ReadonlyArray<RouteId>
  /** undefined: the route and all its failovers are disabled. */
  readonly choices: ReadonlyArray<RouteChoice | undefined>
}

const isDigits = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

const choiceOf = (route: RoutingRule, byId: ReadonlyMap<RouteId, RoutingRule>): RouteChoice | undefined => {
  const usable: Array<RouteId> = []
  for (const id of [route.id, ...route.failover]) {
    // Failover is not transitive: only this route's own ordered list is tried.
    if (byId.get(id)?.enabled === true && !usable.includes(id)) usable.push(id)
  }
  const [primary, ...failover] = usable
  return primary === undefined ? undefined : { primary, failover }
}

export const buildRoutingTable = (
  routes: Iterable<RoutingRule>
): Either.Either<RoutingTable, InvalidRoutingTable> => {
  const list = Array.from(routes)
  const byId = new Map<RouteId, RoutingRule>()
  for (const r of list) {
    if (byId.has(r.id))
      return Either.left(new InvalidRoutingTable({ reason: "DuplicateRouteId", routeId: r.id }))
    byId.set(r.id, r)
  }

  const children: Array<number> = new Array(10).fill(0)
  const routeAt: Array<number> = [-1]
  for (let index = 0; index < list.length; index++) {
    const r = list[index]!
    for (const failoverId of r.failover) {
      if (!byId.has(failoverId)) {
        return Either.left(new InvalidRoutingTable({ reason: "UnknownFailover", routeId: r.id, failoverId }))
      }
    }
    for (const prefix of r.prefixes) {
      if (!isDigits(prefix)) {
        return Either.left(new InvalidRoutingTable({ reason: "InvalidPrefix", routeId: r.id, prefix }))
      }
      let node = 0
      for (let i = 0; i < prefix.length; i++) {
        const slot = node * 10 + prefix.charCodeAt(i) - 48
        let next = children[slot]!
        if (next === 0) {
          next = routeAt.length
          routeAt.push(-1)
          for (let d = 0; d < 10; d++) children.push(0)
          children[slot] = next
        }
        node = next
      }
      const owner = routeAt[node]!
      // The same prefix listed twice on one route is harmless; on two routes it is ambiguous.
      if (owner !== -1 && owner !== index) {
        return Either.left(
          new InvalidRoutingTable({
            reason: "DuplicatePrefix",
            routeId: r.id,
            prefix,
            otherRouteId: list[owner]!.id
          })
        )
      }
      routeAt[node] = index
    }
  }

  return Either.right({
    routes: byId,
    children: Int32Array.from(children),
    routeAt: Int32Array.from(routeAt),
    routeIds: list.map((r) => r.id),
    choices: list.map((r) => choiceOf(r, byId))
  })
}

/**
 * The route for a number by its longest matching prefix, with a leading "+" allowed. A disabled route
 * gives way to the first enabled route of its own failover list; when none is enabled the number has no
 * route — we do not fall back to a shorter prefix (e.g. the catch-all), which would send traffic over a
 * route, and at a price, nobody chose for it.
 */
export const resolveRoute = (
  table: RoutingTable,
  e164: string
): Either.Either<RouteChoice, NoRouteForNumber> => {
  const start = e164.charCodeAt(0) === 43 ? 1 : 0 // "+"
  const n = e164.length
  if (n <= start) return Either.left(new NoRouteForNumber({ number: e164, reason: "InvalidNumber" }))
  const { children, routeAt } = table
  let best = routeAt[0]!
  let node = 0
  let i = start
  for (; i < n; i++) {
    const d = e164.charCodeAt(i) - 48
    if (d < 0 || d > 9) return Either.left(new NoRouteForNumber({ number: e164, reason: "InvalidNumber" }))
    node = children[node * 10 + d]!
    if (node === 0) break
    const r = routeAt[node]!
    if (r !== -1) best = r
  }
  // The walk may stop early: the rest must still be digits.
  for (i++; i < n; i++) {
    const c = e164.charCodeAt(i)
    if (c < 48 || c > 57) return Either.left(new NoRouteForNumber({ number: e164, reason: "InvalidNumber" }))
  }
  if (best === -1) return Either.left(new NoRouteForNumber({ number: e164, reason: "NoMatchingPrefix" }))
  const choice = table.choices[best]
  return choice === undefined
    ? Either.left(
        new NoRouteForNumber({
          number: e164,
          reason: "AllRoutesDisabled",
          matchedRouteId: table.routeIds[best]!
        })
      )
    : Either.right(choice)
}

import { RouteId, type RoutingRule } from "../../src/routing/Routing.js"

export const routeId = (s: string) => RouteId.make(s)

/** A routing rule as the catalog stores one: its prefixes, failover routes by id, enabled or not. */
export const routingRule = (
  name: string,
  prefixes: ReadonlyArray<string>,
  failover: ReadonlyArray<string> = [],
  enabled = true
): RoutingRule => ({
  id: routeId(name),
  prefixes,
  failover: failover.map(routeId),
  enabled
})

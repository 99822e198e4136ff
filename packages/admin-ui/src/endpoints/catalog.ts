import { type Route, request } from "../api"
import { segment } from "./query"

/** The API's Operator. */
export interface Operator {
  readonly id: string
  readonly name: string
  readonly defaultValiditySeconds: number
  readonly messageIdFormat: "string" | "hex" | "decimal"
  readonly createdAt: string
}

export interface RoutePrice {
  readonly routeId: string
  readonly country: string
  readonly pricePerPartMinor: number
}

/** RouteChange: only the fields sent change; a null validity falls back to the operator's default. */
export interface RouteChange {
  readonly name?: string
  readonly operatorId?: string
  readonly prefixes?: ReadonlyArray<string>
  readonly failover?: ReadonlyArray<string>
  readonly pricePerPartMinor?: number
  readonly defaultValiditySeconds?: number | null
}

export interface OperatorChange {
  readonly name?: string
  readonly defaultValiditySeconds?: number
}

const routes = "/v1/admin/routes"

export const catalogApi = {
  operators: () => request<ReadonlyArray<Operator>>("GET", "/v1/admin/operators"),
  changeOperator: (id: string, change: OperatorChange) =>
    request<Operator>("PATCH", `/v1/admin/operators/${segment(id)}`, change),
  routes: () => request<ReadonlyArray<Route>>("GET", routes),
  changeRoute: (id: string, change: RouteChange) =>
    request<Route>("PATCH", `${routes}/${segment(id)}`, change),
  setRouteEnabled: (id: string, enabled: boolean) =>
    request<Route>("POST", `${routes}/${segment(id)}/${enabled ? "enable" : "disable"}`),
  prices: (id: string) => request<ReadonlyArray<RoutePrice>>("GET", `${routes}/${segment(id)}/prices`),
  setPrice: (id: string, country: string, pricePerPartMinor: number) =>
    request<RoutePrice>("PUT", `${routes}/${segment(id)}/prices/${segment(country)}`, { pricePerPartMinor }),
  removePrice: (id: string, country: string) =>
    request<void>("DELETE", `${routes}/${segment(id)}/prices/${segment(country)}`)
}

/** The admin API as the UI uses it: same origin, the session cookie sent by the browser. */

export type BindState = "disabled" | "connecting" | "binding" | "bound" | "draining" | "down" | "stopped"

/** One bind in a live frame (the API's BindLiveView); times are epoch milliseconds. */
export interface BindLive {
  readonly bindId: string
  readonly operatorId: string
  readonly enabled: boolean
  readonly state: BindState
  readonly since: number
  readonly tpsNow: number
  readonly tpsCap: number
  readonly inFlight: number
  readonly window: number
  readonly submits: number
  readonly errors: number
  readonly reconnects: number
  readonly lastError: string | null
  readonly sampledAt: number | null
}

export interface BindsFrame {
  readonly at: number
  readonly binds: ReadonlyArray<BindLive>
}

export interface Route {
  readonly id: string
  readonly name: string
  readonly operatorId: string
  readonly prefixes: ReadonlyArray<string>
  readonly enabled: boolean
}

export interface RouteQueue {
  readonly routeId: string
  readonly routeEnabled: boolean
  readonly queuedMessages: number
  readonly submittingMessages: number
  readonly busEntriesPending: number | null
  readonly busEntriesInFlight: number | null
}

export interface OperatorSession {
  readonly username: string
  readonly expiresAt: string
}

/** A refused or failed call, with the API's own message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

const request = async <A>(method: string, path: string, body?: unknown): Promise<A> => {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body)
  })
  const text = await response.text()
  const json =
    text !== "" && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined
  if (!response.ok) throw new ApiError(response.status, json?.message ?? `HTTP ${response.status}`)
  return json as A
}

export const api = {
  session: () => request<OperatorSession>("GET", "/v1/admin/session"),
  signIn: (username: string, password: string) =>
    request<OperatorSession>("POST", "/v1/admin/session", { username, password }),
  signOut: () => request<void>("DELETE", "/v1/admin/session"),
  setBindEnabled: (bindId: string, enabled: boolean) =>
    request<unknown>(
      "POST",
      `/v1/admin/binds/${encodeURIComponent(bindId)}/${enabled ? "enable" : "disable"}`
    ),
  reconnectBind: (bindId: string) =>
    request<{ restarted: boolean }>("POST", `/v1/admin/binds/${encodeURIComponent(bindId)}/restart`),
  routes: () => request<ReadonlyArray<Route>>("GET", "/v1/admin/routes"),
  routeQueue: (routeId: string) =>
    request<RouteQueue>("GET", `/v1/admin/routes/${encodeURIComponent(routeId)}/queue`)
}

/** Where the live bind frames come from (server-sent events; the cookie authenticates). */
export const BIND_EVENTS_URL = "/v1/admin/bind-events"

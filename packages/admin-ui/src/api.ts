/**
 * The admin API as the UI uses it: same origin, the session cookie sent by the browser. The types are
 * the JSON the API sends (dates as ISO strings); the screens' own calls live in `endpoints/`.
 */

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
  readonly failover: ReadonlyArray<string>
  readonly pricePerPartMinor: number
  /** Null: the operator's default applies. */
  readonly defaultValiditySeconds: number | null
  readonly enabled: boolean
  readonly createdAt: string
  readonly updatedAt: string
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

interface DecodeIssue {
  readonly path?: ReadonlyArray<string | number>
  readonly message?: string
}

/**
 * The API's explanation of a refusal. Core errors carry a `message`; a body of the wrong shape is an
 * `HttpApiDecodeError` whose `issues` name each field, which says more than its summary.
 */
const explain = (status: number, json: unknown): string => {
  const body = (typeof json === "object" && json !== null ? json : {}) as {
    readonly message?: unknown
    readonly issues?: ReadonlyArray<DecodeIssue>
  }
  // An optional field's union adds "Expected undefined" next to the real reason: noise, left out.
  const issues = (body.issues ?? [])
    .filter((issue) => issue.message !== undefined && !issue.message.startsWith("Expected undefined"))
    .map((issue) => (issue.path?.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
  if (issues.length > 0) return issues.join("; ")
  return typeof body.message === "string" && body.message !== "" ? body.message : `HTTP ${status}`
}

/** An error's text for a notice on screen. */
export const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export const request = async <A>(method: string, path: string, body?: unknown): Promise<A> => {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body)
  })
  const text = await response.text()
  const json =
    text !== "" && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined
  if (!response.ok) throw new ApiError(response.status, explain(response.status, json))
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

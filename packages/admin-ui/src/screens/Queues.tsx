import { useRef } from "react"
import { api, type Route, type RouteQueue } from "../api"
import { count, rate } from "../format"
import type { BindFeed } from "../useBindEvents"
import { usePolling } from "../usePolling"

const POLL_MS = 2_000

interface Row {
  readonly route: Route
  readonly queue: RouteQueue
  /** Change of the backlog (queued + submitting) per second since the previous poll; null on the first. */
  readonly trend: number | null
}

const backlog = (q: RouteQueue) => q.queuedMessages + q.submittingMessages

/** Polls every route's queue (never overlapping); the backlog's trend comes from the difference between two polls. */
const useRouteQueues = () => {
  const previous = useRef<{ at: number; backlogs: Map<string, number> } | null>(null)
  const poll = async (): Promise<ReadonlyArray<Row>> => {
    const routes = await api.routes()
    const queues = await Promise.all(routes.map((route) => api.routeQueue(route.id)))
    const at = Date.now()
    const before = previous.current
    const rows = routes.map((route, i) => {
      const queue = queues[i]!
      const earlier = before?.backlogs.get(route.id)
      const trend =
        before === null || earlier === undefined
          ? null
          : ((backlog(queue) - earlier) * 1000) / (at - before.at)
      return { route, queue, trend }
    })
    previous.current = { at, backlogs: new Map(rows.map((r) => [r.route.id, backlog(r.queue)])) }
    return rows
  }
  return usePolling(poll, POLL_MS).load
}

/** Per route: what waits (queued), what is with the binds (submitting), the bus's view, rates. */
export const QueuesScreen = ({ feed }: { readonly feed: BindFeed }) => {
  const load = useRouteQueues()
  // The operator's binds serve all its routes: their sending rate is the route's rate out when it has one route.
  const sendingByOperator = new Map<string, number>()
  for (const bind of feed.frame?.binds ?? [])
    sendingByOperator.set(bind.operatorId, (sendingByOperator.get(bind.operatorId) ?? 0) + bind.tpsNow)

  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Queues</h1>
        <p className="summary muted">Refreshed every {POLL_MS / 1000} s</p>
      </header>
      {load.kind === "loading" && <p className="placeholder">Loading the route queues…</p>}
      {load.kind === "error" && (
        <div className="notice error" role="alert">
          The route queues could not be read: {load.message}
        </div>
      )}
      {load.kind === "ready" && load.value.length === 0 && (
        <p className="placeholder">No routes yet: messages queue per route once one exists.</p>
      )}
      {load.kind === "ready" && load.value.length > 0 && (
        <>
          <table className="grid">
            <thead>
              <tr>
                <th>Route</th>
                <th>Operator</th>
                <th className="num">Pending</th>
                <th className="num">In flight</th>
                <th className="num">Bus pending</th>
                <th className="num">Bus in flight</th>
                <th className="num">Out (parts/s)</th>
                <th className="num">In ≈ (msg/s)</th>
              </tr>
            </thead>
            <tbody>
              {load.value.map(({ route, queue, trend }) => {
                const out = sendingByOperator.get(route.operatorId) ?? 0
                return (
                  <tr key={route.id} data-route-id={route.id}>
                    <td>
                      <div className="bind-id">{route.id}</div>
                      <div className="muted">
                        {route.name}
                        {!queue.routeEnabled && <span className="bad"> · disabled</span>}
                      </div>
                    </td>
                    <td>{route.operatorId}</td>
                    <td className="num">{count(queue.queuedMessages)}</td>
                    <td className="num">{count(queue.submittingMessages)}</td>
                    <td className="num">
                      {queue.busEntriesPending === null ? "—" : count(queue.busEntriesPending)}
                    </td>
                    <td className="num">
                      {queue.busEntriesInFlight === null ? "—" : count(queue.busEntriesInFlight)}
                    </td>
                    <td className="num">{rate(out)}</td>
                    <td className="num">{trend === null ? "…" : rate(Math.max(0, out + trend))}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          <p className="footnote muted">
            Pending: messages QUEUED in Postgres (scheduled ones included). In flight: claimed by a bind, its
            answer not yet settled. Bus figures are entries (bundles of up to 200 jobs on NATS). Out is what
            the operator's binds submit now; In is estimated as Out plus the backlog's growth between two
            refreshes.
          </p>
        </>
      )}
    </section>
  )
}

import { useEffect, useState } from "react"
import { api, type BindLive, describe } from "../api"
import { age, count, rate } from "../format"
import { Sparkline } from "../Sparkline"
import { ThroughputChart } from "../ThroughputChart"
import type { BindFeed } from "../useBindEvents"
import { FeedBanner } from "./FeedBanner"

/** Re-renders every second, so "since" ages tick between frames. */
const useNow = () => {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  return now
}

const BindRow = ({
  bind,
  history,
  now,
  onError
}: {
  readonly bind: BindLive
  readonly history: ReadonlyArray<number>
  readonly now: number
  readonly onError: (message: string) => void
}) => {
  const [busy, setBusy] = useState<"toggle" | "reconnect" | null>(null)
  const act = (kind: "toggle" | "reconnect", action: () => Promise<unknown>) => {
    setBusy(kind)
    action()
      .catch((error: unknown) => onError(`${bind.bindId}: ${describe(error)}`))
      .finally(() => setBusy(null))
  }
  const utilisation = bind.tpsCap > 0 ? bind.tpsNow / bind.tpsCap : 0
  return (
    <tr data-bind-id={bind.bindId}>
      <td>
        <div className="bind-id" title={bind.bindId}>
          {bind.bindId}
        </div>
        <div className="muted clip">{bind.operatorId}</div>
      </td>
      <td>
        <span className={`state state-${bind.state}`} data-testid="bind-state">
          {bind.state}
        </span>
        <div className="muted">for {age(bind.since, now)}</div>
      </td>
      <td className="num">
        <span className={utilisation >= 0.95 ? "at-cap" : ""}>{rate(bind.tpsNow)}</span>
        <span className="muted"> / {count(bind.tpsCap)}</span>
      </td>
      <td>
        <Sparkline
          values={history}
          max={bind.tpsCap}
          width={100}
          label={`${bind.bindId} submits per second, last minute`}
        />
      </td>
      <td className="num">
        {bind.inFlight}
        <span className="muted"> / {bind.window}</span>
      </td>
      <td className="num">{count(bind.submits)}</td>
      <td className="num">{count(bind.errors)}</td>
      <td className="num">{count(bind.reconnects)}</td>
      <td>
        <div className="last-error" title={bind.lastError ?? ""}>
          {bind.lastError ?? <span className="muted">—</span>}
        </div>
      </td>
      <td className="actions">
        <button
          type="button"
          disabled={busy !== null}
          onClick={() => act("toggle", () => api.setBindEnabled(bind.bindId, !bind.enabled))}
        >
          {busy === "toggle" ? "…" : bind.enabled ? "Disable" : "Enable"}
        </button>
        <button
          type="button"
          disabled={busy !== null || !bind.enabled}
          title="Drop the SMPP session and bind again"
          onClick={() => act("reconnect", () => api.reconnectBind(bind.bindId))}
        >
          {busy === "reconnect" ? "…" : "Reconnect"}
        </button>
      </td>
    </tr>
  )
}

/** Every bind, live: state and its age, throughput against the cap, window, counters, actions. */
export const BindsScreen = ({ feed }: { readonly feed: BindFeed }) => {
  const now = useNow()
  const [actionError, setActionError] = useState<string | null>(null)
  const binds = feed.frame?.binds ?? []
  const bound = binds.filter((b) => b.state === "bound").length
  const down = binds.filter((b) => b.state === "down").length

  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Binds</h1>
        {feed.frame !== null && binds.length > 0 && (
          <p className="summary">
            {bound} of {binds.length} bound{down > 0 && <span className="bad"> · {down} down</span>}
          </p>
        )}
        <FeedBanner feed={feed} />
      </header>
      {actionError !== null && (
        <div className="notice error" role="alert">
          {actionError}
          <button type="button" className="link" onClick={() => setActionError(null)}>
            Dismiss
          </button>
        </div>
      )}
      {feed.frame === null ? (
        feed.status === "closed" ? null : (
          <p className="placeholder">Connecting to the live feed…</p>
        )
      ) : binds.length === 0 ? (
        <p className="placeholder">
          No binds yet. Add one with <code>POST /v1/admin/binds</code>; it appears here as soon as it exists.
        </p>
      ) : (
        <>
          <ThroughputChart samples={feed.throughput} />
          <table className="grid binds">
            <colgroup>
              <col style={{ width: 140 }} />
              <col style={{ width: 92 }} />
              <col style={{ width: 84 }} />
              <col style={{ width: 112 }} />
              <col style={{ width: 72 }} />
              <col style={{ width: 76 }} />
              <col style={{ width: 56 }} />
              <col style={{ width: 86 }} />
              <col />
              <col style={{ width: 190 }} />
            </colgroup>
            <thead>
              <tr>
                <th>Bind</th>
                <th>State</th>
                <th className="num">TPS / cap</th>
                <th>Last minute</th>
                <th className="num" title="submit_sm in flight / window size">
                  Window
                </th>
                <th className="num">Submits</th>
                <th className="num">Errors</th>
                <th className="num">Reconnects</th>
                <th>Last error</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {binds.map((bind) => (
                <BindRow
                  key={bind.bindId}
                  bind={bind}
                  history={feed.history.get(bind.bindId) ?? []}
                  now={now}
                  onError={setActionError}
                />
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}

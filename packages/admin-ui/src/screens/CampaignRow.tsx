import { useEffect, useState } from "react"
import { describe } from "../api"
import { type AdminCampaign, type CampaignAction, campaignsApi } from "../endpoints/campaigns"
import { count, duration, percent, rate } from "../format"
import { StackedBar } from "../StackedBar"
import { doneOutcomes, expectedOutcomes, progressSegments } from "./campaignProgress"

const canPause = (c: AdminCampaign) => c.status === "scheduled" || c.status === "running"
const canCancel = (c: AdminCampaign) => c.status !== "completed" && c.status !== "cancelled"

/** Cancelling is final (queued messages fail and are refunded), so it takes a second click. */
const CancelButton = ({
  onConfirmed,
  disabled
}: {
  readonly onConfirmed: () => void
  readonly disabled: boolean
}) => {
  const [armed, setArmed] = useState(false)
  useEffect(() => {
    if (!armed) return
    const timer = setTimeout(() => setArmed(false), 4_000)
    return () => clearTimeout(timer)
  }, [armed])
  return (
    <button
      type="button"
      className={armed ? "danger" : ""}
      disabled={disabled}
      onClick={() => {
        if (armed) onConfirmed()
        setArmed(!armed)
      }}
    >
      {armed ? "Really cancel?" : "Cancel"}
    </button>
  )
}

/** One campaign: whose, its state and why, progress by outcome, pace, time left, controls. */
export const CampaignRow = ({
  campaign: c,
  selected,
  onSelect,
  onChanged,
  onError
}: {
  readonly campaign: AdminCampaign
  readonly selected: boolean
  readonly onSelect: () => void
  readonly onChanged: () => void
  readonly onError: (message: string) => void
}) => {
  const [busy, setBusy] = useState(false)
  const act = (action: CampaignAction) => {
    setBusy(true)
    campaignsApi
      .act(c.id, action)
      .then(onChanged)
      .catch((error: unknown) => onError(`${c.name}: ${describe(error)}`))
      .finally(() => setBusy(false))
  }
  const expected = expectedOutcomes(c)
  const done = doneOutcomes(c)
  const running = c.status === "running"
  return (
    <tr
      data-campaign-id={c.id}
      data-sent-percent={expected > 0 ? Math.floor((Math.min(done, expected) / expected) * 100) : 0}
      className={selected ? "selected" : ""}
    >
      <td>
        <button type="button" className="link name" onClick={onSelect} title="Show its report">
          {c.name}
        </button>
        <div className="muted clip">{c.accountName}</div>
      </td>
      <td>
        <span className={`state campaign-${c.status}`} data-testid="campaign-status">
          {c.status}
        </span>
        {c.statusReason !== null && (
          <div className="muted reason" title={c.statusReason}>
            {c.statusReason}
          </div>
        )}
      </td>
      <td className="progress-cell">
        <StackedBar
          segments={progressSegments(c)}
          total={expected}
          label={`${c.name}: ${percent(done, expected)} sent`}
        />
        <div className="progress-figures">
          <span data-testid="sent-percent">{percent(done, expected)} sent</span>
          <span className="muted">
            {count(done)} / {count(expected)}
          </span>
        </div>
      </td>
      <td className="num good" data-testid="delivered">
        {count(c.counts.delivered)}
      </td>
      <td className={`num ${c.counts.failed > 0 ? "bad" : ""}`}>{count(c.counts.failed)}</td>
      <td className="num">{running ? rate(c.messagesPerSecond) : <span className="muted">—</span>}</td>
      <td className="num">
        {c.etaSeconds === null ? <span className="muted">—</span> : duration(c.etaSeconds)}
      </td>
      <td className="actions">
        {c.status === "paused" && (
          <button type="button" disabled={busy} onClick={() => act("resume")}>
            Resume
          </button>
        )}
        {canPause(c) && (
          <button type="button" disabled={busy} onClick={() => act("pause")}>
            Pause
          </button>
        )}
        {canCancel(c) && <CancelButton disabled={busy} onConfirmed={() => act("cancel")} />}
      </td>
    </tr>
  )
}

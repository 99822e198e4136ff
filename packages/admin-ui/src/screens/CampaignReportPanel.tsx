import { campaignsApi } from "../endpoints/campaigns"
import { count, money, when } from "../format"
import { ErrorNotice, Placeholder } from "../Notice"
import { Legend, type Segment, StackedBar } from "../StackedBar"
import { shown, usePolling } from "../usePolling"

const REFRESH_MS = 2_000

/** Each status its own colour; in-flight and waiting ones share the neutral tones. */
const statusTone: Readonly<Record<string, Segment["tone"]>> = {
  DELIVRD: "delivered",
  ENROUTE: "sent",
  QUEUED: "queued",
  UNDELIV: "failed",
  EXPIRED: "failed",
  REJECTD: "failed",
  FAILED: "failed",
  NOREPORT: "pending"
}

/** One campaign's report: where its messages stand now (a status mix), skips by reason, money. */
export const CampaignReportPanel = ({
  campaignId,
  onClose
}: {
  readonly campaignId: string
  readonly onClose: () => void
}) => {
  const { load } = usePolling(() => campaignsApi.get(campaignId), REFRESH_MS, campaignId)
  const detail = shown(load)
  if (detail === null)
    return load.kind === "error" ? (
      <ErrorNotice message={`The campaign's report could not be read: ${load.message}`} onDismiss={onClose} />
    ) : (
      <Placeholder>Loading the report…</Placeholder>
    )
  const { report } = detail
  const statuses: ReadonlyArray<Segment> = Object.entries(report.statuses)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => ({ label: status, value: n, tone: statusTone[status] ?? "pending" }))
  const skips = Object.entries(report.skipped).filter(([, n]) => n > 0)
  const mix: ReadonlyArray<Segment> = [
    ...statuses,
    ...(report.skippedTotal > 0
      ? [{ label: "SKIPPED", value: report.skippedTotal, tone: "skipped" as const }]
      : [])
  ]
  const total = mix.reduce((sum, s) => sum + s.value, 0)
  return (
    <section className="panel" aria-label={`Report of ${detail.name}`}>
      <header className="panel-header">
        <h2>{detail.name}</h2>
        <span className="muted">
          {detail.accountName} · from “{detail.sender}” · created {when(detail.createdAt)}
        </span>
        <button type="button" className="link close" onClick={onClose}>
          Close
        </button>
      </header>
      {load.kind === "error" && <ErrorNotice message={`Refresh failed: ${load.message}`} />}
      <h3>Status mix</h3>
      {total === 0 ? (
        <p className="muted">No messages yet.</p>
      ) : (
        <>
          <StackedBar segments={mix} total={total} height={18} label={`Status mix of ${detail.name}`} />
          <Legend segments={mix} />
        </>
      )}
      <dl className="facts">
        <dt>Text</dt>
        <dd className="message-text">{detail.body}</dd>
        <dt>Messages</dt>
        <dd>{count(detail.counts.messages)}</dd>
        <dt>Duplicates</dt>
        <dd>{count(report.duplicates)}</dd>
        <dt>Skipped</dt>
        <dd>
          {skips.length === 0 ? "none" : skips.map(([reason, n]) => `${reason} ${count(n)}`).join(" · ")}
        </dd>
        <dt>Rate cap</dt>
        <dd>{detail.rateCap === null ? "none" : `${detail.rateCap} msg/s`}</dd>
        <dt>Cost</dt>
        <dd>
          {money(report.costMinor, report.currency)}
          <span className="muted">
            {" "}
            (charged {money(report.chargedMinor, report.currency)}, refunded{" "}
            {money(report.refundedMinor, report.currency)})
          </span>
        </dd>
        <dt>Started</dt>
        <dd>{when(detail.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{when(detail.finishedAt)}</dd>
      </dl>
    </section>
  )
}

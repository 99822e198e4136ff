import { useState } from "react"
import { type CampaignStatus, campaignStatuses, campaignsApi } from "../endpoints/campaigns"
import { ErrorNotice, Placeholder } from "../Notice"
import { shown, usePolling } from "../usePolling"
import { CampaignReportPanel } from "./CampaignReportPanel"
import { CampaignRow } from "./CampaignRow"

/** Progress moves by the second while a campaign runs; a slower refresh would look stuck. */
const REFRESH_MS = 1_000

/** Every account's campaigns, newest first, with live progress and the operator's controls. */
export const CampaignsScreen = () => {
  const [status, setStatus] = useState<CampaignStatus | "">("")
  const [selected, setSelected] = useState<string | null>(null)
  const [actionError, setActionError] = useState<string | null>(null)
  const { load, reload } = usePolling(
    () => campaignsApi.list({ status: status === "" ? undefined : status }),
    REFRESH_MS,
    status
  )
  const page = shown(load)
  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Campaigns</h1>
        <label className="filter">
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value as CampaignStatus | "")}>
            <option value="">any</option>
            {campaignStatuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <p className="summary muted">Refreshed every second</p>
      </header>
      {actionError !== null && <ErrorNotice message={actionError} onDismiss={() => setActionError(null)} />}
      {load.kind === "error" && <ErrorNotice message={`The campaigns could not be read: ${load.message}`} />}
      {page === null ? (
        load.kind === "loading" && <Placeholder>Loading campaigns…</Placeholder>
      ) : page.items.length === 0 ? (
        <Placeholder>
          {status === ""
            ? "No campaigns yet: senders create them with POST /v1/campaigns."
            : `No ${status} campaigns.`}
        </Placeholder>
      ) : (
        <>
          <table className="grid campaigns">
            <colgroup>
              <col style={{ width: 190 }} />
              <col style={{ width: 150 }} />
              <col />
              <col style={{ width: 80 }} />
              <col style={{ width: 64 }} />
              <col style={{ width: 70 }} />
              <col style={{ width: 76 }} />
              <col style={{ width: 176 }} />
            </colgroup>
            <thead>
              <tr>
                <th>Campaign · account</th>
                <th>Status</th>
                <th>Progress</th>
                <th className="num">Delivered</th>
                <th className="num">Failed</th>
                <th className="num" title="Messages created per second, last seconds">
                  Msg/s
                </th>
                <th className="num" title="Time left at the current rate">
                  ETA
                </th>
                <th />
              </tr>
            </thead>
            <tbody>
              {page.items.map((campaign) => (
                <CampaignRow
                  key={campaign.id}
                  campaign={campaign}
                  selected={campaign.id === selected}
                  onSelect={() => setSelected(campaign.id === selected ? null : campaign.id)}
                  onChanged={reload}
                  onError={setActionError}
                />
              ))}
            </tbody>
          </table>
          {page.nextCursor !== null && (
            <p className="footnote muted">
              Showing the newest {page.items.length}; filter by status to see others.
            </p>
          )}
        </>
      )}
      {selected !== null && <CampaignReportPanel campaignId={selected} onClose={() => setSelected(null)} />}
    </section>
  )
}

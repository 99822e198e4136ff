import type { AdminMessageDetail, HistoryEntry } from "../endpoints/messages"
import { clock, count, money, when } from "../format"

/** What each source's step means, so the history reads as a story. */
const stepName = (entry: HistoryEntry): string => {
  switch (entry.source) {
    case "api":
    case "campaign":
      return entry.status === "QUEUED" ? `accepted (${entry.source})` : entry.source
    case "bind":
      return entry.status === "SUBMITTING" ? "claimed by a bind" : "submit attempt"
    case "receipt":
      return "receipt"
    case "sweeper":
      return "sweeper"
    case "policy":
      return "policy"
  }
}

/** Hex as SMPP specs write it: 0x00000058. */
const smpp = (status: number) => `0x${status.toString(16).padStart(8, "0")}`

const finalTone = (status: string) =>
  status === "DELIVRD"
    ? "good"
    : ["UNDELIV", "EXPIRED", "REJECTD", "FAILED", "NOREPORT"].includes(status)
      ? "bad"
      : ""

/** Every stored step: accepted, each submit attempt with its SMPP status, receipts. */
const Timeline = ({ events }: { readonly events: ReadonlyArray<HistoryEntry> }) => (
  <ol className="timeline" aria-label="History">
    {events.map((entry) => (
      <li key={`${entry.at}-${entry.status}-${entry.source}`} data-testid="history-step">
        <span className="muted time" title={entry.at}>
          {clock(entry.at)}
        </span>
        <span className={`step-status ${finalTone(entry.status)}`}>{entry.status}</span>
        <span>{stepName(entry)}</span>
        <span className="muted">
          {[
            entry.bindId === undefined ? null : `bind ${entry.bindId}`,
            entry.smppStatus === undefined ? null : `SMPP ${smpp(entry.smppStatus)}`,
            entry.detail ?? null
          ]
            .filter((part) => part !== null)
            .join(" · ")}
        </span>
      </li>
    ))}
  </ol>
)

/** One message with everything stored about it. */
export const MessageHistory = ({
  message: m,
  currency
}: {
  readonly message: AdminMessageDetail
  /** The account's (a message does not carry it); "" when unknown. */
  readonly currency: string
}) => (
  <div className="message-detail">
    <dl className="facts">
      <dt>Id</dt>
      <dd>
        <code>{m.id}</code>
      </dd>
      <dt>Account</dt>
      <dd>{m.accountName}</dd>
      <dt>From → to</dt>
      <dd>
        {m.sender} → {m.to}
      </dd>
      <dt>Status</dt>
      <dd>
        <span className={`step-status ${finalTone(m.status)}`}>{m.deliveryStatus}</span>
        {m.statusReason !== null && <span className="muted"> · {m.statusReason}</span>}
      </dd>
      <dt>Route</dt>
      <dd>
        {m.routeId} · {m.operatorId}
        {m.bindId !== null && ` · bind ${m.bindId}`}
      </dd>
      <dt>SMSC id</dt>
      <dd>{m.smscMessageId ?? "—"}</dd>
      <dt>Text</dt>
      <dd className="message-text">{m.text}</dd>
      <dt>Parts</dt>
      <dd>
        {m.parts} · {m.encoding} · {count(m.attempts)} attempt{m.attempts === 1 ? "" : "s"}
      </dd>
      <dt>Charge</dt>
      <dd>
        {money(m.chargeMinor, currency)}
        {m.refunded && <span className="muted"> (refunded)</span>}
      </dd>
      <dt>Created</dt>
      <dd>{when(m.createdAt)}</dd>
    </dl>
    <h3>History</h3>
    <Timeline events={m.events} />
    {m.partDetails.length > 0 && (
      <>
        <h3>Parts</h3>
        <table className="grid">
          <thead>
            <tr>
              <th>#</th>
              <th>SMSC id</th>
              <th>Status</th>
              <th>SMPP</th>
            </tr>
          </thead>
          <tbody>
            {m.partDetails.map((part) => (
              <tr key={part.seq}>
                <td>{part.seq}</td>
                <td>{part.smscMessageId ?? "—"}</td>
                <td>{part.status}</td>
                <td>{part.smppStatus === null ? "—" : smpp(part.smppStatus)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    )}
  </div>
)

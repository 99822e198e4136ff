import { useState } from "react"
import { describe } from "../api"
import { type Account, accountsApi, type SenderIdRequest } from "../endpoints/accounts"
import { when } from "../format"
import { ErrorNotice } from "../Notice"
import { shown, usePolling } from "../usePolling"

const REFRESH_MS = 5_000

const RequestRow = ({
  request: r,
  accountName,
  onDecided,
  onError
}: {
  readonly request: SenderIdRequest
  readonly accountName: string
  readonly onDecided: () => void
  readonly onError: (message: string) => void
}) => {
  const [note, setNote] = useState("")
  const [busy, setBusy] = useState(false)
  const decide = (decision: "approve" | "reject") => {
    setBusy(true)
    accountsApi
      .decideSenderId(r.id, decision, note.trim())
      .then(onDecided)
      .catch((error: unknown) => onError(`${r.value}: ${describe(error)}`))
      .finally(() => setBusy(false))
  }
  return (
    <tr data-sender-id={r.value}>
      <td className="strong">{r.value}</td>
      <td>{r.kind}</td>
      <td className="clip">{accountName}</td>
      <td>{when(r.createdAt)}</td>
      <td>
        <input
          className="note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder="Note to the sender (optional)"
          aria-label={`Note for ${r.value}`}
        />
      </td>
      <td className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => decide("approve")}>
          Approve
        </button>
        <button type="button" disabled={busy} onClick={() => decide("reject")}>
          Reject
        </button>
      </td>
    </tr>
  )
}

/** Sender IDs waiting for a decision, oldest first. */
export const PendingSenderIds = ({ accounts }: { readonly accounts: ReadonlyArray<Account> }) => {
  const { load, reload } = usePolling(accountsApi.pendingSenderIds, REFRESH_MS)
  const [error, setError] = useState<string | null>(null)
  const pending = shown(load)
  const names = new Map(accounts.map((a) => [a.id, a.name]))
  return (
    <section className="section">
      <h2>
        Sender IDs awaiting approval
        {pending !== null && pending.length > 0 && <span className="count-badge">{pending.length}</span>}
      </h2>
      {error !== null && <ErrorNotice message={error} onDismiss={() => setError(null)} />}
      {load.kind === "error" && (
        <ErrorNotice message={`Pending sender IDs could not be read: ${load.message}`} />
      )}
      {pending === null ? (
        load.kind === "loading" && <p className="muted">Loading…</p>
      ) : pending.length === 0 ? (
        <p className="muted">Nothing waits: every requested sender ID has been decided.</p>
      ) : (
        <table className="grid sender-ids">
          <thead>
            <tr>
              <th>Sender ID</th>
              <th>Kind</th>
              <th>Account</th>
              <th>Requested</th>
              <th>Note</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {pending.map((r) => (
              <RequestRow
                key={r.id}
                request={r}
                accountName={names.get(r.accountId) ?? r.accountId}
                onDecided={reload}
                onError={setError}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

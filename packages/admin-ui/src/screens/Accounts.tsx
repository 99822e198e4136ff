import { useState } from "react"
import { describe } from "../api"
import { type Account, accountsApi, allAccounts } from "../endpoints/accounts"
import { money, when } from "../format"
import { ErrorNotice, Placeholder } from "../Notice"
import { shown, usePolling } from "../usePolling"
import { PendingSenderIds } from "./PendingSenderIds"
import { TopUpForm } from "./TopUpForm"

const AccountRow = ({
  account: a,
  onChanged,
  onNotice,
  onError
}: {
  readonly account: Account
  readonly onChanged: () => void
  readonly onNotice: (message: string) => void
  readonly onError: (message: string) => void
}) => {
  const [toppingUp, setToppingUp] = useState(false)
  const [busy, setBusy] = useState(false)
  const change = (call: Promise<Account>, notice: string) => {
    setBusy(true)
    call
      .then(() => {
        onNotice(notice)
        onChanged()
      })
      .catch((error: unknown) => onError(`${a.name}: ${describe(error)}`))
      .finally(() => setBusy(false))
  }
  const activate = () =>
    change(
      accountsApi.activate(a.id),
      a.mode === "suspended"
        ? `${a.name} is active again: it can send.`
        : `${a.name} is active: its test-mode limits are lifted.`
    )
  const suspend = () =>
    change(accountsApi.suspend(a.id), `${a.name} is suspended: its sends are refused, its campaigns pause.`)
  return (
    <>
      <tr data-account-id={a.id}>
        <td>
          <div className="strong clip">{a.name}</div>
          <div className="muted mono clip">{a.id}</div>
        </td>
        <td>
          <span className={`state mode-${a.mode}`} data-testid="account-mode">
            {a.mode}
          </span>
          {a.testMode !== null && <div className="muted">{a.testMode.dailyCap} msg/day</div>}
        </td>
        <td className="num" data-testid="balance">
          {money(a.balanceMinor, a.currency)}
        </td>
        <td>{a.timeZone}</td>
        <td>{when(a.createdAt)}</td>
        <td>{when(a.activatedAt)}</td>
        <td className="actions">
          {a.mode === "test" && (
            <button type="button" disabled={busy} onClick={activate} title="Lift the test-mode limits">
              Activate
            </button>
          )}
          {a.mode === "suspended" && (
            <button type="button" disabled={busy} onClick={activate} title="Let it send again">
              Reactivate
            </button>
          )}
          {a.mode !== "suspended" && (
            <button
              type="button"
              disabled={busy}
              onClick={suspend}
              title="Refuse its sends, pause its campaigns"
            >
              Suspend
            </button>
          )}
          <button type="button" disabled={toppingUp} onClick={() => setToppingUp(true)}>
            Top up
          </button>
        </td>
      </tr>
      {toppingUp && (
        <tr className="form-row">
          <td colSpan={7}>
            <TopUpForm
              account={a}
              onCancel={() => setToppingUp(false)}
              onDone={(message) => {
                setToppingUp(false)
                onNotice(message)
                onChanged()
              }}
            />
          </td>
        </tr>
      )}
    </>
  )
}

/** Sender accounts (mode, balance), their activation and top-ups, and the sender-ID approval queue. */
export const AccountsScreen = () => {
  const { load, reload } = usePolling(allAccounts, 10_000)
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const accounts = shown(load)
  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Accounts</h1>
        {accounts !== null && (
          <p className="summary muted">
            {accounts.length} account{accounts.length === 1 ? "" : "s"} ·{" "}
            {accounts.filter((a) => a.mode === "test").length} in test mode
          </p>
        )}
      </header>
      {notice !== null && (
        <div className="notice ok" role="status">
          <span>{notice}</span>
          <button type="button" className="link" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      {error !== null && <ErrorNotice message={error} onDismiss={() => setError(null)} />}
      {load.kind === "error" && <ErrorNotice message={`The accounts could not be read: ${load.message}`} />}
      {accounts === null ? (
        load.kind === "loading" && <Placeholder>Loading accounts…</Placeholder>
      ) : accounts.length === 0 ? (
        <Placeholder>No accounts yet: open one with POST /v1/admin/accounts.</Placeholder>
      ) : (
        <table className="grid accounts">
          <colgroup>
            <col />
            <col style={{ width: 110 }} />
            <col style={{ width: 130 }} />
            <col style={{ width: 130 }} />
            <col style={{ width: 150 }} />
            <col style={{ width: 150 }} />
            <col style={{ width: 170 }} />
          </colgroup>
          <thead>
            <tr>
              <th>Account</th>
              <th>Mode</th>
              <th className="num">Balance</th>
              <th>Time zone</th>
              <th>Created</th>
              <th>Activated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <AccountRow
                key={a.id}
                account={a}
                onChanged={reload}
                onNotice={(message) => {
                  setError(null)
                  setNotice(message)
                }}
                onError={setError}
              />
            ))}
          </tbody>
        </table>
      )}
      <PendingSenderIds accounts={accounts ?? []} />
    </section>
  )
}

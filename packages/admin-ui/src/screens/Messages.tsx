import { useState } from "react"
import { allAccounts } from "../endpoints/accounts"
import { type AdminMessage, type MessageSearch, messagesApi } from "../endpoints/messages"
import { when } from "../format"
import { ErrorNotice, Placeholder } from "../Notice"
import { shown, usePolling } from "../usePolling"
import { MessageHistory } from "./MessageHistory"
import { MessageSearchForm } from "./MessageSearchForm"

/** A message not yet final may get its receipt while the operator looks at it. */
const DETAIL_REFRESH_MS = 2_000

const MessageDetailPanel = ({
  id,
  currencyOf,
  onClose
}: {
  readonly id: string
  readonly currencyOf: (accountId: string) => string
  readonly onClose: () => void
}) => {
  const { load } = usePolling(() => messagesApi.get(id), DETAIL_REFRESH_MS, id)
  const message = shown(load)
  return (
    <section className="panel" aria-label="Message">
      <header className="panel-header">
        <h2>Message</h2>
        <button type="button" className="link close" onClick={onClose}>
          Close
        </button>
      </header>
      {load.kind === "error" && <ErrorNotice message={`The message could not be read: ${load.message}`} />}
      {message === null ? (
        load.kind === "loading" && <p className="muted">Loading…</p>
      ) : (
        <MessageHistory message={message} currency={currencyOf(message.accountId)} />
      )}
    </section>
  )
}

const ResultRow = ({
  message: m,
  selected,
  compact,
  onSelect
}: {
  readonly message: AdminMessage
  readonly selected: boolean
  /** Beside an open message: fewer columns, so neither needs a scroll bar at 1280 px. */
  readonly compact: boolean
  readonly onSelect: () => void
}) => (
  <tr data-message-id={m.id} className={selected ? "selected" : ""}>
    <td>
      <button type="button" className="link mono" onClick={onSelect} title={m.id}>
        {m.id.slice(0, 8)}…
      </button>
    </td>
    <td>{when(m.createdAt)}</td>
    <td className="clip">{m.accountName}</td>
    <td>{m.to}</td>
    <td>
      <span className={`msg-status msg-${m.status}`}>{m.status}</span>
    </td>
    {!compact && (
      <>
        <td className="num">{m.parts}</td>
        <td className="clip">{m.routeId}</td>
        <td className="clip muted">{m.text}</td>
      </>
    )}
  </tr>
)

/** Searches every account's messages (newest first) and opens one with its whole history. */
export const MessagesScreen = () => {
  const [search, setSearch] = useState<MessageSearch>({})
  /** Counts submits, so searching again for the same thing fetches again (new messages arrive). */
  const [searches, setSearches] = useState(0)
  const [pages, setPages] = useState<ReadonlyArray<string>>([])
  const [selected, setSelected] = useState<string | null>(null)
  const accounts = usePolling(allAccounts, 0)
  const cursor = pages.at(-1)
  const { load } = usePolling(
    () => messagesApi.search(search, cursor),
    0,
    JSON.stringify([search, cursor, searches])
  )
  const page = shown(load)
  const compact = selected !== null
  const accountList = shown(accounts.load) ?? []
  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Messages</h1>
      </header>
      <MessageSearchForm
        accounts={accountList}
        onSearch={(next) => {
          setSearch(next)
          setSearches((n) => n + 1)
          setPages([])
          setSelected(null)
        }}
      />
      {load.kind === "error" && <ErrorNotice message={`The search failed: ${load.message}`} />}
      <div className={compact ? "split" : ""}>
        <div className="split-main">
          {page === null ? (
            load.kind === "loading" && <Placeholder>Searching…</Placeholder>
          ) : page.items.length === 0 ? (
            <Placeholder>No messages match.</Placeholder>
          ) : (
            <>
              <table className="grid messages">
                <colgroup>
                  <col style={{ width: 92 }} />
                  <col style={{ width: 150 }} />
                  <col style={{ width: compact ? undefined : 130 }} />
                  <col style={{ width: 130 }} />
                  <col style={{ width: 86 }} />
                  {!compact && (
                    <>
                      <col style={{ width: 50 }} />
                      <col style={{ width: 110 }} />
                      <col />
                    </>
                  )}
                </colgroup>
                <thead>
                  <tr>
                    <th>Id</th>
                    <th>Created</th>
                    <th>Account</th>
                    <th>To</th>
                    <th>Status</th>
                    {!compact && (
                      <>
                        <th className="num">Parts</th>
                        <th>Route</th>
                        <th>Text</th>
                      </>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((m) => (
                    <ResultRow
                      key={m.id}
                      message={m}
                      selected={m.id === selected}
                      compact={compact}
                      onSelect={() => setSelected(m.id === selected ? null : m.id)}
                    />
                  ))}
                </tbody>
              </table>
              <div className="pager">
                {pages.length > 0 && (
                  <button type="button" onClick={() => setPages(pages.slice(0, -1))}>
                    ← Newer
                  </button>
                )}
                {page.nextCursor !== null && (
                  <button type="button" onClick={() => setPages([...pages, page.nextCursor ?? ""])}>
                    Older →
                  </button>
                )}
              </div>
            </>
          )}
        </div>
        {selected !== null && (
          <MessageDetailPanel
            id={selected}
            currencyOf={(accountId) => accountList.find((a) => a.id === accountId)?.currency ?? ""}
            onClose={() => setSelected(null)}
          />
        )}
      </div>
    </section>
  )
}

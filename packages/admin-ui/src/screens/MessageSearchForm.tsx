import { type FormEvent, useState } from "react"
import type { Account } from "../endpoints/accounts"
import { type MessageSearch, type PublicStatus, publicStatuses } from "../endpoints/messages"
import { FormError } from "../Notice"

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The search as typed; sent only on submit, so a half-typed number is never a 400. */
export const MessageSearchForm = ({
  accounts,
  onSearch
}: {
  readonly accounts: ReadonlyArray<Account>
  readonly onSearch: (search: MessageSearch) => void
}) => {
  const [id, setId] = useState("")
  const [recipient, setRecipient] = useState("")
  const [accountId, setAccountId] = useState("")
  const [status, setStatus] = useState<PublicStatus | "">("")
  const [error, setError] = useState<string | null>(null)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    // Said here rather than sent: the API's refusal of a malformed id does not say what an id looks like.
    if (id.trim() !== "" && !UUID.test(id.trim())) {
      setError("A message id is a UUID, like 01a2017b-c7ce-7003-9023-9be5e21d1f8e.")
      return
    }
    setError(null)
    onSearch({ id: id.trim(), recipient: recipient.trim(), accountId, status })
  }
  return (
    <form className="toolbar" onSubmit={submit} aria-label="Search messages">
      <label>
        Message id
        <input value={id} onChange={(e) => setId(e.target.value)} placeholder="UUID" size={38} />
      </label>
      <label>
        Recipient
        <input
          value={recipient}
          onChange={(e) => setRecipient(e.target.value)}
          placeholder="+380…"
          size={16}
        />
      </label>
      <label>
        Account
        <select value={accountId} onChange={(e) => setAccountId(e.target.value)}>
          <option value="">any</option>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value as PublicStatus | "")}>
          <option value="">any</option>
          {publicStatuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary">
        Search
      </button>
      <FormError error={error} />
    </form>
  )
}

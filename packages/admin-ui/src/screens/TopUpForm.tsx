import { type FormEvent, useState } from "react"
import { describe } from "../api"
import { type Account, accountsApi } from "../endpoints/accounts"
import { money } from "../format"
import { FormError } from "../Notice"

/** "12.50" → 1250 minor units; null unless a positive amount with at most two decimals. */
const toMinor = (text: string): number | null => {
  const match = /^(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(text.trim())
  if (match === null) return null
  const minor = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"))
  return minor > 0 ? minor : null
}

/** Credits an account: the amount as people write it, a reference for the ledger. */
export const TopUpForm = ({
  account,
  onDone,
  onCancel
}: {
  readonly account: Account
  readonly onDone: (message: string) => void
  readonly onCancel: () => void
}) => {
  const [amount, setAmount] = useState("")
  const [reference, setReference] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const minor = toMinor(amount)
    if (minor === null) {
      setError("Enter a positive amount, e.g. 250 or 99.50.")
      return
    }
    setPending(true)
    setError(null)
    accountsApi
      .topUp(account.id, minor, reference.trim())
      .then((result) =>
        onDone(
          `${account.name}: topped up ${money(result.amountMinor, account.currency)}, balance now ${money(result.balanceMinor, account.currency)}.`
        )
      )
      .catch((e: unknown) => {
        setPending(false)
        setError(describe(e))
      })
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Top up ${account.name}`}>
      <label>
        Amount ({account.currency})
        <input value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" size={10} />
      </label>
      <label>
        Reference
        <input
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          placeholder="invoice, payment id…"
        />
      </label>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Topping up…" : "Top up"}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <FormError error={error} />
    </form>
  )
}

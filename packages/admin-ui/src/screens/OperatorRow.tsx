import { type FormEvent, useState } from "react"
import { describe } from "../api"
import { catalogApi, type Operator } from "../endpoints/catalog"
import { duration } from "../format"
import { FormError } from "../Notice"

/** An operator with its default validity, edited in place (name and validity; PATCH). */
export const OperatorRow = ({
  operator: o,
  onSaved
}: {
  readonly operator: Operator
  readonly onSaved: () => void
}) => {
  const [editing, setEditing] = useState(false)
  const [name, setName] = useState(o.name)
  const [validity, setValidity] = useState(String(o.defaultValiditySeconds))
  const [error, setError] = useState<string | null>(null)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    const seconds = /^-?\d+$/.test(validity.trim()) ? Number(validity.trim()) : validity
    catalogApi
      .changeOperator(o.id, { name, defaultValiditySeconds: seconds as number })
      .then(() => {
        setEditing(false)
        onSaved()
      })
      .catch((e: unknown) => setError(describe(e)))
  }
  if (!editing)
    return (
      <tr data-operator-id={o.id}>
        <td className="strong">{o.id}</td>
        <td>{o.name}</td>
        <td>
          {duration(o.defaultValiditySeconds)} <span className="muted">({o.defaultValiditySeconds} s)</span>
        </td>
        <td>{o.messageIdFormat}</td>
        <td className="actions">
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        </td>
      </tr>
    )
  return (
    <tr data-operator-id={o.id} className="form-row">
      <td className="strong">{o.id}</td>
      <td colSpan={4}>
        <form className="inline-form" onSubmit={submit}>
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Default validity (s)
            <input
              value={validity}
              onChange={(e) => setValidity(e.target.value)}
              size={9}
              inputMode="numeric"
            />
          </label>
          <button type="submit" className="primary">
            Save
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
          <FormError error={error} />
        </form>
      </td>
    </tr>
  )
}

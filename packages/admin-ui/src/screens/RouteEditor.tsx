import { type FormEvent, useState } from "react"
import { describe, type Route } from "../api"
import { catalogApi, type Operator, type RouteChange } from "../endpoints/catalog"
import { duration } from "../format"
import { FormError } from "../Notice"
import { RoutePrices } from "./RoutePrices"

/** "380 38067, 38093" → ["380", "38067", "38093"]: commas or spaces between entries. */
const list = (text: string): ReadonlyArray<string> => text.split(/[\s,]+/).filter((s) => s !== "")

/**
 * The number as typed, for the API to judge: the form only turns text into JSON, so the refusal the
 * operator reads is the API's own (a negative price, a prefix with a letter, one taken by another route).
 */
const numberOrText = (text: string): number | string =>
  /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text

/** Edits one route; only the fields that changed are sent (PATCH). */
export const RouteEditor = ({
  route,
  operators,
  onSaved,
  onClose
}: {
  readonly route: Route
  readonly operators: ReadonlyArray<Operator>
  readonly onSaved: (route: Route) => void
  readonly onClose: () => void
}) => {
  const [name, setName] = useState(route.name)
  const [operatorId, setOperatorId] = useState(route.operatorId)
  const [prefixes, setPrefixes] = useState(route.prefixes.join(", "))
  const [failover, setFailover] = useState(route.failover.join(", "))
  const [price, setPrice] = useState(String(route.pricePerPartMinor))
  const [validity, setValidity] = useState(route.defaultValiditySeconds?.toString() ?? "")
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)
  const operatorDefault = operators.find((o) => o.id === operatorId)?.defaultValiditySeconds

  const change = (): RouteChange => {
    const same = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) => a.join() === b.join()
    const validityValue = validity.trim() === "" ? null : numberOrText(validity)
    return {
      ...(name !== route.name ? { name } : {}),
      ...(operatorId !== route.operatorId ? { operatorId } : {}),
      ...(same(list(prefixes), route.prefixes) ? {} : { prefixes: list(prefixes) }),
      ...(same(list(failover), route.failover) ? {} : { failover: list(failover) }),
      ...(price.trim() !== String(route.pricePerPartMinor)
        ? { pricePerPartMinor: numberOrText(price) as number }
        : {}),
      ...(validityValue !== route.defaultValiditySeconds
        ? { defaultValiditySeconds: validityValue as number | null }
        : {})
    }
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const body = change()
    if (Object.keys(body).length === 0) {
      onClose()
      return
    }
    setPending(true)
    setError(null)
    catalogApi.changeRoute(route.id, body).then(onSaved, (e: unknown) => {
      setPending(false)
      setError(describe(e))
    })
  }

  return (
    <fieldset className="editor" aria-label={`Edit route ${route.id}`}>
      <form className="edit-grid" onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Operator
          <select value={operatorId} onChange={(e) => setOperatorId(e.target.value)}>
            {operators.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name} ({o.id})
              </option>
            ))}
          </select>
        </label>
        <label>
          Prefixes
          <input value={prefixes} onChange={(e) => setPrefixes(e.target.value)} placeholder="380, 38067" />
          <span className="hint">E.164 digits without “+”; the longest match wins</span>
        </label>
        <label>
          Failover routes
          <input value={failover} onChange={(e) => setFailover(e.target.value)} placeholder="none" />
          <span className="hint">Route ids, tried in order</span>
        </label>
        <label>
          Price per part (minor units)
          <input value={price} onChange={(e) => setPrice(e.target.value)} inputMode="numeric" />
        </label>
        <label>
          Validity (seconds)
          <input
            value={validity}
            onChange={(e) => setValidity(e.target.value)}
            inputMode="numeric"
            placeholder={
              operatorDefault === undefined ? "operator's default" : `operator's: ${operatorDefault}`
            }
          />
          <span className="hint">
            {validity.trim() === ""
              ? `Empty: the operator's default${operatorDefault === undefined ? "" : ` (${duration(operatorDefault)})`}`
              : /^\d+$/.test(validity.trim())
                ? duration(Number(validity.trim()))
                : "\u00a0"}
          </span>
        </label>
        <div className="edit-actions">
          <button type="submit" className="primary" disabled={pending}>
            {pending ? "Saving…" : "Save"}
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
          <FormError error={error} testId="route-error" />
        </div>
      </form>
      <RoutePrices routeId={route.id} defaultPrice={route.pricePerPartMinor} />
    </fieldset>
  )
}

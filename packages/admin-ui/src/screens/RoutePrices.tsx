import { type FormEvent, useState } from "react"
import { describe } from "../api"
import { catalogApi } from "../endpoints/catalog"
import { shown, usePolling } from "../usePolling"

/** Per-country prices over the route's default: set one (PUT, any case) or remove it. */
export const RoutePrices = ({
  routeId,
  defaultPrice
}: {
  readonly routeId: string
  readonly defaultPrice: number
}) => {
  const { load, reload } = usePolling(() => catalogApi.prices(routeId), 0, routeId)
  const [country, setCountry] = useState("")
  const [price, setPrice] = useState("")
  const [error, setError] = useState<string | null>(null)
  const prices = shown(load)
  const run = (action: Promise<unknown>) => {
    setError(null)
    action
      .then(() => {
        setCountry("")
        setPrice("")
        reload()
      })
      .catch((e: unknown) => setError(describe(e)))
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    run(catalogApi.setPrice(routeId, country.trim(), /^\d+$/.test(price.trim()) ? Number(price) : Number.NaN))
  }
  return (
    <div className="prices">
      <h3>Prices per country</h3>
      <p className="muted">Destinations not listed pay the route's {defaultPrice} per part.</p>
      {load.kind === "error" && <p className="form-error">{load.message}</p>}
      {prices !== null && prices.length > 0 && (
        <ul className="price-list">
          {prices.map((p) => (
            <li key={p.country}>
              <strong>{p.country}</strong> {p.pricePerPartMinor}
              <button
                type="button"
                className="link"
                onClick={() => run(catalogApi.removePrice(routeId, p.country))}
              >
                remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={submit}>
        <input
          value={country}
          onChange={(e) => setCountry(e.target.value)}
          placeholder="UA"
          size={4}
          aria-label="Country"
        />
        <input
          value={price}
          onChange={(e) => setPrice(e.target.value)}
          placeholder="per part"
          size={8}
          aria-label="Country price"
        />
        <button type="submit">Set price</button>
      </form>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

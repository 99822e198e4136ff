import { Fragment, useState } from "react"
import { describe, type Route } from "../api"
import { catalogApi } from "../endpoints/catalog"
import { duration } from "../format"
import { ErrorNotice, Placeholder } from "../Notice"
import { shown, usePolling } from "../usePolling"
import { OperatorRow } from "./OperatorRow"
import { RouteEditor } from "./RouteEditor"

const loadCatalog = async () => {
  const [operators, routes] = await Promise.all([catalogApi.operators(), catalogApi.routes()])
  return { operators, routes }
}

/** Routes (prefixes, failover, price, validity) and the operators behind them, editable in place. */
export const RoutesScreen = () => {
  const { load, reload } = usePolling(loadCatalog, 0)
  const [editing, setEditing] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const catalog = shown(load)
  const validityOf = (route: Route) => {
    if (route.defaultValiditySeconds !== null) return duration(route.defaultValiditySeconds)
    const operator = catalog?.operators.find((o) => o.id === route.operatorId)
    return (
      <span className="muted">
        {operator === undefined ? "operator's" : `${duration(operator.defaultValiditySeconds)} (operator's)`}
      </span>
    )
  }
  const toggle = (route: Route) =>
    catalogApi
      .setRouteEnabled(route.id, !route.enabled)
      .then(reload)
      .catch((e: unknown) => setError(`${route.id}: ${describe(e)}`))

  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Routes and operators</h1>
        <p className="summary muted">Changes apply to the next message</p>
      </header>
      {saved !== null && (
        <div className="notice ok" role="status">
          <span>{saved}</span>
          <button type="button" className="link" onClick={() => setSaved(null)}>
            Dismiss
          </button>
        </div>
      )}
      {error !== null && <ErrorNotice message={error} onDismiss={() => setError(null)} />}
      {load.kind === "error" && <ErrorNotice message={`The catalog could not be read: ${load.message}`} />}
      {catalog === null ? (
        load.kind === "loading" && <Placeholder>Loading the catalog…</Placeholder>
      ) : (
        <>
          {catalog.routes.length === 0 ? (
            <Placeholder>No routes yet: add one with POST /v1/admin/routes.</Placeholder>
          ) : (
            <table className="grid routes">
              <colgroup>
                <col style={{ width: 190 }} />
                <col style={{ width: 110 }} />
                <col />
                <col style={{ width: 120 }} />
                <col style={{ width: 90 }} />
                <col style={{ width: 150 }} />
                <col style={{ width: 150 }} />
              </colgroup>
              <thead>
                <tr>
                  <th>Route</th>
                  <th>Operator</th>
                  <th>Prefixes</th>
                  <th>Failover</th>
                  <th className="num">Price/part</th>
                  <th>Validity</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {catalog.routes.map((route) => (
                  <Fragment key={route.id}>
                    <tr data-route-id={route.id} className={editing === route.id ? "selected" : ""}>
                      <td>
                        <div className="strong clip">{route.id}</div>
                        <div className="muted clip">
                          {route.name}
                          {!route.enabled && <span className="bad"> · disabled</span>}
                        </div>
                      </td>
                      <td>{route.operatorId}</td>
                      <td className="prefixes" data-testid="prefixes">
                        {route.prefixes.length === 0 ? (
                          <span className="muted">none</span>
                        ) : (
                          route.prefixes.join(", ")
                        )}
                      </td>
                      <td>
                        {route.failover.length === 0 ? (
                          <span className="muted">none</span>
                        ) : (
                          route.failover.join(" → ")
                        )}
                      </td>
                      <td className="num" data-testid="price">
                        {route.pricePerPartMinor}
                      </td>
                      <td>{validityOf(route)}</td>
                      <td className="actions">
                        <button
                          type="button"
                          onClick={() => setEditing(editing === route.id ? null : route.id)}
                        >
                          Edit
                        </button>
                        <button type="button" onClick={() => void toggle(route)}>
                          {route.enabled ? "Disable" : "Enable"}
                        </button>
                      </td>
                    </tr>
                    {editing === route.id && (
                      <tr className="form-row">
                        <td colSpan={7}>
                          <RouteEditor
                            route={route}
                            operators={catalog.operators}
                            onClose={() => setEditing(null)}
                            onSaved={(updated) => {
                              setEditing(null)
                              setSaved(`Route ${updated.id} saved.`)
                              reload()
                            }}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          )}
          <section className="section">
            <h2>Operators</h2>
            {catalog.operators.length === 0 ? (
              <p className="muted">No operators yet: add one with POST /v1/admin/operators.</p>
            ) : (
              <table className="grid operators">
                <thead>
                  <tr>
                    <th>Operator</th>
                    <th>Name</th>
                    <th>Default validity</th>
                    <th>Receipt id format</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {catalog.operators.map((o) => (
                    <OperatorRow key={o.id} operator={o} onSaved={reload} />
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </section>
  )
}

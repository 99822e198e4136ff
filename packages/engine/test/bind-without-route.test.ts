import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { BindSupervisor } from "../src/bind/BindSupervisor.js"
import { CatalogRepo } from "../src/catalog/CatalogRepo.js"
import { RoutingCatalog } from "../src/catalog/RoutingCatalog.js"
import { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import {
  bindActors,
  diagnosticsOf,
  disableBinds,
  numbers,
  sendTo,
  settledIn
} from "./support/BindScenario.js"
import { engineInfrastructure, eventually, seedSimCatalog } from "./support/EngineHarness.js"

layer(engineInfrastructure(), { excludeTestServices: true })(
  "a bind whose operator has no route yet",
  (it) => {
    it.scoped("binds and idles, then sends once a route to its operator is added", () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({ accounts: { nr: { receiptDelayMs: 10 } } })
        // A route of another operator, so the catalog is valid; this bind's operator has none.
        const accountId = yield* seedSimCatalog(sim.port, [
          { operatorId: "op-other", routeId: "route-other", prefixes: ["38099"], binds: [] }
        ])
        const catalog = yield* CatalogRepo
        yield* catalog
          .upsertOperator({
            id: "op-nr",
            name: "op-nr",
            defaultValiditySeconds: 86_400,
            messageIdFormat: "string"
          })
          .pipe(Effect.orDie)
        yield* catalog
          .upsertBind({
            id: "nr-1",
            operatorId: "op-nr",
            host: "127.0.0.1",
            port: sim.port,
            systemId: "nr",
            password: "secret",
            windowSize: 10,
            tps: 1_000,
            enquireLinkSeconds: 30
          })
          .pipe(Effect.orDie)
        yield* Effect.gen(function* () {
          yield* eventually(diagnosticsOf("nr-1"), (d) => d.state === "bound")
          // Idle, not spinning: timers still fire on time and nothing was pulled or sent.
          const before = Date.now()
          yield* Effect.sleep("300 millis")
          expect(Date.now() - before).toBeLessThan(2_000)
          expect(sim.counts().bySystemId.nr?.submits ?? 0).toBe(0)

          yield* catalog
            .upsertRoute({
              id: "route-nr",
              name: "route-nr",
              operatorId: "op-nr",
              prefixes: ["38050"],
              failover: [],
              pricePerPartMinor: 10
            })
            .pipe(Effect.orDie)
          yield* (yield* RoutingCatalog).reload.pipe(Effect.orDie)
          yield* (yield* BindSupervisor).reconcile
          yield* sendTo(accountId, numbers("38050", 5))
          const rows = yield* settledIn(accountId, ["DELIVRD"])
          expect(rows.length).toBe(5)
        }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds(["nr-1"])))
      })
    )
  }
)

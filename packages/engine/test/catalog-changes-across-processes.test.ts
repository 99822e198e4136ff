import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import type { BindId, RouteId } from "@volley/core"
import { ConfigProvider, Context, Effect, Layer } from "effect"
import { BindSupervisor } from "../src/bind/BindSupervisor.js"
import { BindTuning } from "../src/bind/BindTuning.js"
import { BusNats } from "../src/bus/BusNats.js"
import { CatalogChanges } from "../src/catalog/CatalogChanges.js"
import { CatalogRepo } from "../src/catalog/CatalogRepo.js"
import { RoutingCatalog } from "../src/catalog/RoutingCatalog.js"
import { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import { fastTuning } from "./support/BindScenario.js"
import { engineInfrastructure, seedSimCatalog, uniquePrefix } from "./support/EngineHarness.js"
import { eventually } from "./support/eventually.js"

const natsUrl = process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222"
const prefix = uniquePrefix("catalog")

/**
 * Two processes of one deployment on one database and one bus, each with its own connection and
 * in-memory catalog: this suite's layer is the API process (catalog, no binds), `engineProcess` the
 * engine's (catalog and binds).
 */
const apiProcess = CatalogChanges.Default.pipe(
  Layer.provideMerge(RoutingCatalog.Default),
  Layer.provideMerge(engineInfrastructure({ bus: "nats", prefix }))
)
// Built inside the test (`Layer.build`: a memo map of its own), so none of the suite's instances is shared.
const engineProcess = CatalogChanges.Default.pipe(
  Layer.provideMerge(BindSupervisor.Default),
  Layer.provideMerge(RoutingCatalog.Default),
  Layer.provide(BindTuning.layer(fastTuning)),
  Layer.provide(BusNats.layer({ url: natsUrl, prefix })),
  // its periodic resync every second instead of every minute
  Layer.provide(
    Layer.setConfigProvider(
      ConfigProvider.fromMap(new Map([["VOLLEY_CATALOG_RESYNC_SECONDS", "1"]])).pipe(
        ConfigProvider.orElse(() => ConfigProvider.fromEnv())
      )
    )
  )
)

const priceIn = (catalog: RoutingCatalog, routeId: string) =>
  Effect.map(catalog.snapshot, (s) => s.routes.get(routeId as RouteId)?.pricePerPartMinor)

const stateOf = (binds: BindSupervisor, bindId: string) =>
  Effect.map(binds.diagnostics, (all) => all.find((d) => d.bindId === bindId)?.state ?? "not running")

layer(apiProcess, { excludeTestServices: true })("catalog changes across processes", (it) => {
  it.scoped(
    "a price and a bind changed in the API process reach the engine process's catalog and binds",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({ accounts: { xp: { receiptDelayMs: 10 } } })
        yield* seedSimCatalog(sim.port, [
          { operatorId: "op-xp", routeId: "route-xp", prefixes: ["38066"], binds: [] }
        ])
        const repo = yield* CatalogRepo
        const changes = yield* CatalogChanges
        yield* changes.apply
        const engine = yield* Layer.build(engineProcess)
        const engineCatalog = Context.get(engine, RoutingCatalog)
        const engineBinds = Context.get(engine, BindSupervisor)
        const before = yield* priceIn(engineCatalog, "route-xp")

        // What an operator does through the admin API: store, then apply.
        yield* repo
          .upsertRoute({
            id: "route-xp",
            name: "route-xp",
            operatorId: "op-xp",
            prefixes: ["38066"],
            failover: [],
            pricePerPartMinor: (before ?? 0) + 7
          })
          .pipe(Effect.orDie)
        yield* repo
          .upsertBind({
            id: "xp-1",
            operatorId: "op-xp",
            host: "127.0.0.1",
            port: sim.port,
            systemId: "xp",
            password: "secret",
            windowSize: 10,
            tps: 1_000,
            enquireLinkSeconds: 30
          })
          .pipe(Effect.orDie)
        yield* changes.apply

        expect(yield* priceIn(yield* RoutingCatalog, "route-xp")).toBe((before ?? 0) + 7)
        yield* eventually(priceIn(engineCatalog, "route-xp"), (price) => price === (before ?? 0) + 7, 5_000)
        yield* eventually(stateOf(engineBinds, "xp-1"), (state) => state === "bound", 5_000)

        yield* repo.setBindEnabled("xp-1" as BindId, false).pipe(Effect.orDie)
        yield* changes.apply
        yield* eventually(engineBinds.running, (ids) => !ids.includes("xp-1"), 5_000)
      })
  )

  it.scoped(
    "a change nobody announced (made by hand in SQL) reaches the engine process at its next resync",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({ accounts: { yq: { receiptDelayMs: 10 } } })
        yield* seedSimCatalog(sim.port, [
          { operatorId: "op-yq", routeId: "route-yq", prefixes: ["38068"], binds: [] }
        ])
        const engine = yield* Layer.build(engineProcess)
        const engineCatalog = Context.get(engine, RoutingCatalog)
        const before = (yield* priceIn(engineCatalog, "route-yq")) ?? 0

        const sql = yield* SqlClient.SqlClient
        yield* sql`UPDATE routes SET price_per_part_minor = ${before + 5} WHERE id = 'route-yq'`
        yield* eventually(priceIn(engineCatalog, "route-yq"), (price) => price === before + 5, 5_000)
      })
  )
})

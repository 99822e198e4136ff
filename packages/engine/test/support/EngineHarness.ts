import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql"
import type { AccountId } from "@volley/core"
import { Effect, Layer } from "effect"
import { AccountsRepo } from "../../src/account/AccountsRepo.js"
import { Ledger } from "../../src/account/Ledger.js"
import { BindSupervisor } from "../../src/bind/BindSupervisor.js"
import { Bus } from "../../src/bus/Bus.js"
import { BusInProcess } from "../../src/bus/BusInProcess.js"
import { BusNats } from "../../src/bus/BusNats.js"
import { CatalogRepo } from "../../src/catalog/CatalogRepo.js"
import { RoutingCatalog } from "../../src/catalog/RoutingCatalog.js"
import { DlrCorrelator } from "../../src/dlr/DlrCorrelator.js"
import { StorageLive } from "../../src/Engine.js"
import * as MemoryHotMaps from "../../src/hotmap/MemoryHotMaps.js"
import * as RedisHotMaps from "../../src/hotmap/RedisHotMaps.js"
import { SendService } from "../../src/send/SendService.js"
import { TestDatabase } from "./TestDatabase.js"

export const uniquePrefix = (name: string) => `t${randomBytes(4).toString("hex")}${name}`

export interface HarnessOptions {
  /** "nats" uses the machine's JetStream and "redis" its Redis (DESIGN §9); the defaults are in-process. */
  readonly bus?: "nats" | "memory"
  readonly hotmaps?: "redis" | "memory"
  readonly ackWaitMs?: number
  /** The bus prefix, to share one bus with another "process" of the same test; unique by default. */
  readonly prefix?: string
}

/** Everything the engine needs below the actors, on the real services, isolated per suite. */
export const engineInfrastructure = (options: HarnessOptions = {}) => {
  const prefix = options.prefix ?? uniquePrefix("eng")
  const bus =
    options.bus === "nats"
      ? BusNats.layer({
          url: process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222",
          prefix,
          ackWaitMs: options.ackWaitMs
        })
      : BusInProcess.layerWith({ prefix, ackWaitMs: options.ackWaitMs })
  const hotmaps =
    options.hotmaps === "redis"
      ? RedisHotMaps.layer({ url: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", prefix })
      : MemoryHotMaps.layer({ maxEntries: 1_000_000 })
  // The production storage layers, on the test schema.
  const repos = StorageLive
  return repos.pipe(Layer.provideMerge(Layer.mergeAll(bus, hotmaps)), Layer.provideMerge(TestDatabase))
}

/** The send path, the binds and the correlator on the infrastructure (seed the catalog first). */
export const engineActors = Layer.mergeAll(
  SendService.Default,
  BindSupervisor.Default,
  DlrCorrelator.layer({ retryDelayMs: 200, maxRetryDelayMs: 1_000 })
).pipe(Layer.provideMerge(RoutingCatalog.Default))

export interface SimRoute {
  readonly operatorId: string
  readonly routeId: string
  readonly prefixes: ReadonlyArray<string>
  readonly binds: ReadonlyArray<{
    readonly id: string
    readonly systemId: string
    readonly window?: number
    readonly tps?: number
  }>
  readonly messageIdFormat?: "string" | "hex" | "decimal"
}

/** Operators, routes and binds pointing at a simulator, plus an active funded account. */
export const seedSimCatalog = (port: number, routes: ReadonlyArray<SimRoute>, balanceMinor = 100_000_000) =>
  Effect.gen(function* () {
    const catalog = yield* CatalogRepo
    for (const r of routes) {
      yield* catalog.upsertOperator({
        id: r.operatorId,
        name: r.operatorId,
        defaultValiditySeconds: 86_400,
        messageIdFormat: r.messageIdFormat ?? "string"
      })
      yield* catalog.upsertRoute({
        id: r.routeId,
        name: r.routeId,
        operatorId: r.operatorId,
        prefixes: [...r.prefixes],
        failover: [],
        pricePerPartMinor: 10
      })
      for (const b of r.binds) {
        yield* catalog.upsertBind({
          id: b.id,
          operatorId: r.operatorId,
          host: "127.0.0.1",
          port,
          systemId: b.systemId,
          password: "secret",
          windowSize: b.window ?? 100,
          tps: b.tps ?? 10_000,
          enquireLinkSeconds: 30
        })
      }
    }
    const account = yield* (yield* AccountsRepo).create({ name: "Load", mode: "active" })
    yield* (yield* Ledger).credit(account.id, balanceMinor, "topup")
    return account.id as AccountId
  })

export { eventually } from "./eventually.js"

/** Message counts by status for one account. */
export const statusCounts = (accountId: AccountId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ status: string; n: number }>`
      SELECT status, count(*)::int8 AS n FROM messages WHERE account_id = ${accountId} GROUP BY status`
    return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>
  }).pipe(Effect.orDie)

export { Bus }

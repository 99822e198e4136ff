import type { AccountId } from "@volley/core"
import { Effect } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { Ledger } from "../src/account/Ledger.js"
import { CatalogRepo } from "../src/catalog/CatalogRepo.js"

export const ROUTE_PREFIX = "38067"
export const bindSystemId = (i: number) => `bench${i + 1}`

/**
 * One operator, one route (+38067…) and `binds` binds to the simulator (window `window`, TPS cap far
 * above anything reachable), plus two active accounts funded for far more than the run costs: one for the
 * measured messages, one for the warm-up.
 */
export const seedBenchCatalog = (port: number, binds: number, window: number) =>
  Effect.gen(function* () {
    const catalog = yield* CatalogRepo
    yield* catalog.upsertOperator({
      id: "benchop",
      name: "Bench operator",
      defaultValiditySeconds: 86_400,
      messageIdFormat: "decimal"
    })
    yield* catalog.upsertRoute({
      id: "bench-route",
      name: "Bench route",
      operatorId: "benchop",
      prefixes: [ROUTE_PREFIX],
      failover: [],
      pricePerPartMinor: 10
    })
    for (let i = 0; i < binds; i++) {
      yield* catalog.upsertBind({
        id: `bench-${i + 1}`,
        operatorId: "benchop",
        host: "127.0.0.1",
        port,
        systemId: bindSystemId(i),
        password: "secret",
        windowSize: window,
        tps: 1_000_000,
        enquireLinkSeconds: 30
      })
    }
    const accounts = yield* AccountsRepo
    const ledger = yield* Ledger
    const account = yield* accounts.create({ name: "Bench", mode: "active" })
    yield* ledger.credit(account.id, 10_000_000_000, "topup")
    const warmup = yield* accounts.create({ name: "Bench warm-up", mode: "active" })
    yield* ledger.credit(warmup.id, 10_000_000_000, "topup")
    return { accountId: account.id as AccountId, warmupAccountId: warmup.id as AccountId }
  }).pipe(Effect.orDie)

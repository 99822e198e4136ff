import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import type { RouteId } from "@volley/core"
import { buildRoutingTable, resolveRoute } from "@volley/core/routing/Routing"
import { Effect, Either, Layer } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { Ledger } from "../src/account/Ledger.js"
import { CatalogRepo } from "../src/catalog/CatalogRepo.js"
import { DEMO_ACCOUNT_ID, seedDemo } from "../src/db/DemoSeed.js"
import { SenderIdsRepo } from "../src/sender/SenderIdsRepo.js"
import { TestDatabase } from "./support/TestDatabase.js"

const Repos = Layer.mergeAll(
  AccountsRepo.Default,
  Ledger.Default,
  CatalogRepo.Default,
  SenderIdsRepo.Default
).pipe(Layer.provideMerge(TestDatabase))

const snapshot = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const tables = ["operators", "routes", "route_prices", "binds", "accounts", "sender_ids", "ledger"]
  const result: Record<string, unknown> = {}
  for (const table of tables) {
    result[table] = yield* sql`SELECT * FROM ${sql(table)} ORDER BY 1, 2`
  }
  return result
})

layer(Repos)("demo seed", (it) => {
  it.effect("seeds the Ukrainian operators, the international route and a demo account; twice is once", () =>
    Effect.gen(function* () {
      const catalog = yield* CatalogRepo
      const accounts = yield* AccountsRepo
      const ledger = yield* Ledger
      const senders = yield* SenderIdsRepo

      yield* seedDemo({ smscHost: "127.0.0.1", smscPort: 2775 })
      const first = yield* snapshot
      yield* seedDemo({ smscHost: "127.0.0.1", smscPort: 2775 })
      expect(yield* snapshot).toEqual(first)

      const operators = yield* catalog.listOperators()
      expect(Object.fromEntries(operators.map((o) => [o.id, o.defaultValiditySeconds / 3_600]))).toEqual({
        intertelecom: 24,
        international: 48,
        kyivstar: 72,
        lifecell: 24,
        peoplenet: 72,
        utel: 72,
        vodafone: 72
      })

      const routes = yield* catalog.listRoutes()
      expect(routes.find((r) => r.id === "kyivstar")).toMatchObject({
        operatorId: "kyivstar",
        prefixes: ["38067", "38068", "38096", "38097", "38098", "38077"],
        pricePerPartMinor: 85
      })
      const table = buildRoutingTable(routes)
      if (Either.isLeft(table)) throw new Error(table.left.message)
      const routeOf = (number: string) => Either.map(resolveRoute(table.right, number), (c) => c.primary)
      expect(routeOf("+380671234567")).toEqual(Either.right("kyivstar"))
      expect(routeOf("+380501234567")).toEqual(Either.right("vodafone"))
      expect(routeOf("+380931234567")).toEqual(Either.right("lifecell"))
      expect(routeOf("+380911234567")).toEqual(Either.right("utel"))
      expect(routeOf("+380921234567")).toEqual(Either.right("peoplenet"))
      expect(routeOf("+380941234567")).toEqual(Either.right("intertelecom"))
      expect(routeOf("+48601234567")).toEqual(Either.right("international"))

      const prices = yield* catalog.listRoutePrices("international" as RouteId)
      expect(prices.map((p) => p.country)).toEqual(expect.arrayContaining(["PL", "DE", "GB", "US"]))
      const international = routes.find((r) => r.id === "international")!
      expect(prices.every((p) => p.pricePerPartMinor < international.pricePerPartMinor)).toBe(true)

      const binds = yield* catalog.listBinds()
      expect(binds.length).toBe(7)
      for (const bind of binds) {
        expect(bind).toMatchObject({
          host: "127.0.0.1",
          port: 2775,
          systemId: bind.operatorId,
          bindType: "transceiver",
          windowSize: 100,
          tps: 1000,
          enabled: true
        })
      }

      const demo = yield* accounts.get(DEMO_ACCOUNT_ID)
      expect(demo).toMatchObject({
        name: "Demo Sender",
        mode: "active",
        balanceMinor: 100_000,
        currency: "UAH"
      })
      const entries = yield* ledger.history(DEMO_ACCOUNT_ID)
      expect(entries.map((e) => [e.kind, e.amountMinor])).toEqual([["topup", 100_000]])
      expect((yield* senders.requireApproved(DEMO_ACCOUNT_ID, "Volley")).kind).toBe("alpha")
      expect((yield* senders.list(DEMO_ACCOUNT_ID)).map((s) => [s.value, s.status])).toEqual([
        ["Volley", "approved"]
      ])
    })
  )

  it.effect("a re-seed never overwrites what an admin changed, nor tops up a spent balance", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const ledger = yield* Ledger
      yield* seedDemo({ smscHost: "127.0.0.1", smscPort: 2775 })
      yield* sql`UPDATE binds SET host = 'smpp.kyivstar.example' WHERE id = 'kyivstar-sim'`
      yield* sql`UPDATE routes SET price_per_part_minor = 99 WHERE id = 'vodafone'`
      yield* ledger.debit(DEMO_ACCOUNT_ID, 500)
      yield* seedDemo({ smscHost: "10.0.0.1", smscPort: 9999 })
      const [bind] = yield* sql<{ host: string }>`SELECT host FROM binds WHERE id = 'kyivstar-sim'`
      expect(bind?.host).toBe("smpp.kyivstar.example")
      const [route] = yield* sql<{
        price: number
      }>`SELECT price_per_part_minor AS price FROM routes WHERE id = 'vodafone'`
      expect(route?.price).toBe(99)
      expect(yield* ledger.balanceOf(DEMO_ACCOUNT_ID)).toBe(99_500)
    })
  )
})

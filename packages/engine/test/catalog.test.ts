import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import type { BindId, OperatorId, RouteId } from "@volley/core"
import { buildRoutingTable, resolveRoute } from "@volley/core/routing/Routing"
import { Effect, Either, Layer, Redacted } from "effect"
import { CatalogRepo } from "../src/catalog/CatalogRepo.js"
import { TestDatabase } from "./support/TestDatabase.js"

const Repos = CatalogRepo.Default.pipe(Layer.provideMerge(TestDatabase))

const operator = (id: string, hours = 72) => ({
  id,
  name: id.toUpperCase(),
  defaultValiditySeconds: hours * 3_600
})

layer(Repos)("catalog", (it) => {
  it.effect("operators are upserted, listed and read back", () =>
    Effect.gen(function* () {
      const catalog = yield* CatalogRepo
      const created = yield* catalog.upsertOperator({ ...operator("kyivstar"), messageIdFormat: "hex" })
      expect(created).toMatchObject({
        id: "kyivstar",
        defaultValiditySeconds: 259_200,
        messageIdFormat: "hex"
      })
      const updated = yield* catalog.upsertOperator({
        id: "kyivstar",
        name: "Kyivstar",
        defaultValiditySeconds: 3_600
      })
      // An omitted optional setting keeps its value.
      expect(updated).toMatchObject({
        name: "Kyivstar",
        defaultValiditySeconds: 3_600,
        messageIdFormat: "hex"
      })
      expect((yield* catalog.getOperator("kyivstar" as OperatorId)).name).toBe("Kyivstar")
      expect((yield* catalog.listOperators()).map((o) => o.id)).toContain("kyivstar")
      const missing = yield* catalog.getOperator("nobody" as OperatorId).pipe(Effect.flip)
      expect(missing).toMatchObject({ _tag: "CatalogEntryNotFound", entity: "operator", id: "nobody" })
    })
  )

  it.effect("invalid operators are refused with the problem", () =>
    Effect.gen(function* () {
      const catalog = yield* CatalogRepo
      for (const bad of [
        operator("Has Spaces"),
        { ...operator("zero"), defaultValiditySeconds: 0 },
        { ...operator("blank"), name: "  " },
        { ...operator("fmt"), messageIdFormat: "octal" as never }
      ]) {
        const error = yield* catalog.upsertOperator(bad).pipe(Effect.flip)
        expect(error).toMatchObject({ _tag: "InvalidCatalogEntry", entity: "operator", id: bad.id })
        expect(error.problem.length).toBeGreaterThan(0)
      }
    })
  )

  it.effect("binds need a known operator and sane SMPP settings; the password stays redacted", () =>
    Effect.gen(function* () {
      const catalog = yield* CatalogRepo
      yield* catalog.upsertOperator(operator("vodafone"))
      const bind = yield* catalog.upsertBind({
        id: "vodafone-1",
        operatorId: "vodafone",
        host: "smpp.example.net",
        port: 2775,
        systemId: "volley",
        password: "s3cret"
      })
      expect(bind).toMatchObject({
        bindType: "transceiver",
        windowSize: 100,
        tps: 1000,
        enabled: true,
        systemType: ""
      })
      expect(Redacted.value(bind.password)).toBe("s3cret")
      expect(String(bind.password)).not.toContain("s3cret")

      const tuned = yield* catalog.upsertBind({
        id: "vodafone-1",
        operatorId: "vodafone",
        host: "smpp2.example.net",
        port: 2776,
        systemId: "volley",
        password: "s3cret",
        windowSize: 10
      })
      expect(tuned).toMatchObject({ host: "smpp2.example.net", port: 2776, windowSize: 10, tps: 1000 })
      expect((yield* catalog.setBindEnabled("vodafone-1" as BindId, false)).enabled).toBe(false)
      expect((yield* catalog.getBind("vodafone-1" as BindId)).enabled).toBe(false)

      const unknown = yield* catalog
        .upsertBind({ id: "x-1", operatorId: "nobody", host: "h", port: 1, systemId: "s", password: "p" })
        .pipe(Effect.flip)
      expect(unknown).toMatchObject({ _tag: "UnknownOperator", operatorId: "nobody" })

      const base = { id: "bad", operatorId: "vodafone", host: "h", port: 2775, systemId: "s", password: "p" }
      for (const bad of [
        { ...base, port: 70_000 },
        { ...base, systemId: "a-system-id-too-long" },
        { ...base, password: "longer-than-8" },
        { ...base, windowSize: 0 },
        { ...base, bindType: "both" as never }
      ]) {
        const error = yield* catalog.upsertBind(bad).pipe(Effect.flip)
        expect(error).toMatchObject({ _tag: "InvalidCatalogEntry", entity: "bind", id: "bad" })
      }
      const missing = yield* catalog.setBindEnabled("nope" as BindId, true).pipe(Effect.flip)
      expect(missing).toMatchObject({ _tag: "CatalogEntryNotFound", entity: "bind", id: "nope" })
    })
  )

  it.effect("routes are validated against operators, failovers and the routing table", () =>
    Effect.gen(function* () {
      const catalog = yield* CatalogRepo
      yield* catalog.upsertOperator(operator("lifecell", 24))
      yield* catalog.upsertOperator(operator("hub", 48))
      const hub = yield* catalog.upsertRoute({
        id: "hub",
        name: "Hub",
        operatorId: "hub",
        prefixes: [""],
        pricePerPartMinor: 300
      })
      expect(hub).toMatchObject({ prefixes: [""], failover: [], defaultValiditySeconds: null, enabled: true })
      const life = yield* catalog.upsertRoute({
        id: "lifecell",
        name: "Lifecell",
        operatorId: "lifecell",
        prefixes: ["38063", "38073", "38093"],
        failover: ["hub"],
        pricePerPartMinor: 85,
        defaultValiditySeconds: 3_600
      })
      expect(life).toMatchObject({
        failover: ["hub"],
        prefixes: ["38063", "38073", "38093"],
        defaultValiditySeconds: 3_600
      })

      const unknownOperator = yield* catalog
        .upsertRoute({ id: "r1", name: "R1", operatorId: "nobody", prefixes: ["1"], pricePerPartMinor: 1 })
        .pipe(Effect.flip)
      expect(unknownOperator).toMatchObject({ _tag: "UnknownOperator", operatorId: "nobody" })

      const unknownFailover = yield* catalog
        .upsertRoute({
          id: "r2",
          name: "R2",
          operatorId: "hub",
          prefixes: ["44"],
          failover: ["hub", "missing"],
          pricePerPartMinor: 1
        })
        .pipe(Effect.flip)
      expect(unknownFailover).toMatchObject({ _tag: "UnknownRoute", routeId: "missing" })

      const duplicatePrefix = yield* catalog
        .upsertRoute({ id: "r3", name: "R3", operatorId: "hub", prefixes: ["38093"], pricePerPartMinor: 1 })
        .pipe(Effect.flip)
      expect(duplicatePrefix).toMatchObject({
        _tag: "InvalidRoutingTable",
        reason: "DuplicatePrefix",
        prefix: "38093",
        otherRouteId: "lifecell"
      })

      for (const bad of [
        { id: "r4", name: "R4", operatorId: "hub", prefixes: ["+44"], pricePerPartMinor: 1 },
        { id: "r5", name: "R5", operatorId: "hub", prefixes: ["44"], pricePerPartMinor: -1 },
        { id: "r.6", name: "R6", operatorId: "hub", prefixes: ["44"], pricePerPartMinor: 1 },
        { id: "r7", name: "R7", operatorId: "hub", prefixes: ["44"], pricePerPartMinor: 1.5 }
      ]) {
        const error = yield* catalog.upsertRoute(bad).pipe(Effect.flip)
        expect(error).toMatchObject({ _tag: "InvalidCatalogEntry", entity: "route", id: bad.id })
      }
      // None of the refused routes were written.
      expect((yield* catalog.listRoutes()).map((r) => r.id)).toEqual(["hub", "lifecell"])

      // Moving a prefix within the same route is fine; an update without the validity keeps it.
      const moved = yield* catalog.upsertRoute({
        id: "lifecell",
        name: "Lifecell",
        operatorId: "lifecell",
        prefixes: ["38063", "38073"],
        failover: ["hub"],
        pricePerPartMinor: 90
      })
      expect(moved).toMatchObject({
        pricePerPartMinor: 90,
        defaultValiditySeconds: 3_600,
        prefixes: ["38063", "38073"]
      })

      const disabled = yield* catalog.setRouteEnabled("lifecell" as RouteId, false)
      expect(disabled.enabled).toBe(false)
      const table = buildRoutingTable(yield* catalog.listRoutes())
      expect(Either.isRight(table)).toBe(true)
      if (Either.isRight(table)) {
        expect(resolveRoute(table.right, "+380631234567")).toEqual(
          Either.right({ primary: "hub", failover: [] })
        )
      }
      const missing = yield* catalog.getRoute("nope" as RouteId).pipe(Effect.flip)
      expect(missing).toMatchObject({ _tag: "CatalogEntryNotFound", entity: "route", id: "nope" })
    })
  )

  it.effect("route prices are per country, upper-cased, and need a known route", () =>
    Effect.gen(function* () {
      const catalog = yield* CatalogRepo
      const sql = yield* SqlClient.SqlClient
      yield* catalog.upsertOperator(operator("intl"))
      yield* catalog.upsertRoute({
        id: "intl",
        name: "Intl",
        operatorId: "intl",
        prefixes: ["48"],
        pricePerPartMinor: 400
      })
      expect(
        yield* catalog.upsertRoutePrice({ routeId: "intl", country: "pl", pricePerPartMinor: 180 })
      ).toMatchObject({
        routeId: "intl",
        country: "PL",
        pricePerPartMinor: 180
      })
      yield* catalog.upsertRoutePrice({ routeId: "intl", country: "PL", pricePerPartMinor: 175 })
      yield* catalog.upsertRoutePrice({ routeId: "intl", country: "DE", pricePerPartMinor: 320 })
      expect(
        (yield* catalog.listRoutePrices("intl" as RouteId)).map((p) => [p.country, p.pricePerPartMinor])
      ).toEqual([
        ["DE", 320],
        ["PL", 175]
      ])
      expect(yield* catalog.removeRoutePrice("intl" as RouteId, "de")).toBe(true)
      expect((yield* catalog.listRoutePrices()).filter((p) => p.routeId === "intl").length).toBe(1)

      const unknown = yield* catalog
        .upsertRoutePrice({ routeId: "nowhere", country: "PL", pricePerPartMinor: 1 })
        .pipe(Effect.flip)
      expect(unknown).toMatchObject({ _tag: "UnknownRoute", routeId: "nowhere" })
      for (const bad of [
        { routeId: "intl", country: "POL", pricePerPartMinor: 1 },
        { routeId: "intl", country: "P1", pricePerPartMinor: 1 },
        { routeId: "intl", country: "PL", pricePerPartMinor: -5 }
      ]) {
        const error = yield* catalog.upsertRoutePrice(bad).pipe(Effect.flip)
        expect(error).toMatchObject({ _tag: "InvalidCatalogEntry", entity: "routePrice" })
      }
      const [row] = yield* sql<{ n: number }>`SELECT count(*) AS n FROM route_prices WHERE route_id = 'intl'`
      expect(row?.n).toBe(1)
    })
  )
})

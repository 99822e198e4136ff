import { expect, layer } from "@effect/vitest"
import type { BindId, RouteId } from "@volley/core"
import { priceOf } from "@volley/core/pricing/Pricing"
import { CatalogRepo } from "@volley/engine/catalog/CatalogRepo"
import { RoutingCatalog } from "@volley/engine/catalog/RoutingCatalog"
import { Effect, Either, Redacted } from "effect"
import {
  ApiTest,
  asOperator,
  call,
  expectStatus,
  newActiveSender,
  newSender,
  UA_ROUTE
} from "./support/ApiHarness.js"

const operator = (id: string) => ({ id, name: `Operator ${id}`, defaultValiditySeconds: 86_400 })

const bind = (id: string, operatorId: string) => ({
  id,
  operatorId,
  host: "smsc.example.net",
  port: 2775,
  systemId: `sys-${id}`.slice(0, 15),
  password: "s3cret"
})

const route = (id: string, operatorId: string, prefixes: ReadonlyArray<string>) => ({
  id,
  name: `Route ${id}`,
  operatorId,
  prefixes,
  pricePerPartMinor: 25
})

/** No field of any shape this API returns may carry the bind's password. */
const expectNoPassword = (body: unknown) => {
  expect(JSON.stringify(body)).not.toContain("s3cret")
  expect(JSON.stringify(body)).not.toContain("password")
}

/** The price per part the send path would charge now, from the routing catalog's snapshot. */
const pricePerPart = (routeId: string, country: string) =>
  Effect.map(
    Effect.flatMap(RoutingCatalog, (catalog) => catalog.snapshot),
    (snapshot) =>
      Either.getOrThrow(priceOf(snapshot.prices, { routeId: routeId as RouteId, country, parts: 1 }))
        .pricePerPart
  )

const storedPassword = (id: string) =>
  Effect.flatMap(CatalogRepo, (repo) => repo.getBind(id as BindId)).pipe(
    Effect.map((b) => Redacted.value(b.password)),
    Effect.orDie
  )

layer(ApiTest, { excludeTestServices: true })("operator admin API: the routing catalog", (it) => {
  it.effect("operators: create, read, change; a taken id is 409, an unknown one 404, bad input 400", () =>
    Effect.gen(function* () {
      const created = expectStatus(yield* asOperator("POST", "/v1/admin/operators", operator("opa")), 201)
      expect(created.body).toMatchObject({
        id: "opa",
        defaultValiditySeconds: 86_400,
        messageIdFormat: "string"
      })

      const again = yield* asOperator("POST", "/v1/admin/operators", { ...operator("opa"), name: "Other" })
      expect(again.status).toBe(409)
      expect(again.body).toMatchObject({ _tag: "CatalogEntryExists", entity: "operator", id: "opa" })
      expect(again.body.message).toContain('"opa"')
      expect(expectStatus(yield* asOperator("GET", "/v1/admin/operators/opa"), 200).body.name).toBe(
        "Operator opa"
      )

      const changed = yield* asOperator("PATCH", "/v1/admin/operators/opa", { messageIdFormat: "hex" })
      expect(expectStatus(changed, 200).body).toMatchObject({
        name: "Operator opa",
        defaultValiditySeconds: 86_400,
        messageIdFormat: "hex"
      })
      const list = expectStatus(yield* asOperator("GET", "/v1/admin/operators"), 200).body
      expect(list.map((o: { id: string }) => o.id)).toContain("opa")

      const missing = yield* asOperator("GET", "/v1/admin/operators/nobody")
      expect(missing.status).toBe(404)
      expect(missing.body).toMatchObject({ _tag: "CatalogEntryNotFound", entity: "operator", id: "nobody" })
      expect((yield* asOperator("PATCH", "/v1/admin/operators/nobody", { name: "X" })).status).toBe(404)

      for (const bad of [
        { ...operator("opb"), defaultValiditySeconds: -1 },
        { ...operator("opb"), name: "  " },
        { ...operator("Not A Slug") },
        { ...operator("opb"), messageIdFormat: "base64" }
      ]) {
        const reply = yield* asOperator("POST", "/v1/admin/operators", bad)
        expect(reply.status, JSON.stringify(bad)).toBe(400)
        expect(reply.body._tag).toBe("HttpApiDecodeError")
      }
      expect((yield* asOperator("GET", "/v1/admin/operators/opb")).status).toBe(404)
    })
  )

  it.effect("of concurrent creates under one id exactly one wins; the others are 409", () =>
    Effect.gen(function* () {
      const replies = yield* Effect.all(
        Array.from({ length: 6 }, (_, i) =>
          asOperator("POST", "/v1/admin/operators", { ...operator("race"), name: `Racer ${i}` })
        ),
        { concurrency: "unbounded" }
      )
      const statuses = replies.map((r) => r.status).sort()
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409])
      const winner = replies.find((r) => r.status === 201)!.body.name
      expect((yield* asOperator("GET", "/v1/admin/operators/race")).body.name).toBe(winner)
    })
  )

  it.effect("binds: the password is written, never returned, and kept when a change leaves it out", () =>
    Effect.gen(function* () {
      yield* asOperator("POST", "/v1/admin/operators", operator("opc"))
      const created = expectStatus(yield* asOperator("POST", "/v1/admin/binds", bind("opc-1", "opc")), 201)
      expect(created.body).toMatchObject({
        id: "opc-1",
        operatorId: "opc",
        host: "smsc.example.net",
        port: 2775,
        systemType: "",
        bindType: "transceiver",
        windowSize: 100,
        tps: 1_000,
        enquireLinkSeconds: 30,
        enabled: true
      })
      expectNoPassword(created.body)
      expectNoPassword(expectStatus(yield* asOperator("GET", "/v1/admin/binds/opc-1"), 200).body)
      expectNoPassword(expectStatus(yield* asOperator("GET", "/v1/admin/binds"), 200).body)
      expect(yield* storedPassword("opc-1")).toBe("s3cret")

      const tuned = yield* asOperator("PATCH", "/v1/admin/binds/opc-1", {
        windowSize: 10,
        tps: 50,
        enquireLinkSeconds: 15,
        systemType: "VMA",
        bindType: "transmitter"
      })
      expect(expectStatus(tuned, 200).body).toMatchObject({
        windowSize: 10,
        tps: 50,
        enquireLinkSeconds: 15,
        systemType: "VMA",
        bindType: "transmitter",
        host: "smsc.example.net"
      })
      expectNoPassword(tuned.body)
      expect(yield* storedPassword("opc-1")).toBe("s3cret")
      const rotated = yield* asOperator("PATCH", "/v1/admin/binds/opc-1", { password: "n3wpass" })
      expect(JSON.stringify(expectStatus(rotated, 200).body)).not.toContain("n3wpass")
      expect(yield* storedPassword("opc-1")).toBe("n3wpass")

      const disabled = expectStatus(yield* asOperator("POST", "/v1/admin/binds/opc-1/disable"), 200)
      expect(disabled.body.enabled).toBe(false)
      const state = expectStatus(yield* asOperator("GET", "/v1/admin/binds/opc-1/state"), 200).body
      expect(state).toMatchObject({ bindId: "opc-1", enabled: false, state: "disabled", actor: null })
      const enabled = expectStatus(yield* asOperator("POST", "/v1/admin/binds/opc-1/enable"), 200)
      expect(enabled.body.enabled).toBe(true)
      // No engine runs in this suite: an enabled bind is reported as not running here.
      const states = expectStatus(yield* asOperator("GET", "/v1/admin/bind-states"), 200).body
      expect(states.find((s: { bindId: string }) => s.bindId === "opc-1")).toMatchObject({
        state: "stopped",
        actor: null
      })
      expectNoPassword(states)
    })
  )

  it.effect("binds: each bad input is a typed 400, a taken id 409, an unknown one 404 or 422", () =>
    Effect.gen(function* () {
      yield* asOperator("POST", "/v1/admin/operators", operator("opd"))
      expectStatus(yield* asOperator("POST", "/v1/admin/binds", bind("opd-1", "opd")), 201)
      const cases: ReadonlyArray<[string, Record<string, unknown>]> = [
        ["negative window", { windowSize: -5 }],
        ["zero window", { windowSize: 0 }],
        ["window over 10,000", { windowSize: 10_001 }],
        ["zero TPS", { tps: 0 }],
        ["port out of range", { port: 70_000 }],
        ["system_id over 15 characters", { systemId: "a".repeat(16) }],
        ["password over 8 characters", { password: "123456789" }],
        ["unknown bind type", { bindType: "both" }],
        ["empty host", { host: " " }]
      ]
      for (const [what, patch] of cases) {
        const created = yield* asOperator("POST", "/v1/admin/binds", { ...bind("opd-2", "opd"), ...patch })
        expect(created.status, what).toBe(400)
        expect(created.body._tag, what).toBe("HttpApiDecodeError")
        const changed = yield* asOperator("PATCH", "/v1/admin/binds/opd-1", patch)
        expect(changed.status, what).toBe(400)
      }
      expect((yield* asOperator("GET", "/v1/admin/binds/opd-2")).status).toBe(404)
      expect(expectStatus(yield* asOperator("GET", "/v1/admin/binds/opd-1"), 200).body.windowSize).toBe(100)

      const duplicate = yield* asOperator("POST", "/v1/admin/binds", { ...bind("opd-1", "opd"), port: 2776 })
      expect(duplicate.status).toBe(409)
      expect(duplicate.body).toMatchObject({ _tag: "CatalogEntryExists", entity: "bind", id: "opd-1" })
      expect((yield* asOperator("GET", "/v1/admin/binds/opd-1")).body.port).toBe(2775)

      const orphan = yield* asOperator("POST", "/v1/admin/binds", bind("opd-3", "ghost"))
      expect(orphan.status).toBe(422)
      expect(orphan.body).toMatchObject({ _tag: "UnknownOperator", operatorId: "ghost" })
      expect((yield* asOperator("PATCH", "/v1/admin/binds/opd-1", { operatorId: "ghost" })).status).toBe(422)

      for (const [method, path] of [
        ["GET", "/v1/admin/binds/nope"],
        ["PATCH", "/v1/admin/binds/nope"],
        ["POST", "/v1/admin/binds/nope/enable"],
        ["POST", "/v1/admin/binds/nope/disable"],
        ["POST", "/v1/admin/binds/nope/restart"],
        ["GET", "/v1/admin/binds/nope/state"]
      ] as const) {
        const reply = yield* asOperator(method, path, method === "PATCH" ? { tps: 5 } : undefined)
        expect(reply.status, `${method} ${path}`).toBe(404)
        expect(reply.body).toMatchObject({ _tag: "CatalogEntryNotFound", entity: "bind", id: "nope" })
      }
    })
  )

  it.effect("routes: prefixes, failover and validity; the send path's snapshot follows each change", () =>
    Effect.gen(function* () {
      yield* asOperator("POST", "/v1/admin/operators", operator("ope"))
      const hub = expectStatus(
        yield* asOperator("POST", "/v1/admin/routes", route("hub", "ope", ["44"])),
        201
      )
      expect(hub.body).toMatchObject({ id: "hub", prefixes: ["44"], failover: [], enabled: true })
      const created = yield* asOperator("POST", "/v1/admin/routes", {
        ...route("uk-mobile", "ope", ["447"]),
        failover: ["hub"],
        defaultValiditySeconds: 3_600
      })
      expect(expectStatus(created, 201).body).toMatchObject({
        failover: ["hub"],
        defaultValiditySeconds: 3_600,
        pricePerPartMinor: 25
      })
      const catalog = yield* RoutingCatalog
      expect((yield* catalog.snapshot).routes.get(created.body.id)?.prefixes).toEqual(["447"])

      const changed = yield* asOperator("PATCH", "/v1/admin/routes/uk-mobile", {
        prefixes: ["447", "4478"],
        defaultValiditySeconds: null
      })
      expect(expectStatus(changed, 200).body).toMatchObject({
        prefixes: ["447", "4478"],
        failover: ["hub"],
        defaultValiditySeconds: null,
        name: "Route uk-mobile"
      })
      const disabled = expectStatus(yield* asOperator("POST", "/v1/admin/routes/uk-mobile/disable"), 200)
      expect(disabled.body.enabled).toBe(false)
      const snapshot = yield* catalog.snapshot
      expect(snapshot.routes.get(created.body.id)).toMatchObject({
        enabled: false,
        prefixes: ["447", "4478"]
      })
      expect(
        expectStatus(yield* asOperator("POST", "/v1/admin/routes/uk-mobile/enable"), 200).body.enabled
      ).toBe(true)
      const listed = expectStatus(yield* asOperator("GET", "/v1/admin/routes"), 200).body
      expect(listed.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(["hub", "uk-mobile"]))
    })
  )

  it.effect(
    "routes: a bad prefix is 400, a prefix on two routes or a taken id 409, unknown names 404/422",
    () =>
      Effect.gen(function* () {
        yield* asOperator("POST", "/v1/admin/operators", operator("opf"))
        expectStatus(yield* asOperator("POST", "/v1/admin/routes", route("fr", "opf", ["33"])), 201)
        for (const prefixes of [["+33"], ["3a"], ["1".repeat(16)]]) {
          const reply = yield* asOperator("POST", "/v1/admin/routes", route("bad", "opf", prefixes))
          expect(reply.status, prefixes[0]).toBe(400)
          expect(reply.body._tag).toBe("HttpApiDecodeError")
        }
        for (const bad of [
          { ...route("bad", "opf", ["31"]), pricePerPartMinor: -1 },
          { ...route("bad", "opf", ["31"]), defaultValiditySeconds: 0 },
          route("Bad Id", "opf", ["31"])
        ]) {
          expect((yield* asOperator("POST", "/v1/admin/routes", bad)).status, JSON.stringify(bad)).toBe(400)
        }
        expect((yield* asOperator("PATCH", "/v1/admin/routes/fr", { prefixes: ["33x"] })).status).toBe(400)

        const taken = yield* asOperator("POST", "/v1/admin/routes", route("fr", "opf", ["31"]))
        expect(taken.status).toBe(409)
        expect(taken.body).toMatchObject({ _tag: "CatalogEntryExists", entity: "route", id: "fr" })
        const overlap = yield* asOperator("POST", "/v1/admin/routes", route("fr2", "opf", ["33"]))
        expect(overlap.status).toBe(409)
        expect(overlap.body).toMatchObject({
          _tag: "InvalidRoutingTable",
          reason: "DuplicatePrefix",
          prefix: "33",
          otherRouteId: "fr"
        })

        const noOperator = yield* asOperator("POST", "/v1/admin/routes", route("nl", "ghost", ["31"]))
        expect(noOperator.status).toBe(422)
        expect(noOperator.body).toMatchObject({ _tag: "UnknownOperator", operatorId: "ghost" })
        const noFailover = yield* asOperator("POST", "/v1/admin/routes", {
          ...route("nl", "opf", ["31"]),
          failover: ["nowhere"]
        })
        expect(noFailover.status).toBe(422)
        expect(noFailover.body).toMatchObject({ _tag: "UnknownRoute", routeId: "nowhere" })
        expect((yield* asOperator("GET", "/v1/admin/routes/nl")).status).toBe(404)
        const missing = yield* asOperator("PATCH", "/v1/admin/routes/nowhere", { pricePerPartMinor: 1 })
        expect(missing.status).toBe(404)
        expect(missing.body).toMatchObject({ _tag: "CatalogEntryNotFound", entity: "route", id: "nowhere" })
        expect((yield* asOperator("POST", "/v1/admin/routes/nowhere/disable")).status).toBe(404)
      })
  )

  it.effect("route prices per country: set, list, change, remove; the snapshot prices with them", () =>
    Effect.gen(function* () {
      yield* asOperator("POST", "/v1/admin/operators", operator("opg"))
      expectStatus(yield* asOperator("POST", "/v1/admin/routes", route("intl", "opg", ["48", "49"])), 201)
      const set = yield* asOperator("PUT", "/v1/admin/routes/intl/prices/pl", { pricePerPartMinor: 180 })
      expect(expectStatus(set, 200).body).toEqual({ routeId: "intl", country: "PL", pricePerPartMinor: 180 })
      yield* asOperator("PUT", "/v1/admin/routes/intl/prices/DE", { pricePerPartMinor: 320 })
      yield* asOperator("PUT", "/v1/admin/routes/intl/prices/PL", { pricePerPartMinor: 175 })
      const prices = expectStatus(yield* asOperator("GET", "/v1/admin/routes/intl/prices"), 200).body
      expect(prices).toEqual([
        { routeId: "intl", country: "DE", pricePerPartMinor: 320 },
        { routeId: "intl", country: "PL", pricePerPartMinor: 175 }
      ])
      // the send path prices from the snapshot: PL at its own price, a country without one at the route's
      expect(yield* pricePerPart("intl", "PL")).toBe(175)
      expect(yield* pricePerPart("intl", "DE")).toBe(320)
      expect(yield* pricePerPart("intl", "CZ")).toBe(25)

      const badCountry = yield* asOperator("PUT", "/v1/admin/routes/intl/prices/POL", {
        pricePerPartMinor: 1
      })
      expect(badCountry.status).toBe(400)
      expect(badCountry.body).toMatchObject({ _tag: "InvalidCatalogEntry", entity: "routePrice" })
      const negative = yield* asOperator("PUT", "/v1/admin/routes/intl/prices/CZ", { pricePerPartMinor: -3 })
      expect(negative.status).toBe(400)
      const noRoute = yield* asOperator("PUT", "/v1/admin/routes/nowhere/prices/PL", { pricePerPartMinor: 1 })
      expect(noRoute.status).toBe(404)
      expect(noRoute.body).toMatchObject({ _tag: "CatalogEntryNotFound", entity: "route", id: "nowhere" })
      expect((yield* asOperator("GET", "/v1/admin/routes/nowhere/prices")).status).toBe(404)

      expect((yield* asOperator("DELETE", "/v1/admin/routes/intl/prices/de")).status).toBe(204)
      const gone = yield* asOperator("DELETE", "/v1/admin/routes/intl/prices/DE")
      expect(gone.status).toBe(404)
      expect(gone.body).toMatchObject({ _tag: "CatalogEntryNotFound", entity: "routePrice", id: "intl/DE" })
      expect((yield* asOperator("GET", "/v1/admin/routes/intl/prices")).body).toHaveLength(1)
      expect(yield* pricePerPart("intl", "DE")).toBe(25)
      expect(yield* pricePerPart("intl", "PL")).toBe(175)
    })
  )

  it.effect("a route's queue counts its QUEUED messages from Postgres and its entries on the bus", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Queue", 10_000)
      const before = expectStatus(yield* asOperator("GET", `/v1/admin/routes/${UA_ROUTE}/queue`), 200).body
      for (const to of ["+380671110001", "+380671110002", "+380671110003"])
        expectStatus(yield* sender.as("POST", "/v1/messages", { to, text: "queued" }), 201)
      const after = expectStatus(yield* asOperator("GET", `/v1/admin/routes/${UA_ROUTE}/queue`), 200).body
      expect(after).toMatchObject({ routeId: UA_ROUTE, routeEnabled: true, submittingMessages: 0 })
      expect(after.queuedMessages).toBe(before.queuedMessages + 3)
      expect(after.busEntriesPending + after.busEntriesInFlight).toBeGreaterThan(
        before.busEntriesPending + before.busEntriesInFlight
      )
      expect((yield* asOperator("GET", "/v1/admin/routes/nowhere/queue")).status).toBe(404)
    })
  )

  it.effect("a sender key, no token or a wrong token is refused with 401 on every catalog endpoint", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Curious")
      for (const [method, path] of [
        ["GET", "/v1/admin/operators"],
        ["POST", "/v1/admin/operators"],
        ["GET", "/v1/admin/binds"],
        ["POST", "/v1/admin/binds"],
        ["PATCH", "/v1/admin/binds/any"],
        ["GET", "/v1/admin/bind-states"],
        ["GET", "/v1/admin/binds/any/state"],
        ["GET", "/v1/admin/routes"],
        ["PUT", "/v1/admin/routes/any/prices/PL"]
      ] as const) {
        const body = method === "GET" ? undefined : operator("sneaky")
        for (const reply of [
          yield* sender.as(method, path, body),
          yield* call(method, path, { json: body }),
          yield* call(method, path, { token: "wrong-token-wrong-token-wrong", json: body })
        ]) {
          expect(reply.status, `${method} ${path}`).toBe(401)
          expect(reply.body._tag).toBe("Unauthorized")
        }
      }
      expect((yield* asOperator("GET", "/v1/admin/operators/sneaky")).status).toBe(404)
    })
  )

  it.effect("the OpenAPI document lists the catalog endpoints under the operator token", () =>
    Effect.gen(function* () {
      const doc = (yield* call("GET", "/openapi.json")).body
      for (const [path, method] of [
        ["/v1/admin/operators", "post"],
        ["/v1/admin/binds/{bindId}", "patch"],
        ["/v1/admin/binds/{bindId}/state", "get"],
        ["/v1/admin/bind-states", "get"],
        ["/v1/admin/routes/{routeId}/prices/{country}", "put"]
      ] as const) {
        expect(doc.paths[path]?.[method]?.security, path).toEqual([{ operatorToken: [] }])
      }
      expect(Object.keys(doc.paths["/v1/admin/binds"].post.responses)).toEqual(
        expect.arrayContaining(["201", "400", "401", "409", "422"])
      )
      expect(JSON.stringify(doc.components.schemas.BindView)).not.toContain("password")
    })
  )
})

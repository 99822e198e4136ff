import { expect, layer } from "@effect/vitest"
import { SmscSimulator } from "@volley/engine/smsc-sim/SmscSimulator"
import { Effect } from "effect"
import { eventually } from "../../engine/test/support/eventually.js"
import { ApiWithEngineTest } from "./support/ApiEngineHarness.js"
import { asOperator, expectStatus, newSender } from "./support/ApiHarness.js"

const stateOf = (bindId: string) =>
  Effect.map(asOperator("GET", `/v1/admin/binds/${bindId}/state`), (reply) => expectStatus(reply, 200).body)

/** An operator with one route to the simulator; the bind itself is what each test creates. */
const seedOperator = (operatorId: string, prefix: string) =>
  Effect.gen(function* () {
    expectStatus(
      yield* asOperator("POST", "/v1/admin/operators", {
        id: operatorId,
        name: operatorId,
        defaultValiditySeconds: 86_400
      }),
      201
    )
    expectStatus(
      yield* asOperator("POST", "/v1/admin/routes", {
        id: `${operatorId}-route`,
        name: operatorId,
        operatorId,
        prefixes: [prefix],
        pricePerPartMinor: 10
      }),
      201
    )
  })

const bindTo = (port: number, id: string, operatorId: string, systemId: string, password = "secret") => ({
  id,
  operatorId,
  host: "127.0.0.1",
  port,
  systemId,
  password,
  windowSize: 5,
  tps: 500,
  enquireLinkSeconds: 30
})

/** Leaves no bind reconnecting to a simulator that is gone once the test's scope closes. */
const disableAfterwards = (bindId: string) =>
  Effect.ensuring(Effect.asVoid(asOperator("POST", `/v1/admin/binds/${bindId}/disable`)))

layer(ApiWithEngineTest, { excludeTestServices: true })("binds changed through the API at run time", (it) => {
  it.scoped(
    "a created bind binds and delivers; a new window restarts it; disabled it stops, enabled it binds again",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({ accounts: { rt: {} } })
        yield* seedOperator("op-rt", "38091")
        const created = yield* asOperator("POST", "/v1/admin/binds", bindTo(sim.port, "rt-1", "op-rt", "rt"))
        expectStatus(created, 201)
        yield* Effect.gen(function* () {
          const bound = yield* eventually(stateOf("rt-1"), (s) => s.state === "bound", 10_000)
          expect(bound).toMatchObject({
            enabled: true,
            windowSize: 5,
            actor: { sessions: 1, lastError: null }
          })
          expect(bound.routes).toMatchObject([{ routeId: "op-rt-route", routeEnabled: true }])
          expect(sim.connectionCount("rt")).toBe(1)

          // The running bind carries traffic: a message on its route ends DELIVRD.
          const sender = yield* newSender("Runtime", { bonusMinor: 1_000 })
          expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/activate`), 200)
          const sent = expectStatus(
            yield* sender.as("POST", "/v1/messages", { to: "+380911234567", text: "over the new bind" }),
            201
          ).body
          yield* eventually(
            Effect.map(sender.as("GET", `/v1/messages/${sent.id}`), (r) => r.body.status),
            (status) => status === "DELIVRD",
            15_000
          )
          const queue = expectStatus(yield* asOperator("GET", "/v1/admin/routes/op-rt-route/queue"), 200).body
          expect(queue).toMatchObject({ queuedMessages: 0, submittingMessages: 0 })

          // A new window: the actor is replaced (a clean unbind, a second session) with the new setting.
          expectStatus(yield* asOperator("PATCH", "/v1/admin/binds/rt-1", { windowSize: 9 }), 200)
          const rebound = yield* eventually(stateOf("rt-1"), (s) => s.state === "bound", 10_000)
          expect(rebound).toMatchObject({ windowSize: 9, actor: { sessions: 1 } })
          expect(sim.counts().bySystemId.rt).toMatchObject({ binds: 2, unbinds: 1 })
          yield* eventually(
            Effect.sync(() => sim.connectionCount("rt")),
            (n) => n === 1,
            5_000
          )

          // Disabled: the session is closed and nothing runs the bind.
          expectStatus(yield* asOperator("POST", "/v1/admin/binds/rt-1/disable"), 200)
          expect(yield* stateOf("rt-1")).toMatchObject({ enabled: false, state: "disabled", actor: null })
          yield* eventually(
            Effect.sync(() => sim.connectionCount("rt")),
            (n) => n === 0,
            5_000
          )
          expect(sim.counts().bySystemId.rt?.unbinds).toBe(2)

          expectStatus(yield* asOperator("POST", "/v1/admin/binds/rt-1/enable"), 200)
          yield* eventually(stateOf("rt-1"), (s) => s.state === "bound", 10_000)
          expect(sim.counts().bySystemId.rt?.binds).toBe(3)

          // A forced reconnect, and the state of every bind in one list.
          const restarted = yield* asOperator("POST", "/v1/admin/binds/rt-1/restart")
          expect(expectStatus(restarted, 200).body).toEqual({ bindId: "rt-1", restarted: true })
          yield* eventually(stateOf("rt-1"), (s) => s.state === "bound", 10_000)
          expect(sim.counts().bySystemId.rt?.binds).toBe(4)
          const all = expectStatus(yield* asOperator("GET", "/v1/admin/bind-states"), 200).body
          expect(all.find((s: { bindId: string }) => s.bindId === "rt-1")).toMatchObject({ state: "bound" })
        }).pipe(disableAfterwards("rt-1"))
      }),
    60_000
  )

  it.scoped("a refused password is readable in the bind's state; a new one through the API binds it", () =>
    Effect.gen(function* () {
      const sim = yield* SmscSimulator.scoped({ accounts: { pw: {} } })
      yield* seedOperator("op-pw", "38092")
      const created = yield* asOperator(
        "POST",
        "/v1/admin/binds",
        bindTo(sim.port, "pw-1", "op-pw", "pw", "wrong")
      )
      expectStatus(created, 201)
      yield* Effect.gen(function* () {
        const refused = yield* eventually(
          stateOf("pw-1"),
          (s) => s.actor?.lastError?.includes("ESME_RINVPASWD") === true,
          10_000
        )
        expect(refused).toMatchObject({ state: "down", actor: { sessions: 0 } })
        expect(sim.counts().bySystemId.pw?.binds ?? 0).toBe(0)

        const fixed = yield* asOperator("PATCH", "/v1/admin/binds/pw-1", { password: "secret" })
        expect(JSON.stringify(expectStatus(fixed, 200).body)).not.toContain("secret")
        const bound = yield* eventually(stateOf("pw-1"), (s) => s.state === "bound", 10_000)
        expect(bound.actor).toMatchObject({ sessions: 1, lastError: null })
        expect(sim.counts().bySystemId.pw?.binds).toBe(1)
      }).pipe(disableAfterwards("pw-1"))
    })
  )
})

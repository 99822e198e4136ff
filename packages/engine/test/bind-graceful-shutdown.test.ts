import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import {
  acceptedByDestination,
  bindActors,
  countByStatus,
  destinationOf,
  disableBinds,
  expectAtMostOnce,
  messageRows,
  numbers,
  sendTo,
  settledIn,
  unknownOutcome
} from "./support/BindScenario.js"
import { engineInfrastructure, seedSimCatalog } from "./support/EngineHarness.js"

layer(engineInfrastructure(), { excludeTestServices: true })("shutting the actors down", (it) => {
  it.scoped(
    "closing their scope drains every in-flight submit into Postgres and unbinds every bind; a restart sends the rest",
    () =>
      Effect.gen(function* () {
        const total = 200
        const sim = yield* SmscSimulator.scoped({
          // Slow answers: when the scope closes, both windows are full of submits waiting for them.
          defaults: { submitRespDelayMs: 300, receiptDelayMs: 20 },
          accounts: { g1: {}, g2: {} }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-g",
            routeId: "route-g",
            prefixes: ["38099"],
            binds: [
              { id: "g-1", systemId: "g1", window: 10 },
              { id: "g-2", systemId: "g2", window: 10 }
            ]
          }
        ])

        yield* Effect.gen(function* () {
          yield* sendTo(accountId, numbers("38099", total))
          yield* Effect.promise(() =>
            sim.waitForCounts((c) => c.total.submits >= 30 && c.total.submitResps[0] !== undefined, 20_000)
          )
          // Leaving this block closes the actors' scope with submits in flight.
        }).pipe(Effect.provide(bindActors()))

        const counts = sim.counts()
        for (const systemId of ["g1", "g2"]) {
          const account = counts.bySystemId[systemId]!
          expect(account.binds).toBe(1)
          expect(account.unbinds).toBe(account.binds)
        }
        // Every submit that went out got its resp recorded before the unbind: none is left unknown.
        const rows = yield* messageRows(accountId)
        expect(rows.filter((r) => r.status === "SUBMITTING" || unknownOutcome(r))).toEqual([])
        const accepted = acceptedByDestination(sim)
        const sent = rows.filter((r) => accepted.has(destinationOf(r.recipient)))
        expect(sent.length).toBe(counts.total.accepted)
        expect(sent.length).toBeGreaterThanOrEqual(30)
        for (const row of sent) {
          expect(["ENROUTE", "DELIVRD"]).toContain(row.status)
          expect(row.smscMessageId).not.toBeNull()
        }
        // What had not gone out is back in the queue, untouched.
        const notSent = rows.filter((r) => !accepted.has(destinationOf(r.recipient)))
        expect(countByStatus(notSent)).toEqual({ QUEUED: total - sent.length })

        // The next start picks up where this one stopped: each message exactly once, all DELIVRD.
        yield* Effect.gen(function* () {
          const done = yield* settledIn(accountId, ["DELIVRD"])
          expect(done.length).toBe(total)
          expectAtMostOnce(sim, ["g1", "g2"], done)
          expect(sim.counts().total.uniqueMessages).toBe(total)
        }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds(["g-1", "g-2"])))
      }),
    60_000
  )
})

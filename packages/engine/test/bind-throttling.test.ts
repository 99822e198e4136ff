import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import {
  bindActors,
  countByStatus,
  diagnosticsOf,
  disableBinds,
  expectQuiet,
  numbers,
  sendTo,
  settledIn
} from "./support/BindScenario.js"
import { engineInfrastructure, seedSimCatalog } from "./support/EngineHarness.js"

const ESME_RMSGQFUL = 0x14
const ESME_RTHROTTLED = 0x58

layer(engineInfrastructure(), { excludeTestServices: true })("a bind facing a throttling SMSC", (it) => {
  it.scoped(
    "slows to about the SMSC's TPS cap, sends every message exactly once and all end DELIVRD",
    () =>
      Effect.gen(function* () {
        const cap = 100
        const total = 400
        const sim = yield* SmscSimulator.scoped({
          accounts: { thr: { tps: cap, receiptDelayMs: 20 } }
        })
        // Configured far above what the SMSC takes: the throttling answers must bring it down.
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-thr",
            routeId: "route-thr",
            prefixes: ["38067"],
            binds: [{ id: "thr-1", systemId: "thr", window: 20, tps: 10_000 }]
          }
        ])
        yield* Effect.gen(function* () {
          const started = Date.now()
          yield* sendTo(accountId, numbers("38067", total))
          const rows = yield* settledIn(accountId, ["DELIVRD"], 60_000)
          const elapsedMs = Date.now() - started

          expect(countByStatus(rows)).toEqual({ DELIVRD: total })
          const counts = sim.counts().bySystemId.thr!
          expect(counts.accepted).toBe(total)
          expect(counts.uniqueMessages).toBe(total)
          expect(counts.duplicates).toBe(0)
          // The SMSC takes `cap` per second after a one-second burst: the run cannot be faster than that…
          expect(elapsedMs).toBeGreaterThanOrEqual(((total - cap) / cap) * 1000 * 0.9)
          // …and the bind did not hammer it: far fewer refusals than messages, not one per submit.
          const throttled = counts.submitResps[ESME_RTHROTTLED] ?? 0
          expect(throttled).toBeGreaterThan(0)
          expect(throttled).toBeLessThan(total / 2)
          // Once it has reacted (a second after the first refusal) it runs at about the SMSC's pace: most of
          // what it sends is accepted. (Its rate is a benchmark matter, not asserted here.)
          const submits = sim.receivedSubmits("thr")
          const firstRefusal = submits.find((s) => !s.accepted)!.receivedAt
          const steady = submits.filter((s) => s.receivedAt >= firstRefusal + 1_000)
          const steadyAccepted = steady.filter((s) => s.accepted)
          expect(steady.length - steadyAccepted.length).toBeLessThan(steady.length * 0.5)
          // Throttled parts were sent again inside the bind: one claim per message, no attempt spent.
          expect(rows.every((r) => r.attempts === 1)).toBe(true)
          const bind = yield* diagnosticsOf("thr-1")
          expect(bind.slowDowns).toBeGreaterThan(0)
          expect(bind.throttledAnswers).toBe(throttled)
          yield* expectQuiet("thr-1")
        }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds(["thr-1"])))
      }),
    60_000
  )

  it.scoped(
    "a share of ESME_RMSGQFUL answers: the refused ones go again, none lost or doubled, all DELIVRD",
    () =>
      Effect.gen(function* () {
        const total = 300
        const sim = yield* SmscSimulator.scoped({
          seed: 7,
          accounts: { qf: { queueFullRatio: 0.2, receiptDelayMs: 20 } }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-qf",
            routeId: "route-qf",
            prefixes: ["38050"],
            binds: [{ id: "qf-1", systemId: "qf", window: 20, tps: 2_000 }]
          }
        ])
        yield* Effect.gen(function* () {
          yield* sendTo(accountId, numbers("38050", total))
          const rows = yield* settledIn(accountId, ["DELIVRD"], 60_000)

          expect(countByStatus(rows)).toEqual({ DELIVRD: total })
          const counts = sim.counts().bySystemId.qf!
          const queueFull = counts.submitResps[ESME_RMSGQFUL] ?? 0
          expect(queueFull).toBeGreaterThan(0)
          expect(counts.accepted).toBe(total)
          expect(counts.uniqueMessages).toBe(total)
          expect(counts.duplicates).toBe(0)
          // Every submit was either the one accepted or a refused one sent again.
          expect(counts.submits).toBe(total + queueFull)
          const bind = yield* diagnosticsOf("qf-1")
          expect(bind.throttledAnswers).toBe(queueFull)
          yield* expectQuiet("qf-1")
        }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds(["qf-1"])))
      }),
    60_000
  )
})

import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import {
  balanceOf,
  bindActors,
  countByStatus,
  deliveredOrUnknown,
  destinationOf,
  diagnosticsOf,
  disableBinds,
  expectAtMostOnce,
  expectQuiet,
  messageRows,
  numbers,
  sendTo,
  settledIn,
  smscIdsByDestination,
  sweepNoReportAsIfExpired,
  unmatchedReceipts
} from "./support/BindScenario.js"
import { engineInfrastructure, eventually, seedSimCatalog } from "./support/EngineHarness.js"

const ESME_RINVDSTADR = 0x0b
const waitFor = (sim: SmscSimulator, predicate: Parameters<SmscSimulator["waitForCounts"]>[0]) =>
  Effect.promise(() => sim.waitForCounts(predicate, 20_000))

layer(engineInfrastructure(), { excludeTestServices: true })("a bind facing a misbehaving SMSC", (it) => {
  it.scoped(
    "never answering a submit: the timeout frees the window slot, the message stays unknown, the bind goes on",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({
          accounts: { silent: { neverAnswerRatio: 1, receiptDelayMs: 20 } }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-silent",
            routeId: "route-silent",
            prefixes: ["38063"],
            binds: [{ id: "silent-1", systemId: "silent", window: 5 }]
          }
        ])
        yield* Effect.gen(function* () {
          yield* sendTo(accountId, numbers("38063", 25))
          // The first window's worth is swallowed; with the window full nothing else can go until the
          // timeouts free the slots — after which the SMSC answers again.
          yield* waitFor(sim, (c) => c.total.unanswered >= 5)
          sim.configure("silent", { neverAnswerRatio: 0 })
          const rows = yield* eventually(messageRows(accountId), deliveredOrUnknown)
          expect(countByStatus(rows)).toEqual({ DELIVRD: 20, SUBMITTING: 5 })
          const unknown = expectAtMostOnce(sim, ["silent"], rows)
          for (const row of unknown) {
            expect(row.history.at(-1)?.detail).toBe("no submit_sm_resp before the timeout")
            expect(row.smscMessageId).toBeNull()
          }
          // Their receipts came, but with SMSC ids we never learnt: recorded, not applied.
          const ids = smscIdsByDestination(sim)
          const lostIds = unknown.map((r) => ids.get(destinationOf(r.recipient))!)
          yield* eventually(unmatchedReceipts("op-silent"), (u) => u.length === 5)
          expect((yield* unmatchedReceipts("op-silent")).map((u) => u.smscMessageId).sort()).toEqual(
            lostIds.sort()
          )

          yield* expectQuiet("silent-1")
          // Remembered for a late resp only as long as the tuning says, then forgotten.
          yield* eventually(
            diagnosticsOf("silent-1"),
            (d) => d.lateMessages === 0 && d.lateParts === 0,
            5_000
          )
          expect(yield* sweepNoReportAsIfExpired(unknown.map((r) => r.id))).toBe(5)
          expect(countByStatus(yield* messageRows(accountId))).toEqual({ DELIVRD: 20, NOREPORT: 5 })
        }).pipe(
          Effect.provide(bindActors({ responseTimeoutMs: 300, lateRespMemoryMs: 1_500 })),
          Effect.ensuring(disableBinds(["silent-1"]))
        )
      }),
    60_000
  )

  it.scoped(
    "answering after the timeout: the late resp settles the message ENROUTE with its SMSC id, its receipt DELIVRD",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({
          accounts: { slow: { lateRespRatio: 1, lateRespDelayMs: 700, receiptDelayMs: 20 } }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-slow",
            routeId: "route-slow",
            prefixes: ["38066"],
            binds: [{ id: "slow-1", systemId: "slow", window: 50 }]
          }
        ])
        yield* Effect.gen(function* () {
          yield* sendTo(accountId, numbers("38066", 20))
          // A three-part message whose every part answers late.
          yield* sendTo(accountId, ["+380669999999"], () => "Late but whole. ".repeat(25))
          const rows = yield* settledIn(accountId, ["DELIVRD"])
          expect(rows.length).toBe(21)
          const counts = sim.counts().bySystemId.slow!
          expect(counts.submits).toBe(23)
          expect(counts.duplicates).toBe(0)
          const ids = smscIdsByDestination(sim)
          for (const row of rows) {
            // Unknown first (the timeout), then the late resp's ENROUTE, then the receipt's DELIVRD.
            const steps = row.history.map((h) => `${h.status}:${h.source}`)
            const timedOut = row.history.findIndex((h) => h.detail === "no submit_sm_resp before the timeout")
            expect(timedOut).toBeGreaterThanOrEqual(0)
            expect(steps.indexOf("ENROUTE:bind")).toBeGreaterThan(timedOut)
            expect(steps.indexOf("DELIVRD:receipt")).toBeGreaterThan(steps.indexOf("ENROUTE:bind"))
            if (row.recipient !== "+380669999999")
              expect(row.smscMessageId).toBe(ids.get(destinationOf(row.recipient)))
          }
          expect(yield* unmatchedReceipts("op-slow")).toEqual([])
          const bind = yield* diagnosticsOf("slow-1")
          expect(bind.lateSettled).toBe(21)
          expect(bind.lateIgnored).toBe(0)
          expect(bind.lateMessages).toBe(0)
          expect(bind.lateParts).toBe(0)
          yield* expectQuiet("slow-1")
        }).pipe(
          Effect.provide(bindActors({ responseTimeoutMs: 300 })),
          Effect.ensuring(disableBinds(["slow-1"]))
        )
      }),
    60_000
  )

  it.scoped(
    "generic_nack with the submit's sequence number: a transient refusal, the message goes again",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({
          seed: 11,
          accounts: { nacky: { genericNackRatio: 0.3, genericNackWithSequence: true, receiptDelayMs: 20 } }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-nack",
            routeId: "route-nack",
            prefixes: ["38068"],
            binds: [{ id: "nack-1", systemId: "nacky", window: 10 }]
          }
        ])
        yield* Effect.gen(function* () {
          yield* sendTo(accountId, numbers("38068", 60))
          const rows = yield* settledIn(accountId, ["DELIVRD"])
          expect(rows.length).toBe(60)
          expectAtMostOnce(sim, ["nacky"], rows)
          const counts = sim.counts().bySystemId.nacky!
          expect(counts.genericNacks).toBeGreaterThan(0)
          expect(counts.submits).toBe(60 + counts.genericNacks)
          // Each generic_nack (ESME_RSYSERR) sent its message back to the queue for one more attempt.
          expect(rows.reduce((sum, r) => sum + r.attempts - 1, 0)).toBe(counts.genericNacks)
          yield* expectQuiet("nack-1")
        }).pipe(Effect.provide(bindActors({ maxAttempts: 20 })), Effect.ensuring(disableBinds(["nack-1"])))
      }),
    60_000
  )

  it.scoped(
    "generic_nack without a sequence number: nothing to match it to, so the submit times out as unknown",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({
          accounts: { nack0: { genericNackRatio: 1, genericNackWithSequence: false, receiptDelayMs: 20 } }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-nack0",
            routeId: "route-nack0",
            prefixes: ["38073"],
            binds: [{ id: "nack0-1", systemId: "nack0", window: 5 }]
          }
        ])
        yield* Effect.gen(function* () {
          yield* sendTo(accountId, numbers("38073", 25))
          yield* waitFor(sim, (c) => c.total.genericNacks >= 5)
          sim.configure("nack0", { genericNackRatio: 0 })
          const rows = yield* eventually(messageRows(accountId), deliveredOrUnknown)
          expect(countByStatus(rows)).toEqual({ DELIVRD: 20, SUBMITTING: 5 })
          const unknown = expectAtMostOnce(sim, ["nack0"], rows)
          for (const row of unknown)
            expect(row.history.at(-1)?.detail).toBe("no submit_sm_resp before the timeout")
          // The SMSC took none of them (no id, no receipt): the NOREPORT sweep ends them.
          expect(sim.counts().bySystemId.nack0!.accepted).toBe(20)
          yield* expectQuiet("nack0-1")
          expect(yield* sweepNoReportAsIfExpired(unknown.map((r) => r.id))).toBe(5)
        }).pipe(
          Effect.provide(bindActors({ responseTimeoutMs: 300 })),
          Effect.ensuring(disableBinds(["nack0-1"]))
        )
      }),
    60_000
  )

  it.scoped(
    "the SMSC unbinds mid-stream: the bind answers, reconnects and delivers the rest",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({
          accounts: { quitter: { unbindAfterSubmits: 50, receiptDelayMs: 20 } }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-quit",
            routeId: "route-quit",
            prefixes: ["38091"],
            binds: [{ id: "quit-1", systemId: "quitter", window: 10 }]
          }
        ])
        yield* Effect.gen(function* () {
          yield* sendTo(accountId, numbers("38091", 200))
          const rows = yield* eventually(messageRows(accountId), deliveredOrUnknown)
          const unknown = expectAtMostOnce(sim, ["quitter"], rows)
          const counts = sim.counts().bySystemId.quitter!
          expect(counts.unbindsSent).toBeGreaterThanOrEqual(3)
          expect(counts.binds).toBeGreaterThan(counts.unbindsSent)
          // The SMSC answers every submit before its unbind and refuses later ones (ESME_RINVBNDSTS),
          // so no outcome is unknown: every message is delivered.
          expect(unknown).toEqual([])
          expect(countByStatus(rows)).toEqual({ DELIVRD: 200 })
          yield* expectQuiet("quit-1")
        }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds(["quit-1"])))
      }),
    60_000
  )

  it.scoped(
    "the SMSC refuses the bind: the bind stays down backing off, and binds once the SMSC accepts again",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({
          accounts: { picky: { refuseBindStatus: 0x0d, receiptDelayMs: 20 } }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-picky",
            routeId: "route-picky",
            prefixes: ["38092"],
            binds: [{ id: "picky-1", systemId: "picky", window: 10 }]
          }
        ])
        yield* Effect.gen(function* () {
          yield* sendTo(accountId, numbers("38092", 10))
          yield* waitFor(sim, (c) => c.total.bindsRefused >= 3)
          const down = yield* diagnosticsOf("picky-1")
          expect(["down", "connecting"]).toContain(down.state)
          expect(down.sessions).toBe(0)
          expect(down.lastError).toContain("ESME_RBINDFAIL")
          expect(countByStatus(yield* messageRows(accountId))).toEqual({ QUEUED: 10 })
          // Backing off: with delays doubling up to 400 ms, a second brings a handful of tries, not a storm.
          const before = sim.counts().total.bindsRefused
          yield* Effect.sleep("1 second")
          expect(sim.counts().total.bindsRefused - before).toBeLessThanOrEqual(5)

          sim.configure("picky", { refuseBindStatus: 0 })
          const rows = yield* settledIn(accountId, ["DELIVRD"])
          expect(rows.length).toBe(10)
          expectAtMostOnce(sim, ["picky"], rows)
          expect((yield* diagnosticsOf("picky-1")).sessions).toBe(1)
          yield* expectQuiet("picky-1")
        }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds(["picky-1"])))
      }),
    60_000
  )

  it.scoped(
    "a receipt before its submit_sm_resp: correlated anyway",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({
          accounts: { hasty: { receiptBeforeRespRatio: 1, submitRespDelayMs: 30 } }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-hasty",
            routeId: "route-hasty",
            prefixes: ["38093"],
            binds: [{ id: "hasty-1", systemId: "hasty", window: 20 }]
          }
        ])
        yield* Effect.gen(function* () {
          yield* sendTo(accountId, numbers("38093", 50))
          const rows = yield* settledIn(accountId, ["DELIVRD"])
          expect(rows.length).toBe(50)
          expectAtMostOnce(sim, ["hasty"], rows)
          expect(yield* unmatchedReceipts("op-hasty")).toEqual([])
          yield* expectQuiet("hasty-1")
        }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds(["hasty-1"])))
      }),
    60_000
  )

  it.scoped(
    "a malformed and an oversized PDU mid-stream: each session is dropped, the bind reconnects, the rest goes",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({
          accounts: { garbled: { submitRespDelayMs: 20, receiptDelayMs: 20 } }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-garbled",
            routeId: "route-garbled",
            prefixes: ["38095"],
            binds: [{ id: "garbled-1", systemId: "garbled", window: 10 }]
          }
        ])
        yield* Effect.gen(function* () {
          yield* sendTo(accountId, numbers("38095", 400))
          yield* waitFor(sim, (c) => c.total.submits >= 60)
          expect(sim.sendMalformedPdu("garbled")).toBe(1)
          yield* eventually(diagnosticsOf("garbled-1"), (d) => d.sessions >= 2 && d.state === "bound", 10_000)
          expect((yield* diagnosticsOf("garbled-1")).lastError).toContain("MalformedPdu")
          yield* waitFor(sim, (c) => c.total.submits >= 150)
          expect(sim.sendOversizedPdu("garbled")).toBe(1)
          yield* eventually(diagnosticsOf("garbled-1"), (d) => d.sessions >= 3 && d.state === "bound", 10_000)
          expect((yield* diagnosticsOf("garbled-1")).lastError).toContain("MalformedPdu")

          const rows = yield* eventually(messageRows(accountId), deliveredOrUnknown)
          const unknown = expectAtMostOnce(sim, ["garbled"], rows)
          // At most a window in flight per dropped session, each "connection lost".
          expect(unknown.length).toBeLessThanOrEqual(2 * 10)
          for (const row of unknown)
            expect(row.history.at(-1)?.detail).toBe("connection lost before submit_sm_resp")
          expect((countByStatus(rows).DELIVRD ?? 0) + unknown.length).toBe(400)
          yield* expectQuiet("garbled-1")
        }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds(["garbled-1"])))
      }),
    60_000
  )

  it.scoped(
    "permanent errors: REJECTD with the SMPP status kept, refunded, never resent",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({
          seed: 5,
          accounts: {
            strict: { permanentErrorRatio: 0.3, permanentErrorStatus: ESME_RINVDSTADR, receiptDelayMs: 20 }
          }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-strict",
            routeId: "route-strict",
            prefixes: ["38097"],
            binds: [{ id: "strict-1", systemId: "strict", window: 10 }]
          }
        ])
        yield* Effect.gen(function* () {
          const sent = yield* sendTo(accountId, numbers("38097", 60))
          const rows = yield* settledIn(accountId, ["DELIVRD", "REJECTD"])
          const rejected = rows.filter((r) => r.status === "REJECTD")
          const counts = sim.counts().bySystemId.strict!
          expect(rejected.length).toBe(counts.submitResps[ESME_RINVDSTADR])
          expect(rejected.length).toBeGreaterThan(0)
          expect(counts.submits).toBe(60)
          for (const row of rejected) {
            expect(row.smppStatus).toBe(ESME_RINVDSTADR)
            expect(row.statusReason).toContain("ESME_RINVDSTADR")
            expect(row.refunded).toBe(true)
            expect(row.attempts).toBe(1)
          }
          expectAtMostOnce(sim, ["strict"], rows)
          // Charged for what reached the operator only.
          const perMessage = sent.accepted[0]!.chargeMinor
          expect(yield* balanceOf(accountId)).toBe(100_000_000 - perMessage * (60 - rejected.length))
          yield* expectQuiet("strict-1")
        }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds(["strict-1"])))
      }),
    60_000
  )
})

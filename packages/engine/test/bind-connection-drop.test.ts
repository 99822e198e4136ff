import { expect, layer } from "@effect/vitest"
import type { AccountId } from "@volley/core"
import { Effect } from "effect"
import { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import {
  acceptedByDestination,
  bindActors,
  countByStatus,
  deliveredOrUnknown,
  destinationOf,
  diagnosticsOf,
  disableBinds,
  expectQuiet,
  messageRows,
  numbers,
  sendTo,
  smscIdsByDestination,
  sweepNoReportAsIfExpired,
  unmatchedReceipts
} from "./support/BindScenario.js"
import { engineInfrastructure, eventually, seedSimCatalog } from "./support/EngineHarness.js"

/**
 * The documented rule for a dropped connection (DESIGN.md §2, §7), checked message by message against
 * what reached the simulator:
 * - nothing is sent twice, nothing is lost from Postgres;
 * - a message whose submit_sm_resp came is DELIVRD (its receipt correlated), and reached the SMSC once;
 * - a message in flight when the connection went is not resent: it stays SUBMITTING (ENROUTE to its
 *   sender) with an "unknown" note, reached the SMSC at most once, and there are at most a window's
 *   worth of them per dropped connection;
 * - the receipt of one the SMSC did take cannot be correlated (its SMSC id never reached us): it is
 *   recorded as unknown_id, and the NOREPORT sweep settles the message once its validity has passed.
 */
const expectDocumentedOutcome = (
  sim: SmscSimulator,
  accountId: AccountId,
  operatorId: string,
  systemId: string,
  total: number,
  window: number
) =>
  Effect.gen(function* () {
    const rows = yield* eventually(messageRows(accountId), deliveredOrUnknown, 30_000)
    expect(rows.length).toBe(total)
    expect(sim.counts().bySystemId[systemId]!.drops).toBeGreaterThan(0)
    // Every drop is followed by a new bind — the last one may still be in its back-off when the messages
    // are all settled, so wait for it rather than race it.
    const counts = yield* eventually(
      Effect.sync(() => sim.counts().bySystemId[systemId]!),
      (c) => c.binds > c.drops,
      15_000
    )
    expect(counts.duplicates).toBe(0)

    const accepted = acceptedByDestination(sim, [systemId])
    const delivered = rows.filter((r) => r.status === "DELIVRD")
    const unknown = rows.filter((r) => r.status === "SUBMITTING")
    for (const row of delivered) expect(accepted.get(destinationOf(row.recipient))).toBe(1)
    for (const row of unknown) expect(accepted.get(destinationOf(row.recipient)) ?? 0).toBeLessThanOrEqual(1)
    expect(unknown.length).toBeLessThanOrEqual(counts.drops * window)
    expect(delivered.length + unknown.length).toBe(total)

    // What the SMSC took without our hearing of it: receipts nobody can match, kept as unknown_id.
    const ids = smscIdsByDestination(sim)
    const takenUnheard = unknown.flatMap((r) => {
      const id = ids.get(destinationOf(r.recipient))
      return id === undefined ? [] : [id]
    })
    if (takenUnheard.length > 0) {
      const unmatched = yield* eventually(
        unmatchedReceipts(operatorId),
        (u) => takenUnheard.every((id) => u.some((x) => x.smscMessageId === id && x.reason === "unknown_id")),
        15_000
      )
      expect(unmatched.every((u) => u.reason === "unknown_id")).toBe(true)
    }

    // Validity plus grace later, the sweep gives those their last word.
    if (unknown.length > 0) {
      const swept = yield* sweepNoReportAsIfExpired(unknown.map((r) => r.id))
      expect(swept).toBe(unknown.length)
    }
    const final = yield* messageRows(accountId)
    expect(countByStatus(final)).toEqual(
      unknown.length > 0 ? { DELIVRD: delivered.length, NOREPORT: unknown.length } : { DELIVRD: total }
    )
    return { delivered: delivered.length, unknown: unknown.length, takenUnheard: takenUnheard.length }
  })

layer(engineInfrastructure(), { excludeTestServices: true })(
  "a bind whose connection drops mid-stream",
  (it) => {
    it.scoped(
      "the SMSC closes the connection every N PDUs: the bind reconnects, nothing is sent twice or lost",
      () =>
        Effect.gen(function* () {
          const total = 400
          const window = 20
          const sim = yield* SmscSimulator.scoped({
            accounts: { dropper: { dropAfterPdus: 120, receiptDelayMs: 20 } }
          })
          const accountId = yield* seedSimCatalog(sim.port, [
            {
              operatorId: "op-drop",
              routeId: "route-drop",
              prefixes: ["38067"],
              binds: [{ id: "drop-1", systemId: "dropper", window }]
            }
          ])
          yield* Effect.gen(function* () {
            yield* sendTo(accountId, numbers("38067", total))
            const outcome = yield* expectDocumentedOutcome(
              sim,
              accountId,
              "op-drop",
              "dropper",
              total,
              window
            )
            // The simulator answers everything it read before closing, so what it took was all heard of:
            // the unknown ones are those it never read.
            expect(outcome.takenUnheard).toBe(0)
            const bind = yield* diagnosticsOf("drop-1")
            expect(bind.sessions).toBe(sim.counts().bySystemId.dropper!.binds)
            yield* expectQuiet("drop-1")
          }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds(["drop-1"])))
        }),
      60_000
    )

    it.scoped(
      "the SMSC's connections are dropped at run time with submits in flight: reconnect, rest delivered",
      () =>
        Effect.gen(function* () {
          const total = 400
          const window = 20
          const sim = yield* SmscSimulator.scoped({
            // Answers take a while, so every drop catches a full window in flight.
            accounts: { crash: { submitRespDelayMs: 30, receiptDelayMs: 20 } }
          })
          const accountId = yield* seedSimCatalog(sim.port, [
            {
              operatorId: "op-crash",
              routeId: "route-crash",
              prefixes: ["38050"],
              binds: [{ id: "crash-1", systemId: "crash", window }]
            }
          ])
          yield* Effect.gen(function* () {
            yield* sendTo(accountId, numbers("38050", total))
            yield* Effect.promise(() => sim.waitForCounts((c) => c.total.submits >= 100, 20_000))
            expect(sim.dropConnections("crash")).toBe(1)
            yield* Effect.promise(() =>
              sim.waitForCounts((c) => c.total.binds >= 2 && c.total.submits >= 250, 20_000)
            )
            expect(sim.dropConnections("crash")).toBe(1)
            const outcome = yield* expectDocumentedOutcome(sim, accountId, "op-crash", "crash", total, window)
            expect(outcome.unknown).toBeGreaterThan(0)
            yield* expectQuiet("crash-1")
          }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds(["crash-1"])))
        }),
      60_000
    )
  }
)

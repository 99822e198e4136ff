import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { SendService } from "../src/send/SendService.js"
import { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import {
  engineProcessSuite,
  messageRows,
  numbers,
  SMPP,
  type SniffedConnection,
  sendPath,
  smppSniffer,
  startEngine,
  unanswered,
  waitUntil
} from "./engine-process-harness.js"
import { seedSimCatalog, statusCounts } from "./support/EngineHarness.js"

const WINDOW = 50
const BINDS = [
  { id: "g-1", systemId: "g1", window: WINDOW },
  { id: "g-2", systemId: "g2", window: WINDOW }
]
/** SIGTERM to exit, at most: the drain waits for resps (a few hundred ms here), then unbinds. */
const EXIT_BOUND_MS = 15_000
/** Messages accepted at most; the feed stops at SIGTERM long before. */
const MAX_MESSAGES = 20_000
const BATCH = 500

/** What one bind's connection shows about its shutdown, read off the wire in forwarding order. */
const shutdownOf = (connection: SniffedConnection, sigtermAt: number) => {
  const pdus = connection.pdus
  const unbindAt = pdus.findIndex((p) => p.direction === "out" && p.commandId === SMPP.unbind)
  const before = unbindAt < 0 ? pdus : pdus.slice(0, unbindAt)
  const after = unbindAt < 0 ? [] : pdus.slice(unbindAt + 1)
  return {
    /** Still open at the signal (a session that ended earlier, e.g. a reconnect, is not this test's). */
    openAtSigterm: connection.closedAt === undefined || connection.closedAt >= sigtermAt,
    bound: pdus.some(
      (p) => p.direction === "in" && p.commandId === SMPP.bind_transceiver_resp && p.status === 0
    ),
    unbound: unbindAt >= 0,
    submits: before.filter((p) => p.direction === "out" && p.commandId === SMPP.submit_sm).length,
    /** submit_sm whose answer had not reached the engine when its unbind left: must be none. */
    unansweredAtUnbind: unanswered(before).size,
    submitsAfterUnbind: after.filter((p) => p.direction === "out" && p.commandId === SMPP.submit_sm).length,
    /** Answers that reached the engine between the signal and its unbind: the drain at work. */
    respsAfterSigterm: before.filter(
      (p) => p.direction === "in" && p.commandId === SMPP.submit_sm_resp && p.at >= sigtermAt
    ).length,
    unbindResp: after.some((p) => p.direction === "in" && p.commandId === SMPP.unbind_resp),
    lastSubmitToUnbindMs:
      unbindAt < 0
        ? undefined
        : pdus[unbindAt]!.at -
          (before.findLast((p) => p.direction === "out" && p.commandId === SMPP.submit_sm)?.at ?? 0)
  }
}

layer(engineProcessSuite(), { excludeTestServices: true })("engine process stopped with SIGTERM", (it) => {
  it.scoped(
    "drains in-flight submits, records every outcome, unbinds every bind and exits 0 by itself",
    () =>
      Effect.gen(function* () {
        // Resps take ~250 ms, so each bind keeps about its whole window in flight: a SIGTERM always
        // catches submits on the wire. The sniffer between engine and SMSC sees the order of things.
        const sim = yield* SmscSimulator.scoped({
          defaults: {
            password: "secret",
            submitRespDelayMs: 200,
            submitRespJitterMs: 100,
            receiptDelayMs: 100
          },
          accounts: { g1: {}, g2: {} }
        })
        const sniffer = yield* smppSniffer({ host: sim.host, port: sim.port })
        const accountId = yield* seedSimCatalog(sniffer.port, [
          { operatorId: "opg", routeId: "route-g", prefixes: ["38050"], binds: BINDS }
        ])

        const engine = yield* startEngine("engine")
        yield* waitUntil(
          "both binds bound",
          Effect.sync(() => sim.counts().bySystemId),
          (by) => BINDS.every((b) => (by[b.systemId]?.binds ?? 0) >= 1),
          { timeoutMs: 60_000, everyMs: 50, engines: [engine] }
        )

        // Traffic keeps coming until the signal, a bounded backlog ahead of the engine.
        const feed = yield* Effect.gen(function* () {
          const send = yield* SendService
          for (let offset = 0; offset < MAX_MESSAGES; offset += BATCH) {
            while (offset - sim.counts().total.submits > 2_000) yield* Effect.sleep("20 millis")
            const messages = numbers("38050", BATCH, offset).map((to) => ({ to, text: `Shutdown ${to}` }))
            yield* send.accept({ accountId, sender: "Volley", messages })
          }
        }).pipe(Effect.provide(sendPath), Effect.fork)

        yield* waitUntil(
          "submits in flight",
          Effect.sync(() => ({ submits: sim.counts().total.submits, inFlight: sniffer.inFlight() })),
          (s) => s.submits >= 1_000 && s.inFlight >= WINDOW,
          { timeoutMs: 60_000, everyMs: 5, engines: [engine] }
        )
        const inFlightAtSigterm = sniffer.inFlight()
        const sigtermAt = Date.now()
        engine.signal("SIGTERM")
        yield* Fiber.interrupt(feed)

        const exit = yield* engine.awaitExit(EXIT_BOUND_MS)
        if (exit === undefined) {
          return yield* Effect.dieMessage(
            `engine still running ${EXIT_BOUND_MS} ms after SIGTERM\n--- engine output ---\n${engine.tail()}`
          )
        }
        // runMain interrupts the main fiber on SIGTERM; an interruption alone is a clean exit: code 0.
        expect({ code: exit.code, signal: exit.signal }, engine.tail()).toEqual({ code: 0, signal: null })
        const exitMs = exit.at - sigtermAt

        // ---- on the wire: drained, then unbound ----
        const shutdowns = sniffer
          .connections()
          .map((c) => shutdownOf(c, sigtermAt))
          .filter((s) => s.bound && s.openAtSigterm)
        expect(shutdowns.length).toBe(BINDS.length)
        for (const s of shutdowns) {
          expect(s, "every bound session ended with our unbind").toMatchObject({
            unbound: true,
            unansweredAtUnbind: 0,
            submitsAfterUnbind: 0,
            unbindResp: true
          })
        }
        // Submits were in flight at the signal and their answers were waited for.
        expect(shutdowns.reduce((n, s) => n + s.respsAfterSigterm, 0)).toBeGreaterThan(0)
        const counts = sim.counts()
        for (const b of BINDS) expect(counts.bySystemId[b.systemId]?.unbinds ?? 0).toBeGreaterThanOrEqual(1)

        // ---- in Postgres: every submit that left has its outcome recorded ----
        const statuses = yield* statusCounts(accountId)
        expect(statuses.SUBMITTING ?? 0).toBe(0)
        const rows = yield* messageRows(accountId)
        const sent = rows.filter((r) => r.smscMessageId !== null)
        expect(counts.total.duplicates).toBe(0)
        // Each submit the SMSC accepted is a message whose SMSC id we stored.
        expect(sent.length).toBe(counts.total.accepted)
        const recorded = new Set(sent.map((r) => r.recipient.slice(1)))
        expect(sim.receivedSubmits().filter((s) => s.accepted && !recorded.has(s.destinationAddr))).toEqual(
          []
        )
        // Nothing claimed was left behind: what was not sent is still QUEUED for the next engine.
        const sql = yield* SqlClient.SqlClient
        const [claimedUnsent] = yield* sql<{ n: number }>`
          SELECT count(*)::int8 AS n FROM messages
          WHERE account_id = ${accountId} AND status <> 'QUEUED' AND smsc_message_id IS NULL`.pipe(
          Effect.orDie
        )
        expect(claimedUnsent?.n).toBe(0)

        console.log(
          [
            `[engine-process-shutdown] SIGTERM with ${inFlightAtSigterm} submits in flight after ${counts.total.submits} submits`,
            `  exited with code ${exit.code} after ${exitMs} ms (bound ${EXIT_BOUND_MS} ms)`,
            ...shutdowns.map(
              (s, i) =>
                `  session ${i + 1}: ${s.submits} submits, ${s.respsAfterSigterm} resps drained after SIGTERM, unbind ${s.lastSubmitToUnbindMs} ms after the last submit, 0 unanswered at unbind`
            ),
            `  messages: ${JSON.stringify(statuses)}`
          ].join("\n")
        )
      }),
    120_000
  )
})

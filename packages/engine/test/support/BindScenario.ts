import { SqlClient } from "@effect/sql"
import type { AccountId, BindId } from "@volley/core"
import { Effect, Layer } from "effect"
import { expect } from "vitest"
import type { BindDiagnostics } from "../../src/bind/BindActor.js"
import { BindSupervisor } from "../../src/bind/BindSupervisor.js"
import { BindTuning, type BindTuningSettings } from "../../src/bind/BindTuning.js"
import { CatalogRepo } from "../../src/catalog/CatalogRepo.js"
import { RoutingCatalog } from "../../src/catalog/RoutingCatalog.js"
import { DlrCorrelator, type DlrCorrelatorOptions } from "../../src/dlr/DlrCorrelator.js"
import { makeNoReportSweep } from "../../src/recovery/NoReportSweeper.js"
import { SendService } from "../../src/send/SendService.js"
import type { SmscSimulator } from "../../src/smsc-sim/SmscSimulator.js"
import { eventually } from "./EngineHarness.js"

/**
 * Bind tuning for tests: responses time out in a fraction of a second, reconnects and retries come
 * within a second, so misbehaving-SMSC scenarios finish in seconds.
 */
export const fastTuning: Partial<BindTuningSettings> = {
  responseTimeoutMs: 400,
  drainTimeoutMs: 3_000,
  connectTimeoutMs: 2_000,
  maxAttempts: 10,
  retryDelayMs: 50,
  maxRetryDelayMs: 400,
  reconnectMinMs: 50,
  reconnectMaxMs: 400,
  resendDelayMs: 20
}

/** Receipts that match nothing are retried for about two seconds, then recorded as unknown_id. */
export const fastCorrelator: DlrCorrelatorOptions = {
  retryDelayMs: 100,
  maxRetryDelayMs: 400,
  maxRedeliveries: 6
}

/** The send path, the binds (with `tuning`) and the correlator, on the infrastructure of the suite. */
export const bindActors = (
  tuning: Partial<BindTuningSettings> = {},
  correlator: DlrCorrelatorOptions = fastCorrelator
) =>
  Layer.mergeAll(SendService.Default, BindSupervisor.Default, DlrCorrelator.layer(correlator)).pipe(
    Layer.provide(BindTuning.layer({ ...fastTuning, ...tuning })),
    Layer.provideMerge(RoutingCatalog.Default)
  )

/** `count` distinct numbers under `prefix` (E.164 with "+"). */
export const numbers = (prefix: string, count: number, offset = 0) =>
  Array.from({ length: count }, (_, i) => `+${prefix}${String(1_000_000 + offset + i).slice(-7)}`)

/** Sends one short message to each number; every one must be accepted. */
export const sendTo = (
  accountId: AccountId,
  recipients: ReadonlyArray<string>,
  text = (to: string) => `Hi ${to}`
) =>
  Effect.gen(function* () {
    const send = yield* SendService
    const result = yield* send.accept({
      accountId,
      sender: "Volley",
      messages: recipients.map((to) => ({ to, text: text(to) }))
    })
    expect(result.accepted.length).toBe(recipients.length)
    return result
  })

export interface HistoryEntry {
  readonly at: string
  readonly status: string
  readonly source: string
  readonly detail?: string
  readonly smppStatus?: number
}

export interface MessageRow {
  readonly id: string
  readonly recipient: string
  readonly status: string
  readonly statusReason: string | null
  readonly smppStatus: number | null
  readonly smscMessageId: string | null
  readonly attempts: number
  readonly refunded: boolean
  readonly chargeMinor: number
  readonly history: ReadonlyArray<HistoryEntry>
}

/** Every message of an account as Postgres has it. */
export const messageRows = (accountId: AccountId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<Omit<MessageRow, "chargeMinor"> & { chargeMinor: string | number }>`
      SELECT id, recipient, status, status_reason, smpp_status, smsc_message_id, attempts, refunded,
             charge_minor, history
      FROM messages WHERE account_id = ${accountId} ORDER BY recipient`
    return rows.map((r) => ({ ...r, chargeMinor: Number(r.chargeMinor) }) as MessageRow)
  }).pipe(Effect.orDie)

/** Counts by status of an account's messages. */
export const countByStatus = (rows: ReadonlyArray<MessageRow>) => {
  const counts: Record<string, number> = {}
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1
  return counts
}

/** Waits until every message of the account is in one of `statuses`; returns the rows. */
export const settledIn = (accountId: AccountId, statuses: ReadonlyArray<string>, timeoutMs = 30_000) =>
  eventually(
    messageRows(accountId),
    (rows) => rows.length > 0 && rows.every((r) => statuses.includes(r.status)),
    timeoutMs
  )

export interface UnmatchedRow {
  readonly operatorId: string
  readonly smscMessageId: string
  readonly stat: string
  readonly reason: string
}

export const unmatchedReceipts = (operatorId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<UnmatchedRow>`
      SELECT operator_id, smsc_message_id, stat, reason FROM unmatched_receipts
      WHERE operator_id = ${operatorId} ORDER BY smsc_message_id`
  }).pipe(Effect.orDie)

export const balanceOf = (accountId: AccountId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ balanceMinor: string | number }>`
      SELECT balance_minor FROM accounts WHERE id = ${accountId}`
    return Number(rows[0]?.balanceMinor)
  }).pipe(Effect.orDie)

/** The diagnostics of one running bind actor. */
export const diagnosticsOf = (bindId: string) =>
  Effect.gen(function* () {
    const all = yield* (yield* BindSupervisor).diagnostics
    const found = all.find((d) => d.bindId === bindId)
    if (found === undefined) return yield* Effect.dieMessage(`bind ${bindId} is not running`)
    return found
  })

/**
 * Nothing piles up in the bind once the traffic is over: its window is empty, every message taken is
 * settled, nothing waits to be resent, and it is bound. (Late-resp memory is bounded separately.)
 */
export const expectQuiet = (bindId: string, timeoutMs = 10_000) =>
  eventually(
    diagnosticsOf(bindId),
    (d: BindDiagnostics) =>
      d.state === "bound" &&
      d.smppInFlight === 0 &&
      d.unsettled === 0 &&
      d.inflightMessages === 0 &&
      d.resendsWaiting === 0,
    timeoutMs
  )

/** Stops routing to binds of a finished scenario, so the next one's supervisor does not start them. */
export const disableBinds = (ids: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const catalog = yield* CatalogRepo
    for (const id of ids) yield* catalog.setBindEnabled(id as BindId, false)
  }).pipe(Effect.orDie)

/** How many times the simulator accepted (assigned an id to) a submit to each destination. */
export const acceptedByDestination = (sim: SmscSimulator, systemIds?: ReadonlyArray<string>) => {
  const counts = new Map<string, number>()
  for (const submit of sim.receivedSubmits()) {
    if (systemIds !== undefined && !systemIds.includes(submit.systemId)) continue
    if (!submit.accepted) continue
    counts.set(submit.destinationAddr, (counts.get(submit.destinationAddr) ?? 0) + 1)
  }
  return counts
}

/** The SMSC ids the simulator assigned per destination (single-part messages). */
export const smscIdsByDestination = (sim: SmscSimulator) => {
  const ids = new Map<string, string>()
  for (const submit of sim.receivedSubmits())
    if (submit.messageId !== undefined) ids.set(submit.destinationAddr, submit.messageId)
  return ids
}

export const destinationOf = (recipient: string) => recipient.replace(/^\+/, "")

/**
 * "Validity plus grace has passed" for these messages — moved back in time rather than waited for —
 * then one NOREPORT sweep. Returns how many it swept.
 */
export const sweepNoReportAsIfExpired = (ids: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`
      UPDATE messages SET
        updated_at = updated_at - (validity_seconds + 7200) * interval '1 second',
        submitted_at = submitted_at - (validity_seconds + 7200) * interval '1 second'
      WHERE id = ANY(${ids}::uuid[])`
    const sweep = yield* makeNoReportSweep({ grace: "1 hour" })
    return yield* sweep
  }).pipe(Effect.orDie)

/** A history entry saying the submit's outcome became unknown (timeout or dropped connection). */
export const unknownOutcome = (row: MessageRow) =>
  row.history.some(
    (h) =>
      h.status === "SUBMITTING" &&
      h.source === "bind" &&
      /no submit_sm_resp before the timeout|connection lost before submit_sm_resp/.test(h.detail ?? "")
  )

/** Every message is DELIVRD, or its submit's outcome is unknown (SUBMITTING, shown ENROUTE). */
export const deliveredOrUnknown = (rows: ReadonlyArray<MessageRow>) =>
  rows.length > 0 &&
  rows.every((r) => r.status === "DELIVRD" || (r.status === "SUBMITTING" && unknownOutcome(r)))

/**
 * The at-most-once rule (DESIGN.md §7) message by message against what reached the simulator: nothing
 * accepted twice; a DELIVRD message was accepted exactly once; a message whose outcome is unknown was
 * accepted at most once (not resent). Returns the unknown ones.
 */
export const expectAtMostOnce = (
  sim: SmscSimulator,
  systemIds: ReadonlyArray<string>,
  rows: ReadonlyArray<MessageRow>
) => {
  for (const systemId of systemIds) expect(sim.counts().bySystemId[systemId]?.duplicates).toBe(0)
  const accepted = acceptedByDestination(sim, systemIds)
  for (const row of rows) {
    const times = accepted.get(destinationOf(row.recipient)) ?? 0
    if (row.status === "DELIVRD") expect(times).toBe(1)
    else expect(times).toBeLessThanOrEqual(1)
  }
  return rows.filter((r) => r.status === "SUBMITTING")
}

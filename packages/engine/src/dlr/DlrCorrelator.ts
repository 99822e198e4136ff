import { SqlClient } from "@effect/sql"
import { decodeReceiptEvent, FINAL_STATUSES, type MessageId, type ReceiptEvent } from "@volley/core"
import { Chunk, Effect, Either, Layer, type Schedule, Stream } from "effect"
import { Bus, type Delivery } from "../bus/Bus.js"
import { publishStatusChanges } from "../bus/statusEvents.js"
import { RoutingCatalog } from "../catalog/RoutingCatalog.js"
import { type CorrelationKey, CorrelationStore } from "../hotmap/CorrelationStore.js"
import { type CorrelatedReceipt, MessageTransitions } from "../message/MessageTransitions.js"
import { defaultRestartSchedule, supervise } from "../recovery/supervise.js"
import { receiptIdReadings } from "./receiptIds.js"

export interface DlrCorrelatorOptions {
  /**
   * Receipts per batch at most: one cache lookup, one query and one transaction each (default 1,000). A
   * batch is what one pull brought: while a batch is applied the next receipts gather on the bus, so
   * batches grow with the load without a timer.
   */
  readonly batchSize?: number | undefined
  /** Unsettled receipts held at once, including those waiting to be redelivered (default 5,000). */
  readonly maxInFlight?: number | undefined
  /**
   * Redeliveries of a receipt nobody's submit_sm_resp claims before it is recorded as `unknown_id`
   * (default 20: about four minutes with the default delays).
   */
  readonly maxRedeliveries?: number | undefined
  /** Delay before the first redelivery; it doubles each time (default 50 ms)… */
  readonly retryDelayMs?: number | undefined
  /** …up to this (default 15 s). */
  readonly maxRetryDelayMs?: number | undefined
  /** Restarts after a crash (default: 1 s doubling to 30 s, jittered). */
  readonly restartSchedule?: Schedule.Schedule<unknown, unknown> | undefined
}

const WORKER = "dlr-correlator"
const FINALS = [...FINAL_STATUSES]

/** A receipt off the bus with the ids its message may be stored under, best first. */
interface Incoming {
  readonly delivery: Delivery
  readonly event: ReceiptEvent
  readonly ids: ReadonlyArray<string>
}

/** Which message (part) a receipt is about, and the stored id that said so. */
interface Match {
  readonly messageId: string
  readonly part: number
  readonly smscMessageId: string
}

/**
 * Delivery receipts → message statuses (DESIGN.md §2, §4, §11). Per batch of up to 1,000 receipts: one
 * hot-map lookup, one Postgres query for what the hot map did not know, one transaction applying the
 * statuses, then the status events and the acks. A receipt that matches nothing yet may have overtaken
 * its submit_sm_resp, so it is redelivered later with a growing delay; after `maxRedeliveries` it is
 * recorded in `unmatched_receipts` as `unknown_id` and acked. Several instances share the bus consumer;
 * everything they write is guarded by the transition table, so a redelivered receipt is never applied
 * twice.
 */
export const makeDlrCorrelator = (options: DlrCorrelatorOptions = {}) =>
  Effect.gen(function* () {
    const batchSize = Math.max(1, options.batchSize ?? 1_000)
    const maxRedeliveries = options.maxRedeliveries ?? 20
    // A receipt usually overtakes its own settlement by milliseconds (the bind records the SMSC id after
    // its batch commits): retry soon, then back off for ids that really are unknown.
    const retryDelayMs = options.retryDelayMs ?? 50
    const maxRetryDelayMs = options.maxRetryDelayMs ?? 15_000
    const bus = yield* Bus
    const sql = yield* SqlClient.SqlClient
    const catalog = yield* RoutingCatalog
    const store = yield* CorrelationStore
    const transitions = yield* MessageTransitions

    const delayFor = (redelivered: number) =>
      Math.min(maxRetryDelayMs, retryDelayMs * 2 ** Math.min(redelivered, 30))

    /** One `getMany` for every reading of every receipt; per receipt the first hit is its best reading. */
    const fromCache = (batch: ReadonlyArray<Incoming>) =>
      Effect.gen(function* () {
        const matches = new Array<Match | undefined>(batch.length)
        const keys: Array<CorrelationKey> = []
        const owners: Array<number> = []
        batch.forEach((r, i) => {
          for (const id of r.ids) {
            keys.push({ operatorId: r.event.operatorId, smscMessageId: id })
            owners.push(i)
          }
        })
        if (keys.length === 0) return matches
        const found = yield* store
          .getMany(keys)
          .pipe(
            Effect.catchAll((error) =>
              Effect.logWarning("correlation cache unavailable; asking Postgres", error).pipe(
                Effect.as([] as ReadonlyArray<undefined>)
              )
            )
          )
        keys.forEach((key, k) => {
          const hit = found[k]
          const i = owners[k]!
          if (hit !== undefined && matches[i] === undefined)
            matches[i] = { messageId: hit.messageId, part: hit.part, smscMessageId: key.smscMessageId }
        })
        return matches
      })

    /**
     * One query for every receipt the cache did not know: single-part messages carry their SMSC id on
     * the message row (part 1), concatenated ones per part. Ids wrap, so the newest match wins. A reading
     * other than the exact one only counts for a message still waiting for a receipt: it is a guess, and
     * must not swallow a receipt meant for a message that has not been recorded yet.
     */
    const fromPostgres = (batch: ReadonlyArray<Incoming>, misses: ReadonlyArray<number>) =>
      Effect.gen(function* () {
        const ops: Array<string> = []
        const ids: Array<string> = []
        const idx: Array<number> = []
        const rank: Array<number> = []
        for (const i of misses) {
          const r = batch[i]!
          r.ids.forEach((id, n) => {
            ops.push(r.event.operatorId)
            ids.push(id)
            idx.push(i)
            rank.push(n)
          })
        }
        if (ids.length === 0) return []
        return yield* sql<{ idx: number; messageId: string; part: number; smsc: string }>`
          SELECT DISTINCT ON (k.idx) k.idx, c.message_id, c.part, k.smsc
          FROM unnest(${ops}::text[], ${ids}::text[], ${idx}::int4[], ${rank}::int4[]) AS k(op, smsc, idx, rank)
          CROSS JOIN LATERAL (
            SELECT m.id AS message_id, 1 AS part, m.status, m.submitted_at, m.created_at
            FROM messages m
            WHERE m.operator_id = k.op AND m.smsc_message_id = k.smsc AND m.parts = 1
            UNION ALL
            SELECT p.message_id, p.seq::int4, p.status, m.submitted_at, m.created_at
            FROM message_parts p JOIN messages m ON m.id = p.message_id
            WHERE p.operator_id = k.op AND p.smsc_message_id = k.smsc
          ) c
          WHERE k.rank = 0 OR NOT (c.status = ANY(${FINALS}::text[]))
          ORDER BY k.idx, k.rank, c.submitted_at DESC NULLS LAST, c.created_at DESC`.pipe(Effect.orDie)
      })

    const correlate = (deliveries: ReadonlyArray<Delivery>) =>
      Effect.gen(function* () {
        const snapshot = yield* catalog.snapshot
        const batch: Array<Incoming> = []
        for (const delivery of deliveries) {
          const decoded = decodeReceiptEvent(delivery.data)
          if (Either.isLeft(decoded)) {
            // Not ours to fix and it would never decode on a redelivery either.
            yield* Effect.logError(`undecodable receipt ${delivery.msgId} dropped`, decoded.left.message)
            yield* delivery.term()
            continue
          }
          const event = decoded.right
          const format = snapshot.operators.get(event.operatorId)?.messageIdFormat ?? "string"
          batch.push({ delivery, event, ids: receiptIdReadings(event.smscMessageId, format) })
        }
        if (batch.length === 0) return

        const matches = yield* fromCache(batch)
        const misses = batch.flatMap((r, i) => (matches[i] === undefined && r.ids.length > 0 ? [i] : []))
        if (misses.length > 0) {
          for (const row of yield* fromPostgres(batch, misses))
            matches[row.idx] = { messageId: row.messageId, part: row.part, smscMessageId: row.smsc }
        }

        const correlated: Array<CorrelatedReceipt> = []
        const operatorOf = new Map<CorrelatedReceipt, string>()
        const settled: Array<Delivery> = []
        const unknown: Array<Incoming> = []
        const waiting: Array<Incoming> = []
        batch.forEach((r, i) => {
          const match = matches[i]
          if (match !== undefined) {
            const receipt: CorrelatedReceipt = {
              messageId: match.messageId as MessageId,
              part: match.part,
              status: r.event.status,
              err: r.event.err,
              smscMessageId: match.smscMessageId,
              receivedAt: r.event.receivedAt
            }
            correlated.push(receipt)
            operatorOf.set(receipt, r.event.operatorId)
            settled.push(r.delivery)
          } else if (r.ids.length === 0 || r.delivery.redelivered >= maxRedeliveries) {
            unknown.push(r)
            settled.push(r.delivery)
          } else waiting.push(r)
        })

        const changes =
          correlated.length === 0
            ? []
            : yield* transitions
                .applyReceipts(correlated, (r) => operatorOf.get(r) ?? "")
                .pipe(
                  // what did commit is announced before the batch is retried
                  Effect.catchTag("ReceiptsPartlyApplied", (partly) =>
                    Effect.zipRight(publishStatusChanges(bus, partly.changes), Effect.failCause(partly.cause))
                  )
                )
        if (unknown.length > 0) {
          yield* transitions.recordUnmatched(
            unknown.map((r) => ({
              operatorId: r.event.operatorId,
              smscMessageId: r.ids[0] ?? r.event.smscMessageId,
              stat: r.event.stat,
              reason: "unknown_id" as const,
              raw: r.event.raw
            }))
          )
          yield* Effect.logWarning(`${unknown.length} receipt(s) matched no message; recorded as unknown_id`)
        }
        yield* publishStatusChanges(bus, changes)

        // A part with its final receipt needs no correlation any more; the rest expire on their own.
        const done = correlated.flatMap((r) =>
          FINAL_STATUSES.has(r.status)
            ? [{ operatorId: operatorOf.get(r) ?? "", smscMessageId: r.smscMessageId }]
            : []
        )
        if (done.length > 0) yield* store.deleteMany(done).pipe(Effect.catchAll(() => Effect.void))

        for (const d of settled) d.ackNow()
        for (const r of waiting) r.delivery.nakNow(delayFor(r.delivery.redelivered))
      })

    /** A failed batch (Postgres away) comes back later as a whole; nothing in it was acked. */
    const correlateOrRetry = (deliveries: ReadonlyArray<Delivery>) =>
      correlate(deliveries).pipe(
        Effect.catchAllCause((cause) =>
          Effect.logError(`receipt batch of ${deliveries.length} failed; redelivering`, cause).pipe(
            Effect.zipRight(
              Effect.sync(() => {
                for (const d of deliveries) d.nakNow(delayFor(d.redelivered))
              })
            )
          )
        ),
        Effect.withSpan("DlrCorrelator.batch", { attributes: { size: deliveries.length } })
      )

    return bus
      .consumeReceipts({ batch: batchSize, maxInFlight: Math.max(batchSize, options.maxInFlight ?? 5_000) })
      .pipe(
        Stream.chunks,
        Stream.mapEffect((chunk) => correlateOrRetry(Chunk.toReadonlyArray(chunk))),
        Stream.runDrain
      )
  })

/** The correlator as a background worker of the layer's scope, restarted whenever it crashes. */
export const DlrCorrelator = {
  layer: (options: DlrCorrelatorOptions = {}) =>
    Layer.scopedDiscard(
      makeDlrCorrelator(options).pipe(
        Effect.flatMap((run) =>
          Effect.forkScoped(supervise(WORKER, run, options.restartSchedule ?? defaultRestartSchedule))
        )
      )
    )
}

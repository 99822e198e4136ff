import { SqlClient } from "@effect/sql"
import { Chunk, Effect, Schedule, Stream } from "effect"
import { Bus, type Delivery } from "../bus/Bus.js"
import { decodeStatusEvents, type StatusChange } from "../bus/statusEvents.js"
import { statusEvent, webhookRank } from "./events.js"
import { type OutboxEntry, WebhookOutbox } from "./WebhookOutbox.js"

export interface WebhookIntakeOptions {
  /** Bus messages (each a batch of one account's events) per outbox write (default 200). */
  readonly batch?: number | undefined
  readonly maxInFlight?: number | undefined
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const isStatusChange = (v: unknown): v is StatusChange & { at: number } => {
  const e = v as Record<string, unknown> | null
  return (
    e !== null &&
    typeof e === "object" &&
    typeof e.messageId === "string" &&
    UUID.test(e.messageId) &&
    typeof e.accountId === "string" &&
    UUID.test(e.accountId) &&
    typeof e.status === "string" &&
    typeof e.recipient === "string" &&
    typeof e.at === "number"
  )
}

/** Postgres away: keep the chunk and try again, in place, so later chunks cannot overtake it. */
const retryWrite = Schedule.union(Schedule.exponential("100 millis"), Schedule.spaced("5 seconds"))

/**
 * Status events → the webhook outbox. Per chunk of bus messages: decode, keep ENROUTE/NOREPORT/final
 * events of accounts that have a webhook, write them in one statement (in bus order), and only then ack
 * the whole chunk: once acked, an event is in Postgres. A crash before the commit leaves the chunk
 * unacked (redelivered; the outbox's unique key drops what was already stored). `onStored` rings the
 * dispatcher's bell.
 */
export const makeWebhookIntake = (onStored: Effect.Effect<void>, options: WebhookIntakeOptions = {}) =>
  Effect.gen(function* () {
    const bus = yield* Bus
    const sql = yield* SqlClient.SqlClient
    const outbox = yield* WebhookOutbox
    const batch = Math.max(1, options.batch ?? 200)

    const withWebhook = (accountIds: ReadonlyArray<string>) =>
      sql<{ id: string }>`
        SELECT id FROM accounts WHERE id = ANY(${accountIds}::uuid[]) AND webhook_url IS NOT NULL`.pipe(
        Effect.map((rows) => new Set(rows.map((r) => r.id)))
      )

    const store = (changes: ReadonlyArray<StatusChange & { at: number }>) =>
      Effect.gen(function* () {
        if (changes.length === 0) return 0
        const accounts = yield* withWebhook([...new Set(changes.map((c) => c.accountId))])
        // Within the chunk too, a status never goes out after a later one of the same message.
        const highest = new Map<string, number>()
        const entries: Array<OutboxEntry> = []
        for (const c of changes) {
          const rank = webhookRank(c.status)
          if (rank === 0 || !accounts.has(c.accountId)) continue
          if (rank < (highest.get(c.messageId) ?? 0)) continue
          highest.set(c.messageId, rank)
          entries.push({
            accountId: c.accountId,
            messageId: c.messageId,
            status: c.status,
            rank,
            payload: statusEvent(c)
          })
        }
        return yield* outbox.enqueue(entries)
      })

    const take = (deliveries: ReadonlyArray<Delivery>) =>
      Effect.gen(function* () {
        const changes: Array<StatusChange & { at: number }> = []
        const kept: Array<Delivery> = []
        for (const d of deliveries) {
          let events: ReadonlyArray<unknown>
          try {
            events = decodeStatusEvents(d.data)
          } catch {
            yield* Effect.logError(`undecodable status message ${d.msgId} dropped`)
            yield* d.term()
            continue
          }
          if (Array.isArray(events)) changes.push(...events.filter(isStatusChange))
          kept.push(d)
        }
        const stored = yield* store(changes).pipe(
          Effect.tapError((error) =>
            Effect.logWarning("webhook outbox write failed; retrying", error).pipe(
              Effect.zipRight(Effect.forEach(kept, (d) => d.working(), { discard: true }))
            )
          ),
          Effect.retry(retryWrite)
        )
        for (const d of kept) d.ackNow()
        if (stored > 0) yield* onStored
      }).pipe(Effect.withSpan("WebhookIntake.chunk", { attributes: { size: deliveries.length } }))

    return bus
      .consumeStatus("webhooks", { batch, maxInFlight: Math.max(batch, options.maxInFlight ?? 1_000) })
      .pipe(
        Stream.chunks,
        Stream.mapEffect((chunk) => take(Chunk.toReadonlyArray(chunk))),
        Stream.runDrain
      )
  })

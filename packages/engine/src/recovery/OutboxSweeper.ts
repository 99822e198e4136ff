import { SqlClient } from "@effect/sql"
import {
  type AccountId,
  type E164,
  encodeSubmitJob,
  type MessageId,
  type RouteId,
  SubmitJob
} from "@volley/core"
import { Duration, Effect, Either, Layer, type Schedule } from "effect"
import { Bus, type Outgoing } from "../bus/Bus.js"
import { defaultRestartSchedule, repeatEvery, supervise } from "./supervise.js"

export interface OutboxSweeperOptions {
  /** Time between sweeps (default 5 s). */
  readonly interval?: Duration.DurationInput | undefined
  /**
   * A QUEUED message published longer ago than this is presumed lost (a crash between commit and
   * publish, DESIGN §7) and published again (default 2 minutes).
   */
  readonly publishTimeout?: Duration.DurationInput | undefined
  /** Messages per page: one statement and one publish per route each (default 1,000). */
  readonly pageSize?: number | undefined
  /** Pages per sweep at most, so a sweep stays bounded; the next sweep goes on (default 100). */
  readonly maxPagesPerSweep?: number | undefined
  /**
   * Routes with more jobs than this waiting on the bus are draining a backlog: their stale-looking
   * messages are most likely still on the bus, so they are not re-published until it drains (default 0).
   */
  readonly busyBacklog?: number | undefined
  /** Restarts after a crash (default: 1 s doubling to 30 s, jittered). */
  readonly restartSchedule?: Schedule.Schedule<unknown, unknown> | undefined
}

interface DueRow {
  readonly id: MessageId
  readonly accountId: AccountId
  readonly routeId: RouteId
  readonly attempts: number
  readonly recipient: E164
  readonly sender: string
  readonly body: string
  readonly validitySeconds: number
  readonly maxParts: number
  readonly createdAt: string
}

const WORKER = "outbox-sweeper"

/**
 * The outbox (DESIGN.md §7): QUEUED messages that are due but not on the bus — scheduled ones whose time
 * came, and ones whose publish after the commit never happened (process died) or failed — are
 * published as submit jobs. Rows are taken with `FOR UPDATE SKIP LOCKED` and stamped `published_at`
 * in the same statement, so two engine instances never take the same row and no row lock is held while
 * publishing; a publish that fails clears the stamp, so the next sweep tries again. A re-published job
 * that turns out to be a duplicate is harmless: a BindActor claims (QUEUED → SUBMITTING) before sending.
 */
export const makeOutboxSweep = (options: OutboxSweeperOptions = {}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const bus = yield* Bus
    const pageSize = Math.max(1, options.pageSize ?? 1_000)
    const maxPages = Math.max(1, options.maxPagesPerSweep ?? 100)
    const busyBacklog = options.busyBacklog ?? 0
    const timeoutMs = Duration.toMillis(options.publishTimeout ?? "2 minutes")

    /** Routes whose backlog explains their old QUEUED rows; asked only for routes that have some. */
    const busyRoutes = Effect.gen(function* () {
      const stale = yield* sql<{ routeId: string }>`
        SELECT DISTINCT route_id FROM messages
        WHERE status = 'QUEUED' AND published_at < now() - ${timeoutMs}::float8 * interval '1 millisecond'`.pipe(
        Effect.orDie
      )
      const busy: Array<string> = []
      yield* Effect.forEach(
        stale,
        ({ routeId }) =>
          bus.queueDepth(routeId).pipe(
            Effect.match({
              // Unknown depth: publishing would most likely fail too; wait for the next sweep.
              onFailure: () => busy.push(routeId),
              onSuccess: (depth) => {
                if (depth.pending > busyBacklog) busy.push(routeId)
              }
            })
          ),
        { concurrency: 8, discard: true }
      )
      return busy
    })

    const takePage = (busy: ReadonlyArray<string>) =>
      sql<DueRow>`
        WITH due AS (
          SELECT id FROM messages
          WHERE status = 'QUEUED' AND (
            (published_at IS NULL AND (scheduled_at IS NULL OR scheduled_at <= now()))
            OR (published_at < now() - ${timeoutMs}::float8 * interval '1 millisecond'
                AND NOT (route_id = ANY(${busy}::text[]))))
          LIMIT ${pageSize}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE messages m SET published_at = now()
        FROM due, accounts a
        WHERE m.id = due.id AND a.id = m.account_id
        RETURNING m.id, m.account_id, m.route_id, m.attempts, m.recipient, m.sender, m.body,
          m.validity_seconds, a.max_parts, m.created_at`.pipe(Effect.orDie)

    /** One publish per route, all in flight together; returns the rows whose publish failed. */
    const publish = (rows: ReadonlyArray<DueRow>) =>
      Effect.gen(function* () {
        const sweep = `s${Math.floor(Date.now() / 1000)}`
        const byRoute = new Map<string, { rows: Array<DueRow>; out: Array<Outgoing> }>()
        for (const row of rows) {
          const job = new SubmitJob(
            {
              messageId: row.id,
              accountId: row.accountId,
              routeId: row.routeId,
              attempt: row.attempts,
              recipient: row.recipient,
              sender: row.sender,
              body: row.body,
              validitySeconds: row.validitySeconds,
              maxParts: row.maxParts,
              acceptedAt: Date.parse(row.createdAt)
            },
            true // columns of rows that were validated when they were accepted
          )
          const group = byRoute.get(row.routeId) ?? { rows: [], out: [] }
          // A deliberate re-publish needs an id JetStream has not seen within its duplicate window.
          group.out.push({ msgId: `${row.id}:${sweep}`, data: encodeSubmitJob(job) })
          group.rows.push(row)
          byRoute.set(row.routeId, group)
        }
        const results = yield* Effect.forEach(
          byRoute,
          ([routeId, group]) =>
            bus.publishSubmits(routeId, group.out).pipe(
              Effect.either,
              Effect.map((result) => ({ routeId, rows: group.rows, result }))
            ),
          { concurrency: "unbounded" }
        )
        const failed: Array<DueRow> = []
        for (const { routeId, rows: routeRows, result } of results) {
          if (Either.isLeft(result)) {
            yield* Effect.logWarning(`re-publish to route ${routeId} failed; next sweep retries`, result.left)
            failed.push(...routeRows)
          }
        }
        return failed
      })

    const unstamp = (rows: ReadonlyArray<DueRow>) =>
      rows.length === 0
        ? Effect.void
        : sql`
          UPDATE messages SET published_at = NULL
          WHERE id = ANY(${rows.map((r) => r.id)}::uuid[]) AND status = 'QUEUED'`.pipe(
            Effect.asVoid,
            Effect.orDie
          )

    /** One sweep: pages until one comes back short (or the page budget is spent); returns how many went out. */
    return Effect.gen(function* () {
      const busy = yield* busyRoutes
      let published = 0
      for (let page = 0; page < maxPages; page++) {
        const rows = yield* takePage(busy)
        if (rows.length === 0) break
        const failed = yield* publish(rows)
        yield* unstamp(failed)
        published += rows.length - failed.length
        if (rows.length < pageSize || failed.length > 0) break
      }
      if (published > 0) yield* Effect.logInfo(`published ${published} queued message(s)`)
      return published
    }).pipe(Effect.withSpan("OutboxSweeper.sweep"))
  })

/** The outbox sweeper as a background worker of the layer's scope. */
export const OutboxSweeper = {
  layer: (options: OutboxSweeperOptions = {}) =>
    Layer.scopedDiscard(
      makeOutboxSweep(options).pipe(
        Effect.flatMap((sweep) =>
          Effect.forkScoped(
            supervise(
              WORKER,
              repeatEvery(WORKER, options.interval ?? "5 seconds", sweep),
              options.restartSchedule ?? defaultRestartSchedule
            )
          )
        )
      )
    )
}

import { SqlClient } from "@effect/sql"
import { Duration, Effect, Layer, type Schedule } from "effect"
import { Bus } from "../bus/Bus.js"
import { publishStatusChanges } from "../bus/statusEvents.js"
import { defaultRestartSchedule, repeatEvery, supervise } from "./supervise.js"

export interface NoReportSweeperOptions {
  /** Time between sweeps (default 30 s). */
  readonly interval?: Duration.DurationInput | undefined
  /** How long past its validity period a message may still get its receipt (default 1 hour). */
  readonly grace?: Duration.DurationInput | undefined
  /** Messages per statement (default 1,000). */
  readonly batchSize?: number | undefined
  /** Statements per sweep at most, so a sweep stays bounded; the next sweep goes on (default 100). */
  readonly maxBatchesPerSweep?: number | undefined
  /** Restarts after a crash (default: 1 s doubling to 30 s, jittered). */
  readonly restartSchedule?: Schedule.Schedule<unknown, unknown> | undefined
}

const WORKER = "noreport-sweeper"

interface SweptRow {
  readonly messageId: string
  readonly accountId: string
  readonly campaignId: string | null
  readonly recipient: string
  readonly status: string
}

/**
 * NOREPORT (DESIGN.md §2): a message still ENROUTE — or SUBMITTING, its submit_sm_resp never came — when
 * its validity period plus a grace time has passed since it was handed over will get no receipt any
 * more. Swept in batches (`FOR UPDATE SKIP LOCKED`, so instances share the work), with a history entry
 * from "sweeper" and a status event each. NOREPORT is not final: a late receipt still settles it.
 */
export const makeNoReportSweep = (options: NoReportSweeperOptions = {}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const bus = yield* Bus
    const graceSeconds = Duration.toSeconds(options.grace ?? "1 hour")
    const batchSize = Math.max(1, options.batchSize ?? 1_000)
    const maxBatches = Math.max(1, options.maxBatchesPerSweep ?? 100)

    const sweepBatch = sql<SweptRow>`
      WITH due AS (
        SELECT id FROM messages
        WHERE status IN ('ENROUTE', 'SUBMITTING')
          AND coalesce(submitted_at, updated_at)
              + (validity_seconds + ${graceSeconds}::float8) * interval '1 second' < now()
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE messages m SET status = 'NOREPORT', updated_at = now(),
        history = m.history || jsonb_build_array(jsonb_build_object(
          'at', now(), 'status', 'NOREPORT', 'source', 'sweeper',
          'detail', 'no receipt within the validity period and grace time'))
      FROM due
      WHERE m.id = due.id
      RETURNING m.id AS message_id, m.account_id, m.campaign_id, m.recipient, m.status`.pipe(Effect.orDie)

    return Effect.gen(function* () {
      let swept = 0
      for (let n = 0; n < maxBatches; n++) {
        const rows = yield* sweepBatch
        yield* publishStatusChanges(bus, rows)
        swept += rows.length
        if (rows.length < batchSize) break
      }
      if (swept > 0) yield* Effect.logInfo(`${swept} message(s) without a receipt set to NOREPORT`)
      return swept
    }).pipe(Effect.withSpan("NoReportSweeper.sweep"))
  })

/** The NOREPORT sweeper as a background worker of the layer's scope. */
export const NoReportSweeper = {
  layer: (options: NoReportSweeperOptions = {}) =>
    Layer.scopedDiscard(
      makeNoReportSweep(options).pipe(
        Effect.flatMap((sweep) =>
          Effect.forkScoped(
            supervise(
              WORKER,
              repeatEvery(WORKER, options.interval ?? "30 seconds", sweep),
              options.restartSchedule ?? defaultRestartSchedule
            )
          )
        )
      )
    )
}

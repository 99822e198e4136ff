import { SqlClient } from "@effect/sql"
import type { CampaignId } from "@volley/core"
import { Effect, FiberMap, Layer } from "effect"
import { repeatEvery, supervise } from "../recovery/supervise.js"
import { CampaignPages } from "./CampaignPages.js"
import { CampaignScheduler } from "./CampaignScheduler.js"
import { CampaignTuning } from "./CampaignTuning.js"

const WORKER = "CampaignSupervisor"

/**
 * Keeps one CampaignScheduler fiber per running campaign (DESIGN.md §1). Postgres is the mailbox: every
 * poll it starts scheduled campaigns whose time has come, starts a scheduler for each running campaign
 * without one (a new one, one resumed, or one left by a crashed process) and interrupts schedulers
 * whose campaign was paused or cancelled. A scheduler that fails is restarted with back-off by
 * `supervise`; it resumes from the cursor its last committed page stored.
 */
const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const scheduler = yield* CampaignScheduler
  const tuning = yield* CampaignTuning
  const running = yield* FiberMap.make<CampaignId>()

  const startDue = sql`
    UPDATE campaigns SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
    WHERE status = 'scheduled' AND start_at <= now()`.pipe(Effect.orDie)

  const runningIds = sql<{ id: CampaignId }>`
    SELECT id FROM campaigns WHERE status = 'running' ORDER BY started_at NULLS FIRST, id
    LIMIT ${tuning.maxRunning}`.pipe(
    Effect.map((rows) => new Set(rows.map((r) => r.id))),
    Effect.orDie
  )

  const tick = Effect.gen(function* () {
    yield* startDue
    const ids = yield* runningIds
    const stopped = [...running].map(([id]) => id).filter((id) => !ids.has(id))
    for (const id of stopped) yield* FiberMap.remove(running, id)
    for (const id of ids) {
      if (yield* FiberMap.has(running, id)) continue
      yield* FiberMap.run(running, id, supervise(`campaign ${id}`, scheduler.run(id)))
    }
  })

  yield* Effect.forkScoped(supervise(WORKER, repeatEvery(WORKER, tuning.pollIntervalMs, tick)))
})

export const CampaignSupervisor = {
  layer: Layer.scopedDiscard(make).pipe(
    Layer.provide(CampaignScheduler.Default),
    Layer.provide(CampaignPages.Default)
  )
}

import { encodeSubmitJob, type SubmitJob, submitMsgId } from "@volley/core"
import { Effect } from "effect"
import type { BusShape } from "./Bus.js"

/**
 * Publishes submit jobs, one batch per route and all routes at once, each under `submitMsgId`: the same
 * attempt published again is stored once, a retry (a new attempt) is stored again.
 */
export const publishSubmitJobs = (bus: BusShape, jobs: ReadonlyArray<SubmitJob>) => {
  const byRoute = new Map<string, Array<{ msgId: string; data: Uint8Array }>>()
  for (const job of jobs) {
    const batch = byRoute.get(job.routeId)
    const item = { msgId: submitMsgId(job), data: encodeSubmitJob(job) }
    if (batch === undefined) byRoute.set(job.routeId, [item])
    else batch.push(item)
  }
  return Effect.forEach(byRoute, ([routeId, batch]) => bus.publishSubmits(routeId, batch), {
    concurrency: "unbounded",
    discard: true
  })
}

import { connect } from "@nats-io/transport-node"
import { Effect } from "effect"

export interface StatusWatch {
  /** Status events seen so far, by status (ENROUTE, DELIVRD, …). */
  readonly counts: () => Readonly<Record<string, number>>
}

const statusField = /"status":"([A-Z]+)"/g

/**
 * Counts the engine's status events (`<prefix>.status.*`, published after each batch of status changes
 * is committed) with a plain NATS subscription of its own. This is how the bench follows the receipt
 * stage while the run goes: polling `count(*)` on `messages` costs PostgreSQL 100+ ms per query on a
 * 100,000-row table under churn, and on 2 cores that CPU is taken from the engine. PostgreSQL, the
 * truth, is asked once at the end.
 */
export const watchStatusEvents = (url: string, prefix: string) =>
  Effect.gen(function* () {
    const nc = yield* Effect.acquireRelease(
      Effect.promise(() => connect({ servers: url, name: "volley-bench-status-watch" })),
      (c) => Effect.promise(() => c.close())
    )
    const counts: Record<string, number> = {}
    const decoder = new TextDecoder()
    nc.subscribe(`${prefix}.status.*`, {
      callback: (_error, msg) => {
        // One bus message carries a batch of events (an array); count every status in it.
        for (const match of decoder.decode(msg.data).matchAll(statusField)) {
          const status = match[1]!
          counts[status] = (counts[status] ?? 0) + 1
        }
      }
    })
    yield* Effect.promise(() => nc.flush())
    return { counts: () => ({ ...counts }) } satisfies StatusWatch
  })

import { Clock, Context, Duration, Effect, Layer, Schedule } from "effect"
import { BoundedTtlMap } from "./BoundedTtlMap.js"
import {
  type Correlation,
  CorrelationStore,
  type CorrelationStoreShape,
  MAX_PARKED_PER_KEY,
  ttlMillis
} from "./CorrelationStore.js"
import {
  checkTake,
  decide,
  millisUntilFull,
  RateLimiter,
  type RateLimiterShape,
  refill
} from "./RateLimiter.js"

export interface MemoryHotMapsOptions {
  /** Cap on each of the three maps (correlations, parked receipts' keys, rate buckets). */
  readonly maxEntries: number
  /** How often the sweeper runs (default 1 s). */
  readonly sweepIntervalMs?: number | undefined
  /** Most entries per map the sweeper looks at per run (default 20,000): bounds its event-loop pause. */
  readonly sweepBudget?: number | undefined
}

// Not the Redis key format: in memory there is no prefix to share, and NUL cannot occur in either id, so
// (operatorId, smscMessageId) maps to exactly one key whatever the ids contain.
const keyOf = (k: { readonly operatorId: string; readonly smscMessageId: string }) =>
  `${k.operatorId}\u0000${k.smscMessageId}`

interface Bucket {
  readonly tokens: number
  readonly ts: number
}

const make = (options: MemoryHotMapsOptions) =>
  Effect.gen(function* () {
    const correlations = new BoundedTtlMap<Correlation>(options.maxEntries)
    const parked = new BoundedTtlMap<Array<Uint8Array>>(options.maxEntries)
    const buckets = new BoundedTtlMap<Bucket>(options.maxEntries)

    // Time is read per call (not captured here) so whoever runs the effect decides the clock.
    const withNow = <A>(f: (now: number) => A) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => f(now)))

    const store: CorrelationStoreShape = {
      putMany: (entries) =>
        withNow((now) => {
          for (const e of entries) {
            correlations.set(
              keyOf(e),
              { messageId: e.messageId, part: e.part },
              now + ttlMillis(e.ttlSeconds)
            )
          }
        }),
      getMany: (keys) => withNow((now) => keys.map((k) => correlations.get(keyOf(k), now))),
      deleteMany: (keys) =>
        Effect.sync(() => {
          for (const k of keys) correlations.delete(keyOf(k))
        }),
      parkReceipts: (entries) =>
        withNow((now) => {
          for (const e of entries) {
            const key = keyOf(e)
            const list = parked.get(key, now) ?? []
            // a copy: the caller's bytes may be a view into a larger buffer it reuses (Redis copies too)
            list.push(e.payload.slice())
            if (list.length > MAX_PARKED_PER_KEY) list.splice(0, list.length - MAX_PARKED_PER_KEY)
            parked.set(key, list, now + ttlMillis(e.ttlSeconds))
          }
        }),
      takeParked: (keys) => withNow((now) => keys.map((k) => parked.take(keyOf(k), now) ?? []))
    }

    const limiter: RateLimiterShape = {
      take: (key, limit, n = 1) =>
        Effect.zipRight(
          checkTake(limit, n),
          withNow((now) => {
            const { tokens, ts } = refill(buckets.get(key, now), limit, now)
            const result = decide(tokens, limit, n)
            // kept until full again (then it equals a fresh bucket); +1 s like the Redis script
            buckets.set(key, { tokens: result.tokens, ts }, ts + millisUntilFull(result.tokens, limit) + 1000)
            return result.decision
          })
        )
    }

    const budget = options.sweepBudget ?? 20_000
    const sweep = withNow((now) => {
      correlations.sweep(now, budget)
      parked.sweep(now, budget)
      buckets.sweep(now, budget)
    })
    // Coarse on purpose: reads already ignore expired entries and the caps bound memory; the sweeper only
    // returns memory sooner. Forked in the layer's scope, so releasing the layer stops it.
    yield* Effect.forkScoped(
      Effect.repeat(sweep, Schedule.spaced(Duration.millis(options.sweepIntervalMs ?? 1000)))
    )

    return Context.empty().pipe(Context.add(CorrelationStore, store), Context.add(RateLimiter, limiter))
  })

/**
 * Both hot maps in this process's memory: the embedded default (DESIGN §10, no REDIS_URL). Same semantics
 * as the Redis layer, but per process: with several instances the rate limits are per instance.
 */
export const layer = (options: MemoryHotMapsOptions): Layer.Layer<CorrelationStore | RateLimiter> =>
  Layer.scopedContext(make(options))

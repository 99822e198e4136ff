import { Config, Duration, Effect, Layer } from "effect"
import { repeatEvery, supervise } from "../recovery/supervise.js"
import { IdempotencyKeysRepo } from "./IdempotencyKeysRepo.js"

const WORKER = "idempotency-key-sweeper"
/** Rows per statement and statements per sweep: a sweep stays short; the next one goes on. */
const BATCH = 5_000
const MAX_BATCHES = 100

/**
 * An `Idempotency-Key` is remembered for `ttl` after its request (24 hours unless
 * `VOLLEY_IDEMPOTENCY_TTL_HOURS` says otherwise, as payment APIs do): long enough for any client's
 * retries, and the table stays bounded. A key used again after that is a new request.
 */
export const sweepIdempotencyKeys = (ttl: Duration.DurationInput) =>
  Effect.gen(function* () {
    const keys = yield* IdempotencyKeysRepo
    const cutoff = new Date(Date.now() - Duration.toMillis(ttl))
    let purged = 0
    for (let n = 0; n < MAX_BATCHES; n++) {
      const deleted = yield* keys.purgeBefore(cutoff, BATCH)
      purged += deleted
      if (deleted < BATCH) break
    }
    if (purged > 0)
      yield* Effect.logInfo(`${purged} idempotency key(s) older than ${Duration.format(ttl)} forgotten`)
    return purged
  })

export const IdempotencyKeySweeper = {
  layer: Layer.scopedDiscard(
    Effect.gen(function* () {
      const hours = yield* Config.number("VOLLEY_IDEMPOTENCY_TTL_HOURS").pipe(Config.withDefault(24))
      yield* Effect.forkScoped(
        supervise(WORKER, repeatEvery(WORKER, "10 minutes", sweepIdempotencyKeys(Duration.hours(hours))))
      )
    })
  )
}

import { Chunk, Effect, Schedule, Stream } from "effect"
import type { ConsumeOptions, Delivery } from "./Bus.js"
import { Credits } from "./Credits.js"
import type { BusError } from "./errors.js"
import { defaultConsumeExpiresMs } from "./settings.js"

/** A pull as both layers implement it; `onSettle` is called once when a delivery is first settled. */
export type Pull = (
  max: number,
  expiresMs: number,
  onSettle: (() => void) | undefined
) => Effect.Effect<ReadonlyArray<Delivery>, BusError>

/** Broker hiccups (disconnect, leader change, a consumer deleted under us) are waited out, up to 5 s apart. */
const retryPull = Schedule.union(Schedule.exponential("100 millis"), Schedule.spaced("5 seconds"))
const retryable = (e: BusError) => e.reason !== "Closed" && e.reason !== "InvalidName"

/**
 * The streaming consumer of both layers: pull only as many as the free credits (back-pressure reaches
 * the broker: nothing is fetched that downstream has no room for), hand credits back as deliveries are
 * settled. One pull per chunk, no fiber per message. A failed pull is retried (logged) unless the bus
 * closed, so a long-running consumer outlives broker restarts.
 */
export const consumeWithCredits = (pull: Pull, options: ConsumeOptions): Stream.Stream<Delivery, BusError> =>
  Stream.suspend(() => {
    const credits = new Credits(options.maxInFlight)
    const expiresMs = options.expiresMs ?? defaultConsumeExpiresMs
    const batch = Math.max(1, Math.floor(options.batch))
    const next = credits.take(batch).pipe(
      Effect.flatMap((n) =>
        pull(n, expiresMs, credits.releaseOne).pipe(
          Effect.tap((got) => Effect.sync(() => credits.release(n - got.length))),
          Effect.tapError(() => Effect.sync(() => credits.release(n)))
        )
      ),
      Effect.tapError((e) =>
        retryable(e) ? Effect.logWarning("bus pull failed, retrying", e) : Effect.void
      ),
      Effect.retry({ schedule: retryPull, while: retryable }),
      Effect.map((got) => Chunk.unsafeFromArray(got))
    )
    return Stream.repeatEffectChunk(next)
  })

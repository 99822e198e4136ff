import { type Duration, Effect, Schedule } from "effect"

/**
 * Restart after a crash: quickly at first, then at most every 30 s; a worker that ran fine for five
 * minutes starts again from the short delay.
 */
export const defaultRestartSchedule: Schedule.Schedule<unknown, unknown> = Schedule.exponential(
  "1 second",
  2
).pipe(Schedule.union(Schedule.spaced("30 seconds")), Schedule.resetAfter("5 minutes"), Schedule.jittered)

/**
 * Runs a long-lived worker under a name (a log annotation on everything it logs) and restarts it with
 * `restart` whenever it fails or dies. `Effect.retry` alone would let a defect through, hence the sandbox.
 * Whatever the crashed run held (unacked deliveries, rows) is recovered from the bus and Postgres.
 */
export const supervise = <A, E, R>(
  name: string,
  worker: Effect.Effect<A, E, R>,
  restart: Schedule.Schedule<unknown, unknown> = defaultRestartSchedule
): Effect.Effect<void, never, R> =>
  worker.pipe(
    Effect.sandbox,
    Effect.tapError((cause) => Effect.logError(`${name} crashed; restarting`, cause)),
    Effect.retry(restart),
    Effect.catchAll((cause) => Effect.logError(`${name} stopped`, cause)),
    Effect.asVoid,
    Effect.annotateLogs("worker", name)
  )

/**
 * One tick now and then one every `every`, for ever. A failed tick is logged and the next one tries
 * again, so a database hiccup costs one interval, not the sweeper.
 */
export const repeatEvery = <A, E, R>(
  name: string,
  every: Duration.DurationInput,
  tick: Effect.Effect<A, E, R>
): Effect.Effect<never, never, R> =>
  tick.pipe(
    Effect.catchAllCause((cause) => Effect.logError(`${name} tick failed`, cause)),
    Effect.repeat(Schedule.spaced(every)),
    Effect.zipRight(Effect.never)
  )

import { Effect } from "effect"

/**
 * Polls until `check` holds, bounded: tests wait for outcomes, not for fixed times. Dies with the last
 * value seen after `timeoutMs`, so the failure says what was there instead.
 */
export const eventually = <A, E, R>(
  probe: Effect.Effect<A, E, R>,
  check: (a: A) => boolean,
  timeoutMs = 30_000,
  everyMs = 50
) =>
  Effect.gen(function* () {
    const deadline = Date.now() + timeoutMs
    let last = yield* probe
    while (!check(last)) {
      if (Date.now() > deadline)
        return yield* Effect.dieMessage(`condition not met in ${timeoutMs} ms: ${JSON.stringify(last)}`)
      yield* Effect.sleep(`${everyMs} millis`)
      last = yield* probe
    }
    return last
  })

import { Config, Context, Effect, Layer, Option } from "effect"

/** How every BindActor of a process behaves; the per-bind settings (window, TPS, …) are in the catalog. */
export interface BindTuningSettings {
  /** No submit_sm_resp within this: the window slot is freed and the outcome is unknown (§7, §8). */
  readonly responseTimeoutMs: number
  /** How long shutdown waits for in-flight submits before unbinding anyway. */
  readonly drainTimeoutMs: number
  /** TCP connect and bind, each at most this long. */
  readonly connectTimeoutMs: number
  /** A message refused transiently this many times (claims) ends FAILED. */
  readonly maxAttempts: number
  /** First delay before a transiently refused message is offered again; it doubles per attempt… */
  readonly retryDelayMs: number
  /** …up to this. */
  readonly maxRetryDelayMs: number
  /** Reconnect back-off: the first delay after a failure, doubling per failure in a row (jittered)… */
  readonly reconnectMinMs: number
  /** …up to this. A session that got bound starts the back-off over. */
  readonly reconnectMaxMs: number
  /**
   * Throttling answers (ESME_RTHROTTLED, ESME_RMSGQFUL) a part is sent again for inside the bind — no
   * Postgres round trip, no attempt counted — before it goes back to the queue as a transient refusal.
   */
  readonly maxResends: number
  /** Delay before a throttled part is sent again, doubling per resend up to 1 s (the TPS limiter paces too). */
  readonly resendDelayMs: number
  /** How long a timed-out submit waits for a late resp that would settle it. */
  readonly lateRespMemoryMs: number
  /** Timed-out messages (and parts) remembered per session at most, oldest forgotten first. */
  readonly lateRespMemoryMax: number
  /** Correlations live this long past a message's validity, then receipts settle via Postgres. */
  readonly correlationGraceSeconds: number
}

export const defaultBindTuning: BindTuningSettings = {
  responseTimeoutMs: 10_000,
  drainTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  maxAttempts: 5,
  retryDelayMs: 500,
  maxRetryDelayMs: 60_000,
  reconnectMinMs: 500,
  reconnectMaxMs: 30_000,
  maxResends: 10,
  resendDelayMs: 100,
  lateRespMemoryMs: 600_000,
  lateRespMemoryMax: 10_000,
  correlationGraceSeconds: 3_600
}

/**
 * The BindActors' tuning: production defaults unless a layer provides other values (tests need
 * responses timed out in a fraction of a second and reconnects without the 30-second ceiling).
 */
export class BindTuning extends Context.Reference<BindTuning>()("volley/BindTuning", {
  defaultValue: (): BindTuningSettings => defaultBindTuning
}) {
  /** The defaults with `overrides` on top. */
  static layer(overrides: Partial<BindTuningSettings>) {
    return Layer.succeed(BindTuning, { ...defaultBindTuning, ...overrides })
  }

  /**
   * The defaults with whatever the environment sets on top: `VOLLEY_BIND_<SETTING>` in upper snake case,
   * e.g. VOLLEY_BIND_RESPONSE_TIMEOUT_MS=2000 or VOLLEY_BIND_MAX_ATTEMPTS=3 (integers).
   */
  static readonly fromEnv = Layer.unwrapEffect(
    Effect.gen(function* () {
      const overrides: Record<string, number> = {}
      for (const key of Object.keys(defaultBindTuning)) {
        const name = `VOLLEY_BIND_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`
        const value = yield* Config.option(Config.integer(name))
        if (Option.isSome(value)) overrides[key] = value.value
      }
      return BindTuning.layer(overrides as Partial<BindTuningSettings>)
    })
  )
}

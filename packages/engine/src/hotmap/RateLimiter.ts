import { Context, Effect } from "effect"
import type { HotMapError } from "./errors.js"

export interface RateLimit {
  /** Tokens added per second, > 0. */
  readonly ratePerSecond: number
  /** Bucket size: how many can be taken at once after a quiet period, > 0. */
  readonly burst: number
}

export interface RateDecision {
  readonly allowed: boolean
  /**
   * 0 when allowed; otherwise how long until `n` tokens will be there (≥ 1 ms), or `Infinity` when `n`
   * exceeds the burst and can never be allowed (the request must be split, not retried).
   */
  readonly retryAfterMs: number
  /** Whole tokens left after this decision. */
  readonly remaining: number
}

export interface RateLimiterShape {
  /**
   * Takes `n` tokens (default 1) from `key`'s bucket if it holds that many, atomically (one round trip in
   * Redis). A refused take consumes nothing. `n = 0` only reports. A new or long-idle key starts full.
   */
  readonly take: (key: string, limit: RateLimit, n?: number) => Effect.Effect<RateDecision, HotMapError>
}

/** Token buckets shared by every API instance (per API key, later). */
export class RateLimiter extends Context.Tag("volley/RateLimiter")<RateLimiter, RateLimiterShape>() {}

/**
 * Limits come from configuration: nonsense there is a programming or data error, not an outage, so it is
 * a defect rather than a HotMapError that a caller would treat as "Redis is down, allow".
 */
export const checkTake = (limit: RateLimit, n: number): Effect.Effect<void> =>
  Number.isFinite(limit.ratePerSecond) &&
  limit.ratePerSecond > 0 &&
  Number.isFinite(limit.burst) &&
  limit.burst > 0 &&
  Number.isFinite(n) &&
  n >= 0
    ? Effect.void
    : Effect.dieMessage(
        `RateLimiter.take: invalid limit ${JSON.stringify({ ...limit, n })} (rate and burst must be > 0, n ≥ 0)`
      )

/**
 * The bucket arithmetic, shared by the memory layer and mirrored line by line in the Redis script: refill
 * for the time elapsed (capped at `burst`), then take `n` if there are that many.
 */
export const refill = (
  state: { readonly tokens: number; readonly ts: number } | undefined,
  limit: RateLimit,
  now: number
): { readonly tokens: number; readonly ts: number } => {
  if (state === undefined) return { tokens: limit.burst, ts: now }
  // a clock that steps back must not drain the bucket
  const ts = Math.max(state.ts, now)
  return { tokens: Math.min(limit.burst, state.tokens + ((ts - state.ts) * limit.ratePerSecond) / 1000), ts }
}

export const decide = (
  tokens: number,
  limit: RateLimit,
  n: number
): { readonly decision: RateDecision; readonly tokens: number } => {
  if (n <= tokens) {
    const left = tokens - n
    return { decision: { allowed: true, retryAfterMs: 0, remaining: Math.floor(left) }, tokens: left }
  }
  const retryAfterMs =
    n > limit.burst ? Number.POSITIVE_INFINITY : Math.ceil(((n - tokens) * 1000) / limit.ratePerSecond)
  return { decision: { allowed: false, retryAfterMs, remaining: Math.floor(tokens) }, tokens }
}

/** How long until a bucket is full again: after that its state equals a fresh one and can be dropped. */
export const millisUntilFull = (tokens: number, limit: RateLimit): number =>
  Math.ceil(((limit.burst - tokens) * 1000) / limit.ratePerSecond)

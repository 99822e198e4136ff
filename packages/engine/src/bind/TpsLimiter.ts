/**
 * A bind's submit rate: a token bucket refilled continuously at `tps`, holding at most one second's worth.
 * An operator's throttling answer (ESME_RTHROTTLED, ESME_RMSGQFUL) halves the rate for a while; it then
 * climbs back to the configured cap, so the bind settles just under what the SMSC accepts.
 */
export class TpsLimiter {
  private tokens: number
  private last: number
  private rate: number
  private penaltyUntil = 0
  /** Submits in the current and previous second, for the "TPS now" telemetry. */
  private windowStart: number
  private windowCount = 0
  private previousCount = 0

  constructor(
    private readonly cap: number,
    private readonly now: () => number = Date.now
  ) {
    this.rate = cap
    this.tokens = cap
    this.last = now()
    this.windowStart = this.last
  }

  /** Takes `n` tokens if there are; otherwise returns how many ms to wait before trying again. */
  take(n = 1): number {
    const now = this.now()
    this.refill(now)
    if (this.tokens >= n) {
      this.tokens -= n
      this.count(now, n)
      return 0
    }
    return Math.max(1, Math.ceil(((n - this.tokens) / this.rate) * 1000))
  }

  /** The SMSC said "too fast": halve the rate (not below 1/s) for `holdMs`. */
  slowDown(holdMs = 2_000): void {
    const now = this.now()
    this.refill(now)
    this.rate = Math.max(1, this.rate / 2)
    this.tokens = Math.min(this.tokens, this.rate)
    this.penaltyUntil = now + holdMs
  }

  get currentRate(): number {
    return this.rate
  }

  /** Submits counted over the last full second. */
  get perSecond(): number {
    this.count(this.now(), 0)
    return this.previousCount
  }

  private refill(now: number): void {
    if (now > this.penaltyUntil && this.rate < this.cap) {
      // Recover 10% of the cap per second after the hold.
      this.rate = Math.min(this.cap, this.rate + ((now - this.last) / 1000) * this.cap * 0.1)
    }
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate)
    this.last = now
  }

  private count(now: number, n: number): void {
    if (now - this.windowStart >= 1000) {
      this.previousCount = now - this.windowStart >= 2000 ? 0 : this.windowCount
      this.windowStart = now
      this.windowCount = 0
    }
    this.windowCount += n
  }
}

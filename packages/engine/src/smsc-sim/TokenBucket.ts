/** A per-account TPS cap: `rate` tokens per second, at most one second's worth banked. */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private rate: number,
    private readonly now: () => number = () => performance.now()
  ) {
    this.tokens = rate
    this.last = now()
  }

  /** Starts over, full, at a new rate. */
  reset(rate: number): void {
    this.rate = rate
    this.tokens = rate
    this.last = this.now()
  }

  take(): boolean {
    const now = this.now()
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) * this.rate) / 1000)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

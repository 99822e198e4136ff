export interface TpsLimiterOptions {
  /** A judging window (opened by a throttling answer) lasts at least this long (default 100 ms)… */
  readonly periodMs?: number | undefined
  /** …and holds at least this many answers, or lasts a second (default 8). */
  readonly minAnswers?: number | undefined
  /**
   * Share of throttling answers (ESME_RTHROTTLED, ESME_RMSGQFUL) in a window at which the bind slows
   * down (default 0.25). Below it the refusals are taken as the SMSC's noise — a few subscribers with a
   * full queue — and only the refused messages wait; slowing the whole bind for them would not help.
   */
  readonly threshold?: number | undefined
  /** After slowing down, answers to what was sent before are not judged again for this long (250 ms). */
  readonly holdMs?: number | undefined
  /** While the SMSC does not complain the rate grows back by this fraction of itself per second (0.1). */
  readonly growthPerSecond?: number | undefined
}

/** Throttling answers (× minAnswers) that are judged without waiting for the period to end… */
const STORM_FACTOR = 4
/** …over at least this long, so a burst's few acceptances do not read as a huge rate. */
const MIN_JUDGED_MS = 10

/**
 * A bind's submit rate (DESIGN.md §7): a token bucket refilled continuously at the current rate, holding
 * at most one second's worth, never above the configured `cap`.
 *
 * The SMSC's answers steer the rate. A throttling answer opens a judging window; when the window's
 * answers are at least `threshold` throttling ones, the rate drops to what the SMSC accepted during
 * the window (halves when it accepted nothing). Measured from the first refusal on, that is the rate
 * the SMSC sustains once its own burst is spent, so a bind configured far above an SMSC's real limit
 * gets there in one step instead of halving its way down through a storm of refusals. Afterwards the
 * rate grows back by `growthPerSecond` of itself per second: the bind settles just under what the SMSC
 * accepts and finds its cap again once the SMSC stops refusing.
 */
export class TpsLimiter {
  private tokens: number
  private last: number
  private rate: number
  private readonly periodMs: number
  private readonly minAnswers: number
  private readonly threshold: number
  private readonly holdMs: number
  private readonly growth: number
  /** The judging window: opened by a throttling answer, closed once it has seen enough. */
  private windowOpenedAt: number | undefined = undefined
  private windowOk = 0
  private windowThrottled = 0
  private holdUntil = 0
  /** Submits in the current and previous second, for the "TPS now" telemetry. */
  private secondStart: number
  private secondCount = 0
  private previousCount = 0
  /** Throttling answers seen, and times the rate was cut because of them (diagnostics). */
  throttledAnswers = 0
  slowDowns = 0

  constructor(
    private readonly cap: number,
    options: TpsLimiterOptions = {},
    private readonly now: () => number = Date.now
  ) {
    this.cap = Math.max(1, cap)
    this.rate = this.cap
    this.tokens = this.cap
    this.periodMs = Math.max(1, options.periodMs ?? 100)
    this.minAnswers = Math.max(1, options.minAnswers ?? 8)
    this.threshold = options.threshold ?? 0.25
    this.holdMs = options.holdMs ?? 250
    this.growth = options.growthPerSecond ?? 0.1
    this.last = now()
    this.secondStart = this.last
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

  /** One answer of the SMSC to a submit: a throttling one (`true`) or any other (`false`). */
  answer(throttled: boolean): void {
    const now = this.now()
    if (throttled) this.throttledAnswers += 1
    // Answers to what was sent before the last slow-down say nothing about the new rate.
    if (now < this.holdUntil) return
    let opened = this.windowOpenedAt
    // A window left open over an idle stretch would make the SMSC look slow: start over.
    if (opened !== undefined && now - opened > 2_000) opened = this.closeWindow()
    if (opened === undefined) {
      if (!throttled) return
      opened = now
      this.windowOpenedAt = now
    }
    if (throttled) this.windowThrottled += 1
    else this.windowOk += 1
    const elapsed = now - opened
    const answers = this.windowOk + this.windowThrottled
    // A storm of refusals is judged at once: a fast bind would otherwise spend a whole period hammering.
    const storm = this.windowThrottled >= STORM_FACTOR * this.minAnswers
    if (storm || (elapsed >= this.periodMs && (answers >= this.minAnswers || elapsed >= 1_000)))
      this.judge(now, Math.max(elapsed, MIN_JUDGED_MS))
  }

  /** The rate the bucket refills at now (submits per second). */
  get currentRate(): number {
    this.refill(this.now())
    return this.rate
  }

  /** Submits counted over the last full second. */
  get perSecond(): number {
    this.count(this.now(), 0)
    return this.previousCount
  }

  /** Slows down if the SMSC refused too much of what it was sent during the window. */
  private judge(now: number, elapsed: number): void {
    const ok = this.windowOk
    const throttled = this.windowThrottled
    this.closeWindow()
    if (throttled < this.threshold * (ok + throttled)) return
    this.refill(now)
    const accepted = (ok * 1000) / elapsed
    this.rate = Math.max(1, ok > 0 ? Math.min(this.rate, accepted) : this.rate / 2)
    // The bucket's burst went into the refusals: start the new rate empty.
    this.tokens = 0
    this.holdUntil = now + this.holdMs
    this.slowDowns += 1
  }

  private closeWindow(): undefined {
    this.windowOpenedAt = undefined
    this.windowOk = 0
    this.windowThrottled = 0
    return undefined
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last)
    if (now > this.holdUntil && this.rate < this.cap) {
      this.rate = Math.min(this.cap, this.rate + Math.max(1, this.rate * this.growth) * (elapsed / 1000))
    }
    this.tokens = Math.min(this.rate, this.tokens + (elapsed / 1000) * this.rate)
    this.last = now
  }

  private count(now: number, n: number): void {
    if (now - this.secondStart >= 1000) {
      this.previousCount = now - this.secondStart >= 2000 ? 0 : this.secondCount
      this.secondStart = now
      this.secondCount = 0
    }
    this.secondCount += n
  }
}

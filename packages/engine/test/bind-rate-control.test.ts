import { describe, expect, it } from "vitest"
import { TpsLimiter } from "../src/bind/TpsLimiter.js"

/**
 * The bind's rate against simulated SMSCs on a simulated clock (1 ms steps): the bind sends whenever its
 * limiter gives a token, and the SMSC answers at once.
 */
const run = (options: {
  readonly cap: number
  readonly seconds: number
  /** true: the SMSC throttles this submit. */
  readonly refuse: (nowMs: number) => boolean
}) => {
  let now = 0
  const limiter = new TpsLimiter(options.cap, {}, () => now)
  const perSecond: Array<{ sent: number; refused: number }> = []
  for (; now < options.seconds * 1000; now++) {
    const second = Math.floor(now / 1000)
    perSecond[second] ??= { sent: 0, refused: 0 }
    const bucket = perSecond[second]!
    while (limiter.take(1) === 0) {
      const refused = options.refuse(now)
      bucket.sent++
      if (refused) bucket.refused++
      limiter.answer(refused)
    }
  }
  return { limiter, perSecond }
}

/** A token bucket SMSC: `rate` per second, one second of burst. */
const tokenBucket = (rate: number) => {
  let tokens = rate
  let last = 0
  return (now: number) => {
    tokens = Math.min(rate, tokens + ((now - last) * rate) / 1000)
    last = now
    if (tokens < 1) return true
    tokens -= 1
    return false
  }
}

describe("a bind's submit rate", () => {
  it("drops to a throttling SMSC's rate within a second and stays near it", () => {
    const { perSecond, limiter } = run({ cap: 5_000, seconds: 20, refuse: tokenBucket(100) })
    // The first second carries the configured burst; from the second on the SMSC's pace rules.
    const later = perSecond.slice(2)
    const sent = later.reduce((n, s) => n + s.sent, 0)
    const refused = later.reduce((n, s) => n + s.refused, 0)
    expect(sent / later.length).toBeGreaterThan(90)
    expect(sent / later.length).toBeLessThan(130)
    expect(refused / sent).toBeLessThan(0.2)
    expect(limiter.slowDowns).toBeGreaterThan(0)
    expect(limiter.currentRate).toBeLessThan(150)
  })

  it("is not slowed by a steady share of refusals that slowing down would not cure", () => {
    let n = 0
    // Every 6th submit refused (≈17%), whatever the pace: subscribers with a full queue.
    const { perSecond, limiter } = run({ cap: 1_000, seconds: 5, refuse: () => ++n % 6 === 0 })
    expect(limiter.slowDowns).toBe(0)
    for (const second of perSecond) expect(second.sent).toBeGreaterThanOrEqual(999)
  })

  it("grows back to its cap once the SMSC stops refusing", () => {
    let throttling = true
    let now = 0
    const limiter = new TpsLimiter(200, {}, () => now)
    const smsc = tokenBucket(20)
    for (; now < 3_000; now++) while (limiter.take(1) === 0) limiter.answer(throttling && smsc(now))
    expect(limiter.currentRate).toBeLessThan(40)
    throttling = false
    for (; now < 60_000; now++) while (limiter.take(1) === 0) limiter.answer(false)
    expect(limiter.currentRate).toBe(200)
  })
})

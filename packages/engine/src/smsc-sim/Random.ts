/**
 * A seeded generator (mulberry32) so a simulator run is reproducible: the same seed and the same traffic
 * give the same throttles, errors and receipt states.
 */
export class Random {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** True with probability `ratio`; draws nothing when the ratio is 0 or 1, so idle settings cost nothing. */
  chance(ratio: number): boolean {
    if (ratio <= 0) return false
    if (ratio >= 1) return true
    return this.next() < ratio
  }

  /** Uniform integer milliseconds in [0, max]. */
  jitter(max: number): number {
    return max > 0 ? Math.round(this.next() * max) : 0
  }

  /** An index chosen by weight (weights ≥ 0, not all 0); the first index when all weigh 0. */
  weighted(weights: ReadonlyArray<number>, total: number): number {
    if (total <= 0) return 0
    let point = this.next() * total
    let last = 0
    for (let i = 0; i < weights.length; i++) {
      const weight = weights[i]!
      if (weight <= 0) continue
      last = i
      point -= weight
      if (point < 0) return i
    }
    // Rounding can leave a sliver past the last weight: it belongs to the last index that has one.
    return last
  }
}

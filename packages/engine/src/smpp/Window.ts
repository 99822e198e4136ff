/**
 * The submit_sm requests in flight on one session, keyed by sequence number. Every request gets the same
 * response timeout, so the Map's insertion order is also deadline order: one coarse sweep expires the
 * oldest entries until it meets a live one — no timer per PDU, O(1) per request.
 */
export interface InFlight<A> {
  readonly seq: number
  readonly deadline: number
  readonly payload: A
}

export class Window<A> {
  private readonly entries = new Map<number, InFlight<A>>()

  constructor(readonly size: number) {}

  get inFlight(): number {
    return this.entries.size
  }

  get isFull(): boolean {
    return this.entries.size >= this.size
  }

  has(seq: number): boolean {
    return this.entries.has(seq)
  }

  add(seq: number, deadline: number, payload: A): void {
    this.entries.set(seq, { seq, deadline, payload })
  }

  /** Removes and returns the request with this sequence number, if it is still in flight. */
  take(seq: number): InFlight<A> | undefined {
    const entry = this.entries.get(seq)
    if (entry !== undefined) this.entries.delete(seq)
    return entry
  }

  /** Removes the requests whose deadline has passed, oldest first, handing each to `f`. Returns how many. */
  expire(now: number, f: (entry: InFlight<A>) => void): number {
    let count = 0
    for (const entry of this.entries.values()) {
      if (entry.deadline > now) break
      this.entries.delete(entry.seq)
      count++
      f(entry)
    }
    return count
  }

  /** Removes every request, oldest first, handing each to `f` (the connection is gone). */
  clear(f: (entry: InFlight<A>) => void): number {
    const all = [...this.entries.values()]
    this.entries.clear()
    for (const entry of all) f(entry)
    return all.length
  }
}

/**
 * Sequence numbers of requests that timed out, remembered for a while so a late resp can still be told
 * apart from garbage and reported (it settles an unknown outcome). Bounded by age and by count.
 */
export class Expired {
  private readonly forgetAt = new Map<number, number>()

  constructor(
    private readonly memoryMs: number,
    private readonly max: number
  ) {}

  get size(): number {
    return this.forgetAt.size
  }

  remember(seq: number, now: number): void {
    if (this.max <= 0) return
    // Re-inserting moves it to the end, keeping the Map ordered by forget time.
    this.forgetAt.delete(seq)
    this.forgetAt.set(seq, now + this.memoryMs)
    if (this.forgetAt.size > this.max) {
      const oldest = this.forgetAt.keys().next()
      if (oldest.done !== true) this.forgetAt.delete(oldest.value)
    }
  }

  /** True (and forgotten) when seq timed out recently. */
  take(seq: number): boolean {
    return this.forgetAt.delete(seq)
  }

  sweep(now: number): void {
    for (const [seq, at] of this.forgetAt) {
      if (at > now) break
      this.forgetAt.delete(seq)
    }
  }

  clear(): void {
    this.forgetAt.clear()
  }
}

interface Slot<V> {
  value: V
  expiresAt: number
}

/**
 * A Map with a TTL per entry and a hard cap on entries. A write moves its key to the newest end of the
 * Map's insertion order, so evicting from the front is oldest-written-first, in O(1). Expired entries are
 * dropped when read and by `sweep`, which resumes where it stopped so each call costs a bounded amount.
 */
export class BoundedTtlMap<V> {
  private readonly slots = new Map<string, Slot<V>>()
  // A Map iterator stays valid across inserts and deletes, so a sweep can pause and resume on it.
  private cursor: Iterator<[string, Slot<V>]> | undefined

  constructor(readonly maxEntries: number) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`)
    }
  }

  get size(): number {
    return this.slots.size
  }

  get(key: string, now: number): V | undefined {
    const slot = this.slots.get(key)
    if (slot === undefined) return undefined
    if (slot.expiresAt <= now) {
      this.slots.delete(key)
      return undefined
    }
    return slot.value
  }

  /** Removes the entry and returns it if it had not expired. */
  take(key: string, now: number): V | undefined {
    const value = this.get(key, now)
    if (value !== undefined) this.slots.delete(key)
    return value
  }

  set(key: string, value: V, expiresAt: number): void {
    this.slots.delete(key)
    this.slots.set(key, { value, expiresAt })
    while (this.slots.size > this.maxEntries) {
      const oldest = this.slots.keys().next()
      if (oldest.done) break
      this.slots.delete(oldest.value)
    }
  }

  delete(key: string): void {
    this.slots.delete(key)
  }

  /** Drops expired entries among the next `budget` visited; returns how many it dropped. */
  sweep(now: number, budget: number): number {
    let dropped = 0
    for (let i = 0; i < budget; i++) {
      this.cursor ??= this.slots.entries()
      const next = this.cursor.next()
      if (next.done) {
        // one full pass done: the next call starts a fresh one
        this.cursor = undefined
        break
      }
      const [key, slot] = next.value
      if (slot.expiresAt <= now) {
        this.slots.delete(key)
        dropped++
      }
    }
    return dropped
  }
}

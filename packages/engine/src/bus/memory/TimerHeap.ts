/** A due time for one delivery; stale entries (an older `token`) are skipped when they come up. */
export interface Due {
  readonly at: number
  readonly seq: number
  readonly token: number
}

/**
 * Min-heap of due times: one timer per consumer armed for the earliest, instead of a timer per
 * unacked message. O(log n) per delivery.
 */
export class TimerHeap {
  private readonly items: Array<Due> = []

  get size(): number {
    return this.items.length
  }

  peek(): Due | undefined {
    return this.items[0]
  }

  push(item: Due): void {
    const a = this.items
    a.push(item)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (a[parent]!.at <= item.at) break
      a[i] = a[parent]!
      i = parent
    }
    a[i] = item
  }

  pop(): Due | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (top === undefined || last === undefined || a.length === 0) return top
    let i = 0
    const n = a.length
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const c = r < n && a[r]!.at < a[l]!.at ? r : l
      if (a[c]!.at >= last.at) break
      a[i] = a[c]!
      i = c
    }
    a[i] = last
    return top
  }

  clear(): void {
    this.items.length = 0
  }
}

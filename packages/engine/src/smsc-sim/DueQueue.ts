/**
 * Delayed work (late resps, receipts) with one timer for the whole simulator instead of one setTimeout
 * per message: a min-heap ordered by due time (ties keep insertion order) and a single timer armed for
 * the earliest entry. When it fires, everything due runs in one go. At 10,000 receipts/s this is a few
 * heap operations per message and ~1 timer per millisecond, where per-message timers cost far more.
 */
export interface DueTask {
  run(): void
}

interface Entry {
  readonly due: number
  readonly order: number
  readonly task: DueTask
}

/** Entries due within this many ms of now run in the current batch: timers have 1 ms resolution. */
const SLACK_MS = 1

export class DueQueue {
  private readonly heap: Array<Entry> = []
  private order = 0
  private timer: NodeJS.Timeout | undefined = undefined
  private armedFor = Number.POSITIVE_INFINITY
  private stopped = false

  constructor(
    /** Runs after each batch of due tasks (the simulator re-checks its count waiters). */
    private readonly afterBatch: () => void = () => {},
    private readonly now: () => number = () => performance.now()
  ) {}

  get size(): number {
    return this.heap.length
  }

  /** Runs `task` after `delayMs` (immediately is the caller's business: this always defers). */
  schedule(delayMs: number, task: DueTask): void {
    if (this.stopped) return
    const entry: Entry = { due: this.now() + delayMs, order: this.order++, task }
    this.push(entry)
    if (entry.due < this.armedFor) this.arm(entry.due)
  }

  /** Drops everything pending and never runs again. */
  stop(): void {
    this.stopped = true
    this.heap.length = 0
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.armedFor = Number.POSITIVE_INFINITY
  }

  private arm(due: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.armedFor = due
    this.timer = setTimeout(this.fire, Math.max(0, due - this.now()))
  }

  private readonly fire = (): void => {
    this.timer = undefined
    this.armedFor = Number.POSITIVE_INFINITY
    const limit = this.now() + SLACK_MS
    while (this.heap.length > 0 && this.heap[0]!.due <= limit && !this.stopped) {
      const entry = this.pop()
      try {
        entry.task.run()
      } catch (error) {
        // One failing task must not strand the rest of the queue.
        console.error("smsc-sim: delayed task failed", error)
      }
    }
    const next = this.heap[0]
    if (next !== undefined && !this.stopped) this.arm(next.due)
    this.afterBatch()
  }

  private static before(a: Entry, b: Entry): boolean {
    return a.due < b.due || (a.due === b.due && a.order < b.order)
  }

  private push(entry: Entry): void {
    const heap = this.heap
    let i = heap.push(entry) - 1
    while (i > 0) {
      const parent = (i - 1) >>> 1
      if (!DueQueue.before(entry, heap[parent]!)) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = entry
  }

  private pop(): Entry {
    const heap = this.heap
    const top = heap[0]!
    const last = heap.pop()!
    if (heap.length > 0) {
      let i = 0
      const n = heap.length
      for (;;) {
        const left = 2 * i + 1
        if (left >= n) break
        const right = left + 1
        const child = right < n && DueQueue.before(heap[right]!, heap[left]!) ? right : left
        if (!DueQueue.before(heap[child]!, last)) break
        heap[i] = heap[child]!
        i = child
      }
      heap[i] = last
    }
    return top
  }
}

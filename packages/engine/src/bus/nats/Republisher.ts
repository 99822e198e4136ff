import type { BusError } from "../errors.js"
import { type BundleItem, toBundleMessages } from "./bundle.js"
import type { PublishAcks } from "./publish.js"

interface Waiting {
  readonly item: BundleItem
  /** Told whether the item is stored again (true) or could not be (false). */
  readonly done: (stored: boolean) => void
}

interface Group {
  readonly subject: string
  readonly waiting: Array<Waiting>
  readonly timer: ReturnType<typeof setTimeout>
}

/** Items given back within this many ms of each other go out in one bundle. */
const GROUP_MS = 10

/**
 * Gives a bundled item back to its stream after a delay, as a nak does for a plain message: the item is
 * published again in a new bundle (one per subject and 10 ms of due time) and only then counted settled
 * in the bundle it came from. If the process dies first, that bundle was never acked and comes back whole.
 */
export class Republisher {
  private readonly groups = new Map<string, Group>()
  private closed = false

  constructor(
    private readonly acks: PublishAcks,
    private readonly maxItems: number,
    private readonly maxBytes: number,
    private readonly onError: (error: BusError) => void
  ) {}

  schedule(subject: string, item: BundleItem, delayMs: number, done: (stored: boolean) => void): void {
    if (this.closed) {
      done(false)
      return
    }
    const due = Math.ceil((Date.now() + Math.max(0, delayMs)) / GROUP_MS) * GROUP_MS
    const key = `${due} ${subject}`
    let group = this.groups.get(key)
    if (group === undefined) {
      const timer = setTimeout(() => this.flush(key), Math.max(0, due - Date.now()))
      group = { subject, waiting: [], timer }
      this.groups.set(key, group)
    }
    group.waiting.push({ item, done })
  }

  /** Drops what waits: those items' bundles stay unacked and are redelivered after ack-wait. */
  close(): void {
    this.closed = true
    for (const group of this.groups.values()) clearTimeout(group.timer)
    this.groups.clear()
  }

  private flush(key: string): void {
    const group = this.groups.get(key)
    if (group === undefined) return
    this.groups.delete(key)
    const bundles = toBundleMessages(
      group.waiting.map((w) => w.item),
      this.maxItems,
      this.maxBytes
    )
    this.acks.send(group.subject, bundles, (result) => {
      if (result._tag === "Left") this.onError(result.left)
      for (const w of group.waiting) w.done(result._tag === "Right")
    })
  }
}

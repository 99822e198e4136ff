import { Effect } from "effect"
import type { Delivery } from "../Bus.js"
import type { BusError } from "../errors.js"
import { type BundleItem, decodeBundle } from "./bundle.js"
import type { NatsDelivery } from "./NatsDelivery.js"
import type { Republisher } from "./Republisher.js"

/** One JetStream message carrying items: acked once every item is settled, nak'ed if one could not be. */
class Bundle {
  private remaining: number
  private failed = false

  constructor(
    readonly delivery: NatsDelivery,
    count: number
  ) {
    this.remaining = count
  }

  itemDone(ok: boolean): void {
    if (!ok) this.failed = true
    if (--this.remaining > 0) return
    if (this.failed) this.delivery.nakNow()
    else this.delivery.ackNow()
  }
}

/**
 * One item of a bundle, settled on its own: `ack`/`term` count it done, `nak` publishes it again (after
 * the delay) in a new bundle with one more hop, so its `redelivered` keeps counting.
 */
class BundledDelivery implements Delivery {
  private settled = false
  readonly redelivered: number

  constructor(
    private readonly bundle: Bundle,
    private readonly item: BundleItem,
    readonly key: string,
    private readonly subject: string,
    private readonly republisher: Republisher,
    private readonly onSettle: (() => void) | undefined
  ) {
    this.redelivered = bundle.delivery.redelivered + item.hops
  }

  get data(): Uint8Array {
    return this.item.data
  }

  get msgId(): string {
    return this.item.msgId
  }

  get ack(): Effect.Effect<void> {
    return Effect.sync(() => this.ackNow())
  }

  nak(delayMs?: number): Effect.Effect<void> {
    return Effect.sync(() => this.nakNow(delayMs))
  }

  working(): Effect.Effect<void> {
    return this.bundle.delivery.working()
  }

  term(): Effect.Effect<void> {
    return Effect.sync(() => this.ackNow())
  }

  ackNow(): void {
    if (this.claim()) this.bundle.itemDone(true)
  }

  nakNow(delayMs?: number): void {
    if (!this.claim()) return
    const again = { msgId: this.item.msgId, data: this.item.data, hops: this.item.hops + 1 }
    this.republisher.schedule(this.subject, again, delayMs ?? 0, (stored) => this.bundle.itemDone(stored))
  }

  private claim(): boolean {
    if (this.settled) return false
    this.settled = true
    this.onSettle?.()
    return true
  }
}

/** An item unpacked from a pulled bundle, not handed to a caller yet. */
interface Unread {
  readonly bundle: Bundle
  readonly item: BundleItem
  readonly key: string
  readonly subject: string
}

/**
 * Reads a bundled stream item by item with the semantics of `Delivery`: `take(max)` hands out items
 * unpacked earlier first, and pulls bundles only when none are left (about `max / maxItems` of them), so
 * what a caller holds stays within what it asked for. Items not handed out yet keep their bundle unacked;
 * if this process goes away they come back with it after ack-wait.
 */
export class BundleReader {
  private unread: Array<Unread> = []
  private next = 0

  constructor(
    private readonly pull: (
      bundles: number,
      expiresMs: number
    ) => Effect.Effect<ReadonlyArray<Delivery>, BusError>,
    private readonly maxItems: number,
    private readonly republisher: Republisher
  ) {}

  take(
    max: number,
    expiresMs: number,
    onSettle: (() => void) | undefined
  ): Effect.Effect<ReadonlyArray<Delivery>, BusError> {
    if (max <= 0) return Effect.succeed([])
    if (this.next < this.unread.length) return Effect.sync(() => this.handOut(max, onSettle))
    return this.pull(Math.max(1, Math.ceil(max / this.maxItems)), expiresMs).pipe(
      Effect.map((deliveries) => {
        for (const d of deliveries) this.unpack(d as NatsDelivery)
        return this.handOut(max, onSettle)
      })
    )
  }

  private unpack(delivery: NatsDelivery): void {
    // Not a bundle (published by something else): one item, as it came.
    const items = decodeBundle(delivery.data) ?? [{ msgId: delivery.msgId, data: delivery.data, hops: 0 }]
    if (items.length === 0) {
      delivery.ackNow()
      return
    }
    const bundle = new Bundle(delivery, items.length)
    for (const item of items) this.unread.push({ bundle, item, key: delivery.key, subject: delivery.subject })
  }

  private handOut(max: number, onSettle: (() => void) | undefined): ReadonlyArray<Delivery> {
    const end = Math.min(this.unread.length, this.next + max)
    const out: Array<Delivery> = []
    for (let i = this.next; i < end; i++) {
      const u = this.unread[i]!
      out.push(new BundledDelivery(u.bundle, u.item, u.key, u.subject, this.republisher, onSettle))
    }
    this.next = end
    if (this.next === this.unread.length) {
      this.unread = []
      this.next = 0
    }
    return out
  }
}

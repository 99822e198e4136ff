import { Effect } from "effect"
import type { Delivery } from "../Bus.js"
import type { Entry } from "./MemStream.js"

/** How a delivery reaches back to its consumer; implemented by MemConsumer. */
export interface Settler {
  ack(seq: number): void
  nak(seq: number, delayMs: number): void
  working(seq: number): void
  term(seq: number): void
}

/** A delivery of the in-process bus: settles by sequence, like a JetStream ack reply. */
export class MemDelivery implements Delivery {
  private settled = false

  constructor(
    private readonly consumer: Settler,
    private readonly seq: number,
    private readonly entry: Entry,
    readonly redelivered: number,
    private readonly onSettle: (() => void) | undefined
  ) {}

  get data(): Uint8Array {
    return this.entry.data
  }

  get msgId(): string {
    return this.entry.msgId
  }

  get key(): string {
    return this.entry.key
  }

  get ack(): Effect.Effect<void> {
    return Effect.sync(() => this.ackNow())
  }

  nak(delayMs?: number): Effect.Effect<void> {
    return Effect.sync(() => this.nakNow(delayMs))
  }

  ackNow(): void {
    if (this.claim()) {
      this.consumer.ack(this.seq)
      this.onSettle?.()
    }
  }

  /** Also gives back at once a message taken by a pull that nobody waits for any more. */
  nakNow(delayMs?: number): void {
    if (this.claim()) {
      this.consumer.nak(this.seq, delayMs ?? 0)
      this.onSettle?.()
    }
  }

  working(): Effect.Effect<void> {
    return Effect.sync(() => {
      if (!this.settled) this.consumer.working(this.seq)
    })
  }

  term(): Effect.Effect<void> {
    return Effect.sync(() => {
      if (this.claim()) {
        this.consumer.term(this.seq)
        this.onSettle?.()
      }
    })
  }

  private claim(): boolean {
    if (this.settled) return false
    this.settled = true
    return true
  }
}

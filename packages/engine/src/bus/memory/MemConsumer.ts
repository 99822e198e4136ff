import { Effect } from "effect"
import type { Delivery, QueueDepth } from "../Bus.js"
import { BusError } from "../errors.js"
import { MemDelivery, type Settler } from "./MemDelivery.js"
import type { LogListener, MemLog, MemStream } from "./MemStream.js"
import { TimerHeap } from "./TimerHeap.js"

export interface ConsumerSettings {
  ackWaitMs: number
  maxAckPending: number
}

/** An unacked message: how often it went out, and which of its due times is current. */
interface Unacked {
  deliveries: number
  token: number
}

/** A pull waiting for messages (or for room under max-ack-pending). */
interface Waiter {
  remaining: number
  readonly got: Array<MemDelivery>
  readonly onSettle: (() => void) | undefined
  readonly resume: (effect: Effect.Effect<ReadonlyArray<Delivery>, BusError>) => void
  timer: ReturnType<typeof setTimeout> | undefined
}

/**
 * A durable pull consumer of the in-process bus, with JetStream's delivery rules:
 * - new messages go out in order while unacked < max-ack-pending; due redeliveries go first and do not
 *   need room (they are already counted);
 * - an unacked message is due again after ack-wait (`working` restarts it), a nak'ed one after its delay;
 * - a pull answers at once with what is there, or waits for the first message until it expires; a pull
 *   held back only by max-ack-pending stays open for room until it expires (as nats-server 2.9 does).
 */
export class MemConsumer implements Settler, LogListener {
  private cursor: number
  private readonly unacked = new Map<number, Unacked>()
  /** Unacked messages due for redelivery, in the order they fell due. */
  private readonly due = new Set<number>()
  private readonly timers = new TimerHeap()
  private timer: ReturnType<typeof setTimeout> | undefined
  private timerAt = Number.POSITIVE_INFINITY
  private readonly waiters: Array<Waiter> = []
  private closed = false

  constructor(
    private readonly stream: MemStream,
    private readonly log: MemLog,
    readonly settings: ConsumerSettings,
    deliverNew: boolean
  ) {
    this.cursor = deliverNew ? log.nextSeq : log.firstSeq
    log.listeners.add(this)
  }

  pull(
    max: number,
    expiresMs: number,
    onSettle: (() => void) | undefined
  ): Effect.Effect<ReadonlyArray<Delivery>, BusError> {
    const batch = Math.floor(max)
    if (batch <= 0) return Effect.succeed([])
    return Effect.async<ReadonlyArray<Delivery>, BusError>((resume) => {
      if (this.closed) {
        resume(Effect.fail(new BusError({ reason: "Closed", message: "the bus is closed" })))
        return
      }
      this.stream.expire(Date.now())
      const w: Waiter = { remaining: batch, got: [], onSettle, resume, timer: undefined }
      if (this.serve(w) || expiresMs <= 0) {
        resume(Effect.succeed(w.got))
        return
      }
      this.waiters.push(w)
      w.timer = setTimeout(() => this.answer(w), expiresMs)
      return Effect.sync(() => {
        if (!this.forget(w)) return
        clearTimeout(w.timer)
        // taken for this pull but never handed to anyone: give them back now
        for (const d of w.got) d.nakNow()
      })
    })
  }

  depth(): QueueDepth {
    // every message from the cursor on is still stored: work queues only remove delivered ones, limits
    // streams only drop from the head
    const pending = this.log.nextSeq - Math.max(this.cursor, this.log.firstSeq)
    return { pending, inFlight: this.unacked.size }
  }

  // Settler: acks by sequence, so an old delivery of a redelivered message still settles it

  ack(seq: number): void {
    if (!this.unacked.delete(seq)) return
    this.due.delete(seq)
    if (this.stream.retention === "workqueue") this.stream.remove(this.log, seq)
    this.wake()
  }

  term(seq: number): void {
    this.ack(seq)
  }

  nak(seq: number, delayMs: number): void {
    const u = this.unacked.get(seq)
    if (u === undefined) return
    u.token++
    if (delayMs > 0) this.schedule(seq, u.token, Date.now() + delayMs)
    else this.due.add(seq)
    this.wake()
  }

  working(seq: number): void {
    const u = this.unacked.get(seq)
    if (u === undefined || this.due.has(seq)) return
    u.token++
    this.schedule(seq, u.token, Date.now() + this.settings.ackWaitMs)
  }

  /** Serves waiting pulls, oldest first, as far as messages and room allow. */
  readonly wake = (): void => {
    if (this.waiters.length === 0) return
    for (const w of [...this.waiters]) if (this.serve(w)) this.answer(w)
  }

  close(): void {
    this.closed = true
    this.log.listeners.delete(this)
    clearTimeout(this.timer)
    this.timers.clear()
    const error = new BusError({ reason: "Closed", message: "the bus is closed" })
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer)
      w.resume(Effect.fail(error))
    }
  }

  /** Delivers what it can to `w`; true when the pull is complete. */
  private serve(w: Waiter): boolean {
    let blocked = false
    while (w.remaining > 0) {
      const seq = this.nextDue() ?? this.nextNew()
      if (seq === "full") {
        blocked = true
        break
      }
      if (seq === undefined) break
      this.deliver(seq, w)
    }
    return w.remaining === 0 || (w.got.length > 0 && !blocked)
  }

  private nextDue(): number | undefined {
    for (const seq of this.due) {
      this.due.delete(seq)
      if (this.log.entries.has(seq)) return seq
      this.unacked.delete(seq) // pushed out of a limits stream meanwhile
    }
    return undefined
  }

  /** The next undelivered message, or "full" when one exists but max-ack-pending leaves no room. */
  private nextNew(): number | "full" | undefined {
    if (this.cursor < this.log.firstSeq) this.cursor = this.log.firstSeq
    while (this.cursor < this.log.nextSeq) {
      if (!this.log.entries.has(this.cursor)) {
        this.cursor++
        continue
      }
      if (this.unacked.size >= this.settings.maxAckPending) return "full"
      return this.cursor++
    }
    return undefined
  }

  private deliver(seq: number, w: Waiter): void {
    const entry = this.log.entries.get(seq)!
    let u = this.unacked.get(seq)
    if (u === undefined) {
      u = { deliveries: 0, token: 0 }
      this.unacked.set(seq, u)
    }
    u.deliveries++
    u.token++
    this.schedule(seq, u.token, Date.now() + this.settings.ackWaitMs)
    w.got.push(new MemDelivery(this, seq, entry, u.deliveries - 1, w.onSettle))
    w.remaining--
  }

  private answer(w: Waiter): void {
    if (!this.forget(w)) return
    clearTimeout(w.timer)
    w.resume(Effect.succeed(w.got))
  }

  private forget(w: Waiter): boolean {
    const i = this.waiters.indexOf(w)
    if (i < 0) return false
    this.waiters.splice(i, 1)
    return true
  }

  private schedule(seq: number, token: number, at: number): void {
    this.timers.push({ at, seq, token })
    if (at < this.timerAt) this.arm(at)
  }

  private arm(at: number): void {
    clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(this.fire, Math.max(0, at - Date.now()))
  }

  /** Moves every message whose current due time has passed to the redelivery queue. */
  private readonly fire = (): void => {
    this.timer = undefined
    this.timerAt = Number.POSITIVE_INFINITY
    const now = Date.now()
    let moved = false
    for (let next = this.timers.peek(); next !== undefined && next.at <= now; next = this.timers.peek()) {
      this.timers.pop()
      const u = this.unacked.get(next.seq)
      if (u !== undefined && u.token === next.token) {
        this.due.add(next.seq)
        moved = true
      }
    }
    const next = this.timers.peek()
    if (next !== undefined) this.arm(next.at)
    if (moved) this.wake()
  }
}

import type { Msg, NatsConnection } from "@nats-io/transport-node"
import { Effect } from "effect"
import type { Delivery } from "../Bus.js"

const encoder = new TextEncoder()
const ACK = encoder.encode("+ACK")
const NAK = encoder.encode("-NAK")
const WPI = encoder.encode("+WPI")
const TERM = encoder.encode("+TERM")

/**
 * A JetStream message taken from a pull. Ack replies are fire-and-forget publishes to the message's
 * reply subject (as the official client does); a lost ack only means a redelivery, which consumers
 * tolerate. Headers and the delivery count are parsed only when read.
 */
export class NatsDelivery implements Delivery {
  private settled = false

  constructor(
    private readonly nc: NatsConnection,
    private readonly msg: Msg,
    readonly key: string,
    private readonly onSettle: (() => void) | undefined
  ) {}

  get data(): Uint8Array {
    return this.msg.data
  }

  get subject(): string {
    return this.msg.subject
  }

  get msgId(): string {
    return this.msg.headers?.get("Nats-Msg-Id") ?? ""
  }

  /** `$JS.ACK.<stream>.<consumer>.<delivered>.…` (v1, 9 tokens) or with domain and account hash (v2). */
  get redelivered(): number {
    const tokens = (this.msg.reply ?? "").split(".")
    const delivered = Number(tokens.length === 9 ? tokens[4] : tokens[6])
    return Number.isFinite(delivered) && delivered > 0 ? delivered - 1 : 0
  }

  get ack(): Effect.Effect<void> {
    return Effect.sync(() => this.settle(ACK))
  }

  nak(delayMs?: number): Effect.Effect<void> {
    return Effect.sync(() => this.nakNow(delayMs))
  }

  ackNow(): void {
    this.settle(ACK)
  }

  nakNow(delayMs?: number): void {
    this.settle(
      delayMs !== undefined && delayMs > 0
        ? encoder.encode(`-NAK {"delay":${Math.round(delayMs * 1_000_000)}}`)
        : NAK
    )
  }

  working(): Effect.Effect<void> {
    return Effect.sync(() => {
      if (!this.settled) this.reply(WPI)
    })
  }

  term(): Effect.Effect<void> {
    return Effect.sync(() => this.settle(TERM))
  }

  private settle(body: Uint8Array): void {
    if (this.settled) return
    this.settled = true
    this.reply(body)
    this.onSettle?.()
  }

  private reply(body: Uint8Array): void {
    const reply = this.msg.reply
    if (reply === undefined || reply === "") return
    try {
      this.nc.publish(reply, body)
    } catch {
      // connection closed: the server redelivers after ack-wait, consumers are idempotent
    }
  }
}

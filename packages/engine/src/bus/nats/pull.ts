import { createInbox, type Msg, type NatsConnection, type Subscription } from "@nats-io/transport-node"
import { Effect } from "effect"
import type { Delivery } from "../Bus.js"
import { BusError } from "../errors.js"
import { NatsDelivery } from "./NatsDelivery.js"

const encoder = new TextEncoder()
/** Client-side guard beyond the server's expiry, for a request whose end never arrives (disconnect). */
const graceMs = 2_000

export interface PullTarget {
  readonly stream: string
  readonly consumer: string
  /** Fixed key (route consumers) or undefined to read it from each message's subject. */
  readonly key: string | undefined
}

/**
 * Pull requests made by hand (`$JS.API.CONSUMER.MSG.NEXT`) with `no_wait` + `expires`: the server answers
 * at once with what is there, or waits up to `expires` for the first message, and ends the request with a
 * 404/408 status. The official `fetch` waits for the whole batch and runs heartbeat timers per call; a
 * bind asking for its free window wants what is available now.
 *
 * A request the caller stops waiting for is not abandoned on the server, so its subscription stays until
 * the server ends it and any message still arriving is nak'ed back at once instead of idling in a dead
 * inbox until ack-wait.
 */
export class Puller {
  private readonly open = new Set<(error: BusError) => void>()
  private closed = false

  constructor(
    private readonly nc: NatsConnection,
    private readonly keyOf: (subject: string) => string
  ) {}

  pull(
    target: PullTarget,
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
      const expires = Math.max(1, Math.floor(expiresMs))
      const got: Array<NatsDelivery> = []
      let state: "waiting" | "answered" | "abandoned" = "waiting"
      let sub: Subscription | undefined

      const end = () => {
        clearTimeout(guard)
        this.open.delete(failOpen)
        sub?.unsubscribe()
      }
      const answer = (error?: BusError) => {
        if (state !== "waiting") return
        state = "answered"
        if (error !== undefined && got.length === 0) resume(Effect.fail(error))
        else resume(Effect.succeed(got))
      }
      const failOpen = (error: BusError) => {
        answer(error)
        end()
      }
      const onMessage = (msg: Msg) => {
        if (msg.reply === undefined || msg.reply === "") {
          const code = msg.headers?.code ?? 0
          if (code === 100) return // idle heartbeat / flow control
          // 404 no messages, 408 expired: the request is over; anything else ends it too
          answer(
            code === 404 || code === 408
              ? undefined
              : new BusError({
                  reason: code === 503 ? "NotFound" : "Rejected",
                  message: `pull from ${target.stream}/${target.consumer}: ${code} ${msg.headers?.description ?? ""}`
                })
          )
          end()
          return
        }
        const delivery = new NatsDelivery(this.nc, msg, target.key ?? this.keyOf(msg.subject), onSettle)
        if (state !== "waiting") {
          delivery.nakNow()
          return
        }
        got.push(delivery)
        if (got.length >= batch) {
          answer()
          end()
        }
      }

      try {
        sub = this.nc.subscribe(createInbox(), { callback: (_err, msg) => onMessage(msg) })
        this.nc.publish(
          `$JS.API.CONSUMER.MSG.NEXT.${target.stream}.${target.consumer}`,
          encoder.encode(`{"batch":${batch},"expires":${expires * 1_000_000},"no_wait":true}`),
          { reply: sub.getSubject() }
        )
      } catch (cause) {
        sub?.unsubscribe()
        resume(
          Effect.fail(
            new BusError({
              reason: this.nc.isClosed() || this.nc.isDraining() ? "Closed" : "Unavailable",
              message: `pull from ${target.stream}/${target.consumer}`,
              cause
            })
          )
        )
        return
      }
      // no status at all by now: the consumer is gone (the JetStream API swallows pulls for a missing
      // consumer, no 503 comes back) or the connection is down
      const guard = setTimeout(() => {
        answer(
          new BusError({
            reason: "Timeout",
            message: `pull from ${target.stream}/${target.consumer}: no answer (consumer missing or connection down)`
          })
        )
        end()
      }, expires + graceMs)
      this.open.add(failOpen)

      return Effect.sync(() => {
        if (state !== "waiting") return
        state = "abandoned"
        // taken from the consumer but never handed to anyone: give them back now
        for (const d of got) d.nakNow()
        got.length = 0
      })
    })
  }

  /** Fails the pulls still waiting; called before the connection drains. */
  close(): void {
    this.closed = true
    const error = new BusError({ reason: "Closed", message: "the bus is closed" })
    for (const f of [...this.open]) f(error)
  }
}

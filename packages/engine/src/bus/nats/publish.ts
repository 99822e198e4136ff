import { createInbox, headers, type Msg, type NatsConnection } from "@nats-io/transport-node"
import { Effect } from "effect"
import type { Outgoing, PublishResult } from "../Bus.js"
import { BusError, type BusErrorReason } from "../errors.js"

/** One batch waiting for its acks; every ack of the batch arrives on the same reply subject. */
interface Pending {
  remaining: number
  published: number
  duplicates: number
  failed: number
  firstFailure: { reason: BusErrorReason; message: string } | undefined
  done: (pending: Pending) => void
}

const decoder = new TextDecoder()

/**
 * JetStream's async publish, by hand: each message is a plain publish with a reply subject, and the
 * PubAcks are counted by one wildcard subscription. A batch costs one Effect, one timer and one map
 * entry, not a request/promise/timer per message as `js.publish` would.
 */
export class PublishAcks {
  private readonly prefix = createInbox()
  private readonly batches = new Map<number, Pending>()
  private nextId = 0

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number
  ) {
    nc.subscribe(`${this.prefix}.*`, { callback: (_err, msg) => this.onAck(msg) })
  }

  publish(subject: string, batch: ReadonlyArray<Outgoing>): Effect.Effect<PublishResult, BusError> {
    if (batch.length === 0) return Effect.succeed({ published: 0, duplicates: 0 })
    return Effect.async<PublishResult, BusError>((resume) => {
      const id = this.nextId++
      const reply = `${this.prefix}.${id}`
      let timer: ReturnType<typeof setTimeout> | undefined
      const pending: Pending = {
        remaining: batch.length,
        published: 0,
        duplicates: 0,
        failed: 0,
        firstFailure: undefined,
        done: (p) => {
          clearTimeout(timer)
          this.batches.delete(id)
          if (p.firstFailure === undefined) {
            resume(Effect.succeed({ published: p.published, duplicates: p.duplicates }))
          } else {
            resume(
              Effect.fail(
                new BusError({
                  reason: p.firstFailure.reason,
                  message: `${p.firstFailure.message} (${p.failed} of ${batch.length} refused; ${p.published} stored, ${p.duplicates} duplicates)`
                })
              )
            )
          }
        }
      }
      this.batches.set(id, pending)
      try {
        for (const m of batch) {
          const h = headers()
          h.set("Nats-Msg-Id", m.msgId)
          this.nc.publish(subject, m.data, { reply, headers: h })
        }
      } catch (cause) {
        this.batches.delete(id)
        const closed = this.nc.isClosed() || this.nc.isDraining()
        resume(
          Effect.fail(
            new BusError({
              reason: closed ? "Closed" : "Unavailable",
              message: `publish to ${subject}: ${cause instanceof Error ? cause.message : String(cause)}`,
              cause
            })
          )
        )
        return
      }
      timer = setTimeout(() => {
        this.batches.delete(id)
        resume(
          Effect.fail(
            new BusError({
              reason: "Timeout",
              message: `publish to ${subject}: ${pending.remaining} of ${batch.length} acks missing after ${this.timeoutMs} ms`
            })
          )
        )
      }, this.timeoutMs)
      // interrupted: forget the batch; its messages may or may not be stored (re-publish de-duplicates)
      return Effect.sync(() => {
        clearTimeout(timer)
        this.batches.delete(id)
      })
    })
  }

  private onAck(msg: Msg): void {
    const id = Number(msg.subject.slice(this.prefix.length + 1))
    const p = this.batches.get(id)
    if (p === undefined) return
    if (msg.data.length === 0) {
      // a status without body: 503 = nothing listens on the subject, i.e. no stream captures it
      const code = msg.headers?.code ?? 0
      this.fail(p, code === 503 ? "Unavailable" : "Rejected", `no stream answered (status ${code})`)
    } else {
      const text = decoder.decode(msg.data)
      if (text.includes('"error"')) {
        const err = (JSON.parse(text) as { error?: { err_code?: number; description?: string } }).error
        // 10077: maximum messages exceeded (discard new)
        this.fail(p, err?.err_code === 10077 ? "StreamFull" : "Rejected", err?.description ?? text)
      } else if (
        text.includes('"duplicate"') &&
        (JSON.parse(text) as { duplicate?: boolean }).duplicate === true
      ) {
        p.duplicates++
      } else {
        p.published++
      }
    }
    if (--p.remaining === 0) p.done(p)
  }

  private fail(p: Pending, reason: BusErrorReason, message: string): void {
    p.failed++
    if (p.firstFailure === undefined) p.firstFailure = { reason, message }
  }
}

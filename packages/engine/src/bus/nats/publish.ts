import { createInbox, headers, type Msg, type NatsConnection } from "@nats-io/transport-node"
import { Effect, Either } from "effect"
import type { Outgoing, PublishResult } from "../Bus.js"
import { BusError, type BusErrorReason } from "../errors.js"

/** One batch waiting for its acks; each message's ack arrives on the batch's reply subject + its index. */
interface Pending {
  remaining: number
  published: number
  duplicates: number
  failed: number
  firstFailure: { reason: BusErrorReason; message: string } | undefined
  /** Items each message stands for (bundles), or undefined when every message is one item. */
  readonly weights: ReadonlyArray<number> | undefined
  done: (pending: Pending) => void
}

/** A message to publish that stands for `weight` items (a bundle); results are counted in items. */
export interface WeightedOutgoing extends Outgoing {
  readonly weight?: number | undefined
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
    nc.subscribe(`${this.prefix}.>`, { callback: (_err, msg) => this.onAck(msg) })
  }

  publish(subject: string, batch: ReadonlyArray<WeightedOutgoing>): Effect.Effect<PublishResult, BusError> {
    if (batch.length === 0) return Effect.succeed({ published: 0, duplicates: 0 })
    return Effect.async<PublishResult, BusError>((resume) => {
      const cancel = this.send(subject, batch, (result) =>
        resume(result._tag === "Right" ? Effect.succeed(result.right) : Effect.fail(result.left))
      )
      // interrupted: forget the batch; its messages may or may not be stored (re-publish de-duplicates)
      return Effect.sync(cancel)
    })
  }

  /** The same with a callback (for publishes made from plain callbacks); returns a cancel function. */
  send(
    subject: string,
    batch: ReadonlyArray<WeightedOutgoing>,
    onDone: (result: Either.Either<PublishResult, BusError>) => void
  ): () => void {
    if (batch.length === 0) {
      onDone(Either.right({ published: 0, duplicates: 0 }))
      return () => {}
    }
    const id = this.nextId++
    const reply = `${this.prefix}.${id}`
    const items = batch.reduce((n, m) => n + (m.weight ?? 1), 0)
    let timer: ReturnType<typeof setTimeout> | undefined
    const pending: Pending = {
      remaining: batch.length,
      published: 0,
      duplicates: 0,
      failed: 0,
      firstFailure: undefined,
      weights: batch.some((m) => m.weight !== undefined) ? batch.map((m) => m.weight ?? 1) : undefined,
      done: (p) => {
        clearTimeout(timer)
        this.batches.delete(id)
        if (p.firstFailure === undefined) {
          onDone(Either.right({ published: p.published, duplicates: p.duplicates }))
        } else {
          onDone(
            Either.left(
              new BusError({
                reason: p.firstFailure.reason,
                message: `${p.firstFailure.message} (${p.failed} of ${items} refused; ${p.published} stored, ${p.duplicates} duplicates)`
              })
            )
          )
        }
      }
    }
    this.batches.set(id, pending)
    try {
      batch.forEach((m, i) => {
        const h = headers()
        h.set("Nats-Msg-Id", m.msgId)
        this.nc.publish(subject, m.data, { reply: `${reply}.${i}`, headers: h })
      })
    } catch (cause) {
      this.batches.delete(id)
      const closed = this.nc.isClosed() || this.nc.isDraining()
      onDone(
        Either.left(
          new BusError({
            reason: closed ? "Closed" : "Unavailable",
            message: `publish to ${subject}: ${cause instanceof Error ? cause.message : String(cause)}`,
            cause
          })
        )
      )
      return () => {}
    }
    timer = setTimeout(() => {
      this.batches.delete(id)
      onDone(
        Either.left(
          new BusError({
            reason: "Timeout",
            message: `publish to ${subject}: ${pending.remaining} of ${batch.length} acks missing after ${this.timeoutMs} ms`
          })
        )
      )
    }, this.timeoutMs)
    return () => {
      clearTimeout(timer)
      this.batches.delete(id)
    }
  }

  private onAck(msg: Msg): void {
    const [batchId, index] = msg.subject.slice(this.prefix.length + 1).split(".")
    const p = this.batches.get(Number(batchId))
    if (p === undefined) return
    const weight = p.weights?.[Number(index)] ?? 1
    if (msg.data.length === 0) {
      // a status without body: 503 = nothing listens on the subject, i.e. no stream captures it
      const code = msg.headers?.code ?? 0
      this.fail(p, weight, code === 503 ? "Unavailable" : "Rejected", `no stream answered (status ${code})`)
    } else {
      const text = decoder.decode(msg.data)
      if (text.includes('"error"')) {
        const err = (JSON.parse(text) as { error?: { err_code?: number; description?: string } }).error
        // 10077: maximum messages exceeded (discard new)
        this.fail(p, weight, err?.err_code === 10077 ? "StreamFull" : "Rejected", err?.description ?? text)
      } else if (
        text.includes('"duplicate"') &&
        (JSON.parse(text) as { duplicate?: boolean }).duplicate === true
      ) {
        p.duplicates += weight
      } else {
        p.published += weight
      }
    }
    if (--p.remaining === 0) p.done(p)
  }

  private fail(p: Pending, weight: number, reason: BusErrorReason, message: string): void {
    p.failed += weight
    if (p.firstFailure === undefined) p.firstFailure = { reason, message }
  }
}

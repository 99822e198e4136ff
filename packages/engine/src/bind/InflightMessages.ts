import { classifySubmitStatus, type MessageId, type SubmitJob } from "@volley/core"
import type { Delivery } from "../bus/Bus.js"
import type { SubmitSettlement } from "../message/MessageTransitions.js"
import type { SubmitResult } from "../smpp/SmppClient.js"

/** What becomes of the bus delivery once its message is settled in Postgres. */
export type DeliveryFate = { readonly _tag: "Ack" } | { readonly _tag: "Retry"; readonly delayMs: number }

export interface SettledMessage {
  readonly settlement: SubmitSettlement
  readonly delivery: Delivery
  readonly job: SubmitJob
  readonly fate: DeliveryFate
  /** Whether the SMSC asked us to slow down (the bind's TPS limiter reacts). */
  readonly throttled: boolean
}

interface Entry {
  readonly job: SubmitJob
  readonly delivery: Delivery
  readonly attempts: number
  readonly smscIds: Array<string | null>
  remaining: number
  accepted: number
  unknown: string | undefined
  /** The most severe non-OK answer among the parts, kept for the settlement. */
  refusal:
    | { readonly kind: "throttled" | "retry" | "rejected"; readonly status: number; readonly name: string }
    | undefined
}

const severity = { throttled: 1, retry: 2, rejected: 3 } as const

export interface InflightOptions {
  readonly bindId: string
  readonly operatorId: string
  /** A message refused transiently this many times ends FAILED. */
  readonly maxAttempts: number
  readonly retryDelayMs: (attempts: number) => number
  /** The SMSC's id in the canonical form receipts are matched on. */
  readonly canonicalId: (raw: string) => string
}

/**
 * Messages whose parts are on the wire, keyed by message id. Each part's answer is folded in as it
 * arrives (plain callbacks: no fiber per part); when the last part has answered the message's one
 * settlement is produced (DESIGN.md §7):
 * - any part accepted → Accepted (parts refused alongside are recorded as such, the message still went);
 * - else any part's outcome unknown (timeout, dropped socket) → Unknown: not resent (at most once);
 * - else a permanent refusal → Rejected; a transient one → Requeued, or Failed past `maxAttempts`.
 */
export class InflightMessages {
  private readonly entries = new Map<MessageId, Entry>()

  constructor(private readonly options: InflightOptions) {}

  get size(): number {
    return this.entries.size
  }

  add(job: SubmitJob, delivery: Delivery, parts: number, attempts: number): void {
    this.entries.set(job.messageId, {
      job,
      delivery,
      attempts,
      smscIds: new Array<string | null>(parts).fill(null),
      remaining: parts,
      accepted: 0,
      unknown: undefined,
      refusal: undefined
    })
  }

  /** Folds in one part's answer; returns the message's settlement once every part has answered. */
  onPart(messageId: MessageId, seq: number, result: SubmitResult, at: number): SettledMessage | undefined {
    const entry = this.entries.get(messageId)
    if (!entry) return undefined
    switch (result._tag) {
      case "Resp":
      case "Nack": {
        const outcome = classifySubmitStatus(result.commandStatus)
        if (outcome._tag === "Accepted" && result._tag === "Resp" && result.messageId) {
          entry.smscIds[seq - 1] = this.options.canonicalId(result.messageId)
          entry.accepted += 1
        } else {
          const kind =
            outcome._tag === "Throttled" ? "throttled" : outcome._tag === "Rejected" ? "rejected" : "retry"
          const name = outcome._tag === "Accepted" ? "ESME_ROK without message_id" : outcome.name
          if (!entry.refusal || severity[kind] > severity[entry.refusal.kind])
            entry.refusal = { kind, status: result.commandStatus, name }
        }
        break
      }
      case "Timeout":
        entry.unknown ??= "no submit_sm_resp before the timeout"
        break
      case "ConnectionLost":
        entry.unknown ??= "connection lost before submit_sm_resp"
        break
    }
    entry.remaining -= 1
    if (entry.remaining > 0) return undefined
    this.entries.delete(messageId)
    return this.settle(entry, at)
  }

  /** A message that never reached the wire (e.g. the session closed before its first part went). */
  abandon(messageId: MessageId, reason: string): SettledMessage | undefined {
    const entry = this.entries.get(messageId)
    if (!entry) return undefined
    this.entries.delete(messageId)
    entry.refusal = undefined
    entry.unknown = undefined
    return {
      settlement: { _tag: "Requeued", messageId, smppStatus: null, reason },
      delivery: entry.delivery,
      job: entry.job,
      fate: { _tag: "Retry", delayMs: this.options.retryDelayMs(entry.attempts) },
      throttled: false
    }
  }

  private settle(entry: Entry, at: number): SettledMessage {
    const { job, delivery } = entry
    const messageId = job.messageId
    const base = { delivery, job }
    const ack = { _tag: "Ack" } as const
    if (entry.accepted > 0) {
      return {
        ...base,
        fate: ack,
        throttled: entry.refusal?.kind === "throttled",
        settlement: {
          _tag: "Accepted",
          messageId,
          bindId: this.options.bindId,
          operatorId: this.options.operatorId,
          smscIds: entry.smscIds,
          at
        }
      }
    }
    if (entry.unknown !== undefined) {
      return {
        ...base,
        fate: ack,
        throttled: false,
        settlement: { _tag: "Unknown", messageId, bindId: this.options.bindId, reason: entry.unknown }
      }
    }
    const refusal = entry.refusal!
    const reason = `${refusal.name} (0x${refusal.status.toString(16).padStart(8, "0")})`
    if (refusal.kind === "rejected") {
      return {
        ...base,
        fate: ack,
        throttled: false,
        settlement: { _tag: "Rejected", messageId, smppStatus: refusal.status, reason }
      }
    }
    if (entry.attempts >= this.options.maxAttempts) {
      return {
        ...base,
        fate: ack,
        throttled: refusal.kind === "throttled",
        settlement: {
          _tag: "Failed",
          messageId,
          smppStatus: refusal.status,
          reason: `${reason}; gave up after ${entry.attempts} attempts`
        }
      }
    }
    return {
      ...base,
      fate: { _tag: "Retry", delayMs: this.options.retryDelayMs(entry.attempts) },
      throttled: refusal.kind === "throttled",
      settlement: { _tag: "Requeued", messageId, smppStatus: refusal.status, reason }
    }
  }
}

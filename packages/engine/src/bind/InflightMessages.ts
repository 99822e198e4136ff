import { classifySubmitStatus, type MessageId, type SubmitJob } from "@volley/core"
import type { Delivery } from "../bus/Bus.js"
import type { SubmitSettlement } from "../message/MessageTransitions.js"
import type { LateResp, SubmitResult } from "../smpp/SmppClient.js"

/**
 * What becomes of the bus delivery once its message is settled in Postgres: acked, redelivered later
 * for another attempt, or — for a message settled by a late resp, whose delivery was acked long ago —
 * left alone, or published again when the late answer says the SMSC refused it transiently.
 */
export type DeliveryFate =
  | { readonly _tag: "Ack" }
  | { readonly _tag: "Retry"; readonly delayMs: number }
  | { readonly _tag: "None" }
  | { readonly _tag: "Republish"; readonly attempt: number }

export interface SettledMessage {
  readonly settlement: SubmitSettlement
  readonly delivery: Delivery
  readonly job: SubmitJob
  readonly fate: DeliveryFate
}

type RefusalKind = "throttled" | "retry" | "rejected"

interface Entry {
  readonly job: SubmitJob
  readonly delivery: Delivery
  readonly attempts: number
  readonly smscIds: Array<string | null>
  /** Throttling answers each part got and was sent again for, inside the bind. */
  readonly resends: Array<number>
  remaining: number
  accepted: number
  /** Parts whose resp did not come in time: a late resp may still settle them. */
  readonly timedOut: Set<number>
  /** Parts in flight when the connection went: nothing will ever answer them. */
  lost: number
  /** The most severe non-OK answer among the parts, kept for the settlement. */
  refusal: { readonly kind: RefusalKind; readonly status: number; readonly name: string } | undefined
}

/** A message whose outcome is unknown because parts timed out, waiting (for a while) for late resps. */
interface LateEntry {
  readonly entry: Entry
  readonly forgetAt: number
}

interface LatePart {
  readonly messageId: MessageId
  readonly part: number
  readonly forgetAt: number
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
  /** Throttling answers a part is sent again for inside the bind before it goes back to the queue. */
  readonly maxResends: number
  /** How long a timed-out submit waits for a late resp (match SmppClient's lateRespMemoryMs). */
  readonly lateMemoryMs: number
  /** Messages (and parts) remembered for late resps at most; the oldest are forgotten first. */
  readonly lateMemoryMax: number
}

/** True for the answers that ask the bind to slow down (ESME_RTHROTTLED, ESME_RMSGQFUL). */
export const isThrottling = (commandStatus: number): boolean =>
  classifySubmitStatus(commandStatus)._tag === "Throttled"

/**
 * Messages whose parts are on the wire, keyed by message id. Each part's answer is folded in as it
 * arrives (plain callbacks: no fiber per part); when the last part has answered the message's one
 * settlement is produced (DESIGN.md §7):
 * - any part accepted → Accepted (parts refused alongside are recorded as such, the message still went);
 * - else any part's outcome unknown (timeout, dropped socket) → Unknown: not resent (at most once);
 * - else a permanent refusal → Rejected; a transient one → Requeued, or Failed past `maxAttempts`.
 *
 * A message settled Unknown because parts timed out is remembered (bounded by `lateMemoryMax` and
 * `lateMemoryMs`) under those parts' sequence numbers: when every timed-out part has got its late resp,
 * the message is settled again with what they said — Accepted with its SMSC ids, Rejected, or Requeued
 * to be published again. Everything here belongs to one SMPP session and dies with it (sequence
 * numbers mean nothing on the next one).
 */
export class InflightMessages {
  private readonly entries = new Map<MessageId, Entry>()
  private readonly late = new Map<MessageId, LateEntry>()
  private readonly lateParts = new Map<number, LatePart>()
  /** Late resps that settled a message, and those that came for one no longer remembered. */
  lateSettled = 0
  lateIgnored = 0

  constructor(private readonly options: InflightOptions) {}

  /** Messages with parts on the wire (or waiting to be sent again). */
  get size(): number {
    return this.entries.size
  }

  /** Messages and parts remembered for late resps (the expired ones forgotten first). */
  get lateSize(): { readonly messages: number; readonly parts: number } {
    this.forgetExpired(Date.now())
    return { messages: this.late.size, parts: this.lateParts.size }
  }

  add(job: SubmitJob, delivery: Delivery, parts: number, attempts: number): void {
    this.entries.set(job.messageId, {
      job,
      delivery,
      attempts,
      smscIds: new Array<string | null>(parts).fill(null),
      resends: new Array<number>(parts).fill(0),
      remaining: parts,
      accepted: 0,
      timedOut: new Set(),
      lost: 0,
      refusal: undefined
    })
  }

  /**
   * A part got a throttling answer: may it be sent again inside the bind? Returns how many times it
   * has been (1 on the first resend), or undefined when it has used up `maxResends`.
   */
  resend(messageId: MessageId, part: number): number | undefined {
    const entry = this.entries.get(messageId)
    if (!entry) return undefined
    const done = entry.resends[part - 1] ?? 0
    if (done >= this.options.maxResends) return undefined
    entry.resends[part - 1] = done + 1
    return done + 1
  }

  /**
   * Folds in one part's answer; returns the message's settlement once every part has answered.
   * `sequence` is the submit's SMPP sequence number, remembered on a Timeout for its late resp.
   */
  onPart(
    messageId: MessageId,
    part: number,
    result: SubmitResult,
    at: number,
    sequence = 0
  ): SettledMessage | undefined {
    const entry = this.entries.get(messageId)
    if (!entry) return undefined
    switch (result._tag) {
      case "Resp":
      case "Nack":
        this.fold(entry, part, result)
        break
      case "Timeout":
        entry.timedOut.add(part)
        if (sequence > 0) this.rememberPart(sequence, messageId, part, at)
        break
      case "ConnectionLost":
        entry.lost += 1
        break
    }
    entry.remaining -= 1
    if (entry.remaining > 0) return undefined
    this.entries.delete(messageId)
    const settled = this.settle(entry, at, { _tag: "Ack" })
    if (settled.settlement._tag === "Unknown" && entry.timedOut.size > 0 && entry.lost === 0) {
      this.rememberMessage(entry, at)
    }
    return settled
  }

  /**
   * A submit_sm_resp or generic_nack that came after its Timeout (SmppClient.onLateResp). Returns the
   * message's new settlement once every timed-out part has answered late; undefined while some still
   * have not, while other parts are still on the wire (it then counts as the part's answer), or when
   * the message is no longer remembered (settled Accepted on time by another part, or forgotten).
   */
  onLate(sequence: number, resp: LateResp, at: number): SettledMessage | undefined {
    this.forgetExpired(at)
    const latePart = this.lateParts.get(sequence)
    if (latePart === undefined) {
      this.lateIgnored += 1
      return undefined
    }
    this.lateParts.delete(sequence)
    // Other parts of the message are still on the wire: the late answer counts as this part's answer.
    const live = this.entries.get(latePart.messageId)
    if (live?.timedOut.has(latePart.part)) {
      live.timedOut.delete(latePart.part)
      this.fold(live, latePart.part, resp)
      return undefined
    }
    const late = this.late.get(latePart.messageId)
    if (late === undefined || !late.entry.timedOut.has(latePart.part)) {
      this.lateIgnored += 1
      return undefined
    }
    const entry = late.entry
    entry.timedOut.delete(latePart.part)
    this.fold(entry, latePart.part, resp)
    if (entry.timedOut.size > 0) return undefined
    this.late.delete(latePart.messageId)
    this.lateSettled += 1
    // Its bus delivery was acked when it was settled Unknown: a transient refusal is published anew.
    return this.settle(entry, at, { _tag: "None" })
  }

  /** A message that never reached the wire (e.g. the session closed before its first part went). */
  abandon(messageId: MessageId, reason: string): SettledMessage | undefined {
    const entry = this.entries.get(messageId)
    if (!entry) return undefined
    this.entries.delete(messageId)
    return {
      settlement: { _tag: "Requeued", messageId, smppStatus: null, reason },
      delivery: entry.delivery,
      job: entry.job,
      fate: { _tag: "Retry", delayMs: this.options.retryDelayMs(entry.attempts) }
    }
  }

  private fold(entry: Entry, part: number, result: LateResp): void {
    const outcome = classifySubmitStatus(result.commandStatus)
    if (outcome._tag === "Accepted" && result._tag === "Resp" && result.messageId) {
      entry.smscIds[part - 1] = this.options.canonicalId(result.messageId)
      entry.accepted += 1
      return
    }
    const kind: RefusalKind =
      outcome._tag === "Throttled" ? "throttled" : outcome._tag === "Rejected" ? "rejected" : "retry"
    const name = outcome._tag === "Accepted" ? "ESME_ROK without message_id" : outcome.name
    if (!entry.refusal || severity[kind] > severity[entry.refusal.kind])
      entry.refusal = { kind, status: result.commandStatus, name }
  }

  private rememberPart(sequence: number, messageId: MessageId, part: number, now: number): void {
    this.forgetExpired(now)
    // Re-inserting keeps the map in forget order (one TTL for all).
    this.lateParts.delete(sequence)
    this.lateParts.set(sequence, { messageId, part, forgetAt: now + this.options.lateMemoryMs })
    while (this.lateParts.size > this.options.lateMemoryMax) {
      const oldest = this.lateParts.keys().next()
      if (oldest.done === true) break
      this.lateParts.delete(oldest.value)
    }
  }

  private rememberMessage(entry: Entry, now: number): void {
    const messageId = entry.job.messageId
    this.late.delete(messageId)
    this.late.set(messageId, { entry, forgetAt: now + this.options.lateMemoryMs })
    while (this.late.size > this.options.lateMemoryMax) {
      const oldest = this.late.keys().next()
      if (oldest.done === true) break
      this.late.delete(oldest.value)
    }
  }

  private forgetExpired(now: number): void {
    for (const [messageId, late] of this.late) {
      if (late.forgetAt > now) break
      this.late.delete(messageId)
    }
    for (const [sequence, part] of this.lateParts) {
      if (part.forgetAt > now) break
      this.lateParts.delete(sequence)
    }
  }

  private settle(entry: Entry, at: number, ack: DeliveryFate): SettledMessage {
    const { job, delivery } = entry
    const messageId = job.messageId
    const base = { delivery, job }
    if (entry.accepted > 0) {
      return {
        ...base,
        fate: ack,
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
    if (entry.timedOut.size > 0 || entry.lost > 0) {
      return {
        ...base,
        fate: ack,
        settlement: {
          _tag: "Unknown",
          messageId,
          bindId: this.options.bindId,
          reason:
            entry.lost > 0 ? "connection lost before submit_sm_resp" : "no submit_sm_resp before the timeout"
        }
      }
    }
    const refusal = entry.refusal!
    const reason = `${refusal.name} (0x${refusal.status.toString(16).padStart(8, "0")})`
    if (refusal.kind === "rejected") {
      return {
        ...base,
        fate: ack,
        settlement: { _tag: "Rejected", messageId, smppStatus: refusal.status, reason }
      }
    }
    if (entry.attempts >= this.options.maxAttempts) {
      return {
        ...base,
        fate: ack,
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
      fate:
        ack._tag === "None"
          ? { _tag: "Republish", attempt: entry.attempts }
          : { _tag: "Retry", delayMs: this.options.retryDelayMs(entry.attempts) },
      settlement: { _tag: "Requeued", messageId, smppStatus: refusal.status, reason }
    }
  }
}

import type { Outgoing } from "../Bus.js"

export interface Entry {
  readonly key: string
  readonly msgId: string
  readonly data: Uint8Array
  readonly at: number
}

/** What a log's consumers are told about; implemented by MemConsumer. */
export interface LogListener {
  /** New messages were appended. */
  readonly wake: () => void
}

/** The messages of one partition, in sequence order (sequences are per log and consecutive). */
export class MemLog {
  readonly entries = new Map<number, Entry>()
  firstSeq = 1
  nextSeq = 1
  readonly listeners = new Set<LogListener>()
}

export interface StreamLimits {
  readonly maxMessages: number
  readonly duplicateWindowMs: number
  /** Limits retention only: older messages are dropped. */
  readonly maxAgeMs?: number | undefined
}

export interface StreamPublish {
  readonly published: number
  readonly duplicates: number
  readonly refused: number
}

/**
 * An in-memory JetStream stream. `workqueue`: a message is removed when its consumer acks or terms it,
 * and a full stream refuses new messages (discard new). `limits`: messages stay until the stream is
 * full (oldest pushed out) or too old, each consumer keeps its own cursor. De-duplication is
 * stream-wide by msg id within the window, like JetStream's.
 *
 * Partitions mirror consumer filters: work queues hold one log per subject (one route consumer each),
 * the limits stream a single log read by every subscriber.
 */
export class MemStream {
  private readonly logs = new Map<string, MemLog>()
  /** msg id → time first stored; Map order is time order, so expiry prunes from the head. */
  private readonly seen = new Map<string, number>()
  private count = 0

  constructor(
    readonly retention: "workqueue" | "limits",
    private readonly limits: StreamLimits
  ) {}

  log(partition: string): MemLog {
    let log = this.logs.get(partition)
    if (log === undefined) {
      log = new MemLog()
      this.logs.set(partition, log)
    }
    return log
  }

  publish(partition: string, key: string, batch: ReadonlyArray<Outgoing>, now: number): StreamPublish {
    this.expire(now)
    const log = this.log(partition)
    let published = 0
    let duplicates = 0
    let refused = 0
    for (const m of batch) {
      if (this.seen.has(m.msgId)) {
        duplicates++
        continue
      }
      if (this.count >= this.limits.maxMessages) {
        if (this.retention === "workqueue") {
          refused++
          continue
        }
        this.dropOldest(log)
      }
      this.seen.set(m.msgId, now)
      // the caller's bytes are kept, not copied: publishers hand over freshly encoded buffers
      log.entries.set(log.nextSeq++, { key, msgId: m.msgId, data: m.data, at: now })
      this.count++
      published++
    }
    if (published > 0) for (const l of log.listeners) l.wake()
    return { published, duplicates, refused }
  }

  /** Work queue: the message was acked or termed. */
  remove(log: MemLog, seq: number): void {
    if (log.entries.delete(seq)) this.count--
  }

  /** Drops expired de-duplication ids and, on a limits stream, messages past their age. */
  expire(now: number): void {
    for (const [id, at] of this.seen) {
      if (now - at < this.limits.duplicateWindowMs) break
      this.seen.delete(id)
    }
    const maxAge = this.limits.maxAgeMs
    if (this.retention !== "limits" || maxAge === undefined) return
    for (const log of this.logs.values()) {
      while (log.firstSeq < log.nextSeq) {
        const e = log.entries.get(log.firstSeq)
        if (e !== undefined && now - e.at < maxAge) break
        this.dropOldest(log)
      }
    }
  }

  private dropOldest(log: MemLog): void {
    if (log.firstSeq >= log.nextSeq) return
    if (log.entries.delete(log.firstSeq)) this.count--
    log.firstSeq++
  }
}

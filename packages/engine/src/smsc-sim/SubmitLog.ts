import { decodeMessageText } from "./MessageText.js"
import { type Concatenation, readUdh } from "./Udh.js"

/** How the simulator answered a submit_sm. */
export type SubmitAnswer =
  | { readonly _tag: "Resp"; readonly status: number }
  | { readonly _tag: "GenericNack"; readonly status: number; readonly withSequence: boolean }
  /** Accepted but never answered (neverAnswerRatio). */
  | { readonly _tag: "None" }

const UDHI = 0x40
const SEPARATOR = 0

/**
 * One submit_sm as the simulator received it, kept compact (~300 bytes each for a short text, so a million fit in memory):
 * destination, data_coding and the bytes live once, in `key`; text, UDH and the rest are worked out when
 * asked for; answers and sender ids are shared between records.
 */
export class ReceivedSubmit {
  constructor(
    readonly systemId: string,
    /** Which connection carried it (ids count up from 1 per simulator). */
    readonly connectionId: number,
    readonly sequenceNumber: number,
    /** Date.now() on arrival. */
    readonly receivedAt: number,
    readonly sourceAddr: string,
    readonly esmClass: number,
    readonly dataCoding: number,
    readonly registeredDelivery: number,
    /**
     * Identity of the message part: destination, data_coding and the exact short_message bytes (UDH
     * included, so parts of one message differ by their reference and sequence). Equal keys = the same
     * part sent again. Opaque: compare, don't parse.
     */
    readonly key: string,
    /** The SMSC message id given in the resp (or that would have been, when unanswered). */
    readonly messageId: string | undefined,
    readonly answer: SubmitAnswer
  ) {}

  /** Taken by the SMSC: an id was assigned and a receipt follows if asked for. */
  get accepted(): boolean {
    return this.messageId !== undefined
  }

  get destinationAddr(): string {
    return this.key.slice(0, this.key.indexOf("\u0000"))
  }

  /** short_message (or message_payload) exactly as sent, UDH included. */
  get shortMessage(): Buffer {
    // key = destination, NUL, data_coding as one character, NUL, bytes.
    return Buffer.from(this.key.slice(this.key.indexOf("\u0000") + 3), "latin1")
  }

  get concatenation(): Concatenation | undefined {
    return this.esmClass & UDHI ? readUdh(this.shortMessage).concatenation : undefined
  }

  /** The text after the UDH, decoded with core's GSM 7-bit / UCS-2 decoders. */
  get text(): string {
    const bytes = this.shortMessage
    const start = this.esmClass & UDHI ? readUdh(bytes).textStart : 0
    return decodeMessageText(this.dataCoding, bytes.subarray(start))
  }
}

// Reused for every key: one flat Latin-1 string per key, no intermediate strings.
let scratch = Buffer.allocUnsafe(1024)

/** The key of a message part (see ReceivedSubmit.key). */
export const submitKey = (destination: string, dataCoding: number, bytes: Buffer): string => {
  const length = destination.length + 3 + bytes.length
  if (scratch.length < length) scratch = Buffer.allocUnsafe(Math.max(length, 2 * scratch.length))
  let o = scratch.write(destination, 0, "latin1")
  scratch[o++] = SEPARATOR
  scratch[o++] = dataCoding
  scratch[o++] = SEPARATOR
  o += bytes.copy(scratch, o)
  return scratch.toString("latin1", 0, o)
}

const NONE: SubmitAnswer = { _tag: "None" }
const responses = new Map<number, SubmitAnswer>()

/** Answers are few distinct values: share them instead of allocating one per record. */
export const answerResp = (status: number): SubmitAnswer => {
  let answer = responses.get(status)
  if (answer === undefined) {
    answer = { _tag: "Resp", status }
    responses.set(status, answer)
  }
  return answer
}

export const answerNone = (): SubmitAnswer => NONE

/**
 * Every submit received, up to `cap` records, and the keys of accepted parts, up to `cap` keys, so a long
 * run's memory stays bounded. Beyond the cap records are counted in `overflow`, not kept, and uniqueness
 * is no longer tracked (new keys count as unique).
 */
export class SubmitLog {
  private readonly records: Array<ReceivedSubmit> = []
  private readonly keys = new Set<string>()
  /** Sender ids repeat across millions of submits: keep one copy of each (up to a few thousand). */
  private readonly senders = new Map<string, string>()
  overflow = 0

  constructor(readonly cap: number) {}

  add(record: ReceivedSubmit): void {
    if (this.records.length < this.cap) this.records.push(record)
    else this.overflow++
  }

  /** Remembers an accepted part's key; false when it had been accepted before. */
  firstAcceptance(key: string): boolean {
    if (this.keys.has(key)) return false
    if (this.keys.size < this.cap) this.keys.add(key)
    return true
  }

  sender(source: string): string {
    const known = this.senders.get(source)
    if (known !== undefined) return known
    if (this.senders.size < 10_000) this.senders.set(source, source)
    return source
  }

  list(systemId?: string): ReadonlyArray<ReceivedSubmit> {
    return systemId === undefined ? this.records.slice() : this.records.filter((r) => r.systemId === systemId)
  }
}

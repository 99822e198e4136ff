import type { Socket } from "node:net"
import smpp from "smpp"
import type { Account, DeliveryTarget } from "./Account.js"
import type { SimulatorCounters } from "./Counters.js"
import type { Delivery } from "./Delivery.js"
import type { DueQueue } from "./DueQueue.js"
import { formatMessageId } from "./MessageIds.js"
import { gsm7Lossy, textPreview } from "./MessageText.js"
import { oversizedPdu } from "./Misbehaviour.js"
import {
  CommandId,
  decodeSubmitSm,
  encodeCStringResp,
  encodeDeliverSm,
  encodeHeaderOnly,
  HEADER_LENGTH,
  isResponse,
  type SubmitSm,
  setSequence
} from "./PduCodec.js"
import type { Random } from "./Random.js"
import { MESSAGE_STATE, receiptText } from "./ReceiptText.js"
import type { ReceiptStat, SimulatorAccountSettings } from "./SimulatorConfig.js"
import {
  answerNone,
  answerResp,
  ReceivedSubmit,
  type SubmitAnswer,
  type SubmitLog,
  submitKey
} from "./SubmitLog.js"
import { readUdh } from "./Udh.js"

/** What every connection shares with the simulator that accepted it. */
export interface SimulatorContext {
  readonly random: Random
  readonly due: DueQueue
  readonly log: SubmitLog
  /** Counters for what happens before a bind names an account. */
  readonly unattributed: SimulatorCounters
  /** system_id in our bind responses. */
  readonly smscSystemId: string
  /** Most deliver_sm a connection may have awaiting deliver_sm_resp. */
  readonly deliverWindow: number
  account(systemId: string): Account | undefined
  nextMessageNumber(): number
  /** Something countable happened (wakes `waitForCounts`). */
  changed(): void
  forget(connection: Connection): void
}

type BindType = "transmitter" | "receiver" | "transceiver"

const ESM_CLASS_RECEIPT = 0x04
const ESM_CLASS_UDHI = 0x40
/** Receipts quote this many characters of the message after `text:`. */
const RECEIPT_PREVIEW_CHARS = 20
/** After our unbind, close the connection anyway if no unbind_resp comes within this time. */
const UNBIND_RESP_TIMEOUT_MS = 2_000
/** A deliver_sm answered with one of these is offered again this much later, like an SMSC retry. */
const REDELIVERY_DELAY_MS = 1_000
const TEMPORARY_STATUSES: ReadonlySet<number> = new Set([
  smpp.ESME_RSYSERR,
  smpp.ESME_RMSGQFUL,
  smpp.ESME_RTHROTTLED,
  smpp.errors.ESME_RX_T_APPN
])
/** Larger than any legal PDU (a 64 KiB message_payload plus parameters): a bigger length is garbage. */
const MAX_PDU_LENGTH = 70_000
const MAX_SEQUENCE = 0x7fffffff

/**
 * One client connection: its bind, the PDUs it sends and what the simulator answers, as the account's
 * settings say at the moment each PDU arrives.
 *
 * node-smpp accepts the connection and decodes/encodes binds and anything rare; the hot path (submit_sm
 * in, submit_sm_resp and deliver_sm out, header-only PDUs) is framed and coded here (see PduCodec). All
 * writes of one event-loop turn go out as one corked write — the cork is lifted in the same turn, so
 * nothing waits — since a syscall per PDU is what limits a Node SMPP peer at 10,000 submits/s.
 */
export class Connection implements DeliveryTarget {
  account: Account | undefined = undefined
  bindType: BindType | undefined = undefined
  private readonly socket: Socket
  private open = true
  /** The simulator is closing it: later PDUs are ignored. */
  private ending = false
  /** We sent unbind: no more submits accepted nor deliveries sent. */
  private unbinding = false
  private pdus = 0
  private submits = 0
  private corked = false
  private paused = false
  /** Received bytes not yet framed into whole PDUs. */
  private buffered: Buffer | undefined = undefined
  private readonly unacked = new Map<number, Delivery>()

  constructor(
    readonly id: number,
    private readonly session: smpp.Session,
    private readonly ctx: SimulatorContext
  ) {
    const socket = session.socket
    this.socket = socket
    // Nagle plus delayed ACK caps a request/response peer at a few hundred PDUs/s (DESIGN.md §8).
    socket.setNoDelay(true)
    // Our framing replaces node-smpp's read loop (its only "readable" listener): faster, no 16 KiB wedge.
    socket.removeAllListeners("readable")
    socket.on("data", this.onData)
    // node-smpp re-emits the socket's errors and close on the session.
    session.on("error", () => this.socket.destroy())
    session.on("close", () => this.onClose())
  }

  get isOpen(): boolean {
    return this.open
  }

  get canDeliver(): boolean {
    return (
      this.open &&
      !this.ending &&
      !this.unbinding &&
      (this.bindType === "receiver" || this.bindType === "transceiver") &&
      this.unacked.size < this.ctx.deliverWindow
    )
  }

  private get counters(): SimulatorCounters {
    return this.account?.counters ?? this.ctx.unattributed
  }

  // ---- inbound ----

  private readonly onData = (chunk: Buffer): void => {
    this.buffered = this.buffered === undefined ? chunk : Buffer.concat([this.buffered, chunk])
    this.readFrames()
  }

  private readFrames(): void {
    const bytes = this.buffered
    if (bytes === undefined) return
    let offset = 0
    while (!this.paused && this.open && !this.ending && bytes.length - offset >= 4) {
      const length = bytes.readUInt32BE(offset)
      if (length < HEADER_LENGTH || length > MAX_PDU_LENGTH) {
        this.protocolError(`command_length ${length}`)
        return
      }
      if (bytes.length - offset < length) break
      const frame = bytes.subarray(offset, offset + length)
      offset += length
      this.onPdu(frame)
    }
    this.buffered = offset >= bytes.length ? undefined : bytes.subarray(offset)
  }

  private onPdu(frame: Buffer): void {
    const commandId = frame.readUInt32BE(4)
    const status = frame.readUInt32BE(8)
    const sequence = frame.readUInt32BE(12)
    this.pdus++
    switch (commandId) {
      case CommandId.submit_sm:
        this.onSubmit(frame, sequence)
        break
      case CommandId.deliver_sm_resp:
        this.onDeliverResp(sequence, status)
        break
      case CommandId.enquire_link:
        this.counters.enquireLinks++
        this.write(encodeHeaderOnly(CommandId.enquire_link_resp, 0, sequence))
        break
      case CommandId.bind_transmitter:
        this.onBind(frame, "transmitter")
        break
      case CommandId.bind_receiver:
        this.onBind(frame, "receiver")
        break
      case CommandId.bind_transceiver:
        this.onBind(frame, "transceiver")
        break
      case CommandId.unbind:
        this.counters.unbinds++
        this.write(encodeHeaderOnly(CommandId.unbind_resp, 0, sequence))
        // The client closes after unbind_resp; closing our side too frees the socket either way.
        this.end(false)
        break
      case CommandId.unbind_resp:
        this.end(false)
        break
      case CommandId.generic_nack:
        // A client refusing one of our deliver_sm: like an error deliver_sm_resp.
        if (this.unacked.has(sequence)) this.onDeliverResp(sequence, status)
        break
      default:
        // Requests we do not serve (query_sm, data_sm, submit_multi, unknown ids) get ESME_RINVCMDID;
        // responses to nothing we asked need no answer.
        if (!isResponse(commandId)) {
          this.write(encodeHeaderOnly(CommandId.generic_nack, smpp.ESME_RINVCMDID, sequence))
        }
    }
    this.counters.pdusReceived++
    const dropAfter = this.account?.settings.dropAfterPdus ?? 0
    if (dropAfter > 0 && this.pdus >= dropAfter) this.end(true)
    this.ctx.changed()
  }

  private onBind(frame: Buffer, type: BindType): void {
    let pdu: smpp.PDU
    try {
      pdu = new smpp.PDU(frame)
    } catch (error) {
      this.protocolError(`undecodable bind (${String(error)})`)
      return
    }
    const account = this.bindType === undefined ? this.ctx.account(pdu.system_id ?? "") : this.account
    const status =
      this.bindType !== undefined
        ? smpp.ESME_RALYBND
        : account === undefined
          ? smpp.ESME_RINVSYSID
          : account.settings.refuseBindStatus !== 0
            ? account.settings.refuseBindStatus
            : pdu.password !== account.settings.password
              ? smpp.ESME_RINVPASWD
              : smpp.ESME_ROK
    if (account === undefined || status !== smpp.ESME_ROK) {
      ;(account?.counters ?? this.ctx.unattributed).bindsRefused++
      this.write(pdu.response({ command_status: status }).toBuffer())
      return
    }
    this.account = account
    this.bindType = type
    account.counters.binds++
    this.write(pdu.response({ system_id: this.ctx.smscSystemId }).toBuffer())
    // Receipts and MO kept while no receiver was bound go out now.
    if (type !== "transmitter") account.addTarget(this)
  }

  private onSubmit(frame: Buffer, sequence: number): void {
    const account = this.account
    if (account === undefined || this.bindType === "receiver" || this.unbinding) {
      this.counters.submits++
      this.answerSubmit(sequence, smpp.ESME_RINVBNDSTS, 0)
      return
    }
    const counters = account.counters
    counters.submits++
    this.submits++
    const submit = decodeSubmitSm(frame)
    if (submit === undefined) {
      counters.genericNacks++
      this.write(encodeHeaderOnly(CommandId.generic_nack, smpp.errors.ESME_RINVCMDLEN, sequence))
      return
    }
    const settings = account.settings
    const random = this.ctx.random
    const key = submitKey(submit.destination, submit.dataCoding, submit.message)
    const respDelay = settings.submitRespDelayMs + random.jitter(settings.submitRespJitterMs)

    const refusal =
      settings.tps > 0 && !account.bucket.take()
        ? smpp.ESME_RTHROTTLED
        : random.chance(settings.queueFullRatio)
          ? smpp.ESME_RMSGQFUL
          : random.chance(settings.permanentErrorRatio)
            ? settings.permanentErrorStatus
            : smpp.ESME_ROK
    let answer: SubmitAnswer
    let messageId: string | undefined
    if (refusal !== smpp.ESME_ROK) {
      this.answerSubmit(sequence, refusal, respDelay)
      answer = answerResp(refusal)
    } else if (random.chance(settings.genericNackRatio)) {
      const withSequence = settings.genericNackWithSequence
      counters.genericNacks++
      const nack = encodeHeaderOnly(
        CommandId.generic_nack,
        settings.genericNackStatus,
        withSequence ? sequence : 0
      )
      this.writeLater(nack, respDelay)
      answer = { _tag: "GenericNack", status: settings.genericNackStatus, withSequence }
    } else {
      const number = this.ctx.nextMessageNumber()
      messageId = formatMessageId(number, settings.messageIdFormat, settings.messageIdWidth)
      counters.accepted++
      if (this.ctx.log.firstAcceptance(key)) counters.uniqueMessages++
      else counters.duplicates++
      const neverAnswer = random.chance(settings.neverAnswerRatio)
      const late = random.chance(settings.lateRespRatio) ? settings.lateRespDelayMs : 0
      const receipt = this.receiptFor(submit, settings, number, messageId)
      const receiptFirst = receipt !== undefined && random.chance(settings.receiptBeforeRespRatio)
      if (receiptFirst) account.deliver(receipt(), this)
      if (neverAnswer) {
        counters.unanswered++
        answer = answerNone()
      } else {
        this.answerSubmit(sequence, smpp.ESME_ROK, respDelay + late, messageId)
        answer = answerResp(smpp.ESME_ROK)
      }
      if (receipt !== undefined && !receiptFirst) {
        const delay = settings.receiptDelayMs + random.jitter(settings.receiptJitterMs)
        this.ctx.due.schedule(delay, { run: () => account.deliver(receipt(), this) })
      }
    }
    this.ctx.log.add(
      new ReceivedSubmit(
        account.systemId,
        this.id,
        sequence,
        Date.now(),
        this.ctx.log.sender(submit.source),
        submit.esmClass,
        submit.dataCoding,
        submit.registeredDelivery,
        key,
        messageId,
        answer
      )
    )
    if (settings.unbindAfterSubmits > 0 && this.submits >= settings.unbindAfterSubmits) this.unbind()
  }

  /**
   * The receipt a submit asked for, if any (registered_delivery bits 0–1: 1 = always, 2 = on failure
   * only), its state drawn now; calling the result builds it, dated when it is due.
   */
  private receiptFor(
    submit: SubmitSm,
    settings: SimulatorAccountSettings,
    number: number,
    messageId: string
  ): (() => Delivery) | undefined {
    const requested = submit.registeredDelivery & 0x03
    if (!settings.receiptsEnabled || requested === 0 || requested === 3) return undefined
    const stat = this.account!.drawStat(this.ctx.random)
    if (requested === 2 && stat === "DELIVRD") return undefined
    const id =
      settings.receiptIdFormat === "same" ? messageId : formatMessageId(number, settings.receiptIdFormat, 0)
    const textStart = submit.esmClass & ESM_CLASS_UDHI ? readUdh(submit.message).textStart : 0
    const preview = textPreview(submit.dataCoding, submit.message.subarray(textStart), RECEIPT_PREVIEW_CHARS)
    const submittedAt = Date.now()
    const withTlvs = settings.receiptMode === "tlv+text"
    const { source, sourceTon, sourceNpi, destination, destTon, destNpi } = submit
    return () => {
      const text = receiptText(id, stat, submittedAt, Date.now(), preview)
      const pdu = encodeDeliverSm({
        // From the handset back to the sender.
        sourceTon: destTon,
        sourceNpi: destNpi,
        source: destination,
        destTon: sourceTon,
        destNpi: sourceNpi,
        destination: source,
        esmClass: ESM_CLASS_RECEIPT,
        dataCoding: 0,
        shortMessage: gsm7Lossy(text),
        receiptedMessageId: withTlvs ? id : undefined,
        messageState: withTlvs ? MESSAGE_STATE[stat] : undefined
      })
      return { kind: "receipt", stat, pdu, sends: 0 }
    }
  }

  private onDeliverResp(sequence: number, status: number): void {
    const counters = this.counters
    counters.deliverSmResps++
    const delivery = this.unacked.get(sequence)
    if (delivery === undefined) return
    this.unacked.delete(sequence)
    const account = this.account
    if (status !== smpp.ESME_ROK) {
      counters.deliverSmRespErrors++
      if (TEMPORARY_STATUSES.has(status) && account !== undefined) {
        this.ctx.due.schedule(REDELIVERY_DELAY_MS, { run: () => account.deliver(delivery) })
      }
    }
    // A window slot is free again.
    if (account !== undefined && account.pendingCount > 0) account.flush()
  }

  /** Bytes that cannot be SMPP: say so with a generic_nack and close, as an SMSC does. */
  private protocolError(reason: string): void {
    this.counters.decodeErrors++
    console.warn(`smsc-sim: connection ${this.id}: ${reason}; closing it`)
    this.write(encodeHeaderOnly(CommandId.generic_nack, smpp.errors.ESME_RINVCMDLEN, 0))
    this.end(false)
  }

  private onClose(): void {
    if (!this.open) return
    this.open = false
    const account = this.account
    this.counters.disconnects++
    if (account !== undefined) {
      account.removeTarget(this)
      // An SMSC redelivers what was never acknowledged, on another connection or after a rebind.
      const unacked = [...this.unacked.values()]
      this.unacked.clear()
      for (const delivery of unacked) account.deliver(delivery)
    }
    this.ctx.forget(this)
    this.ctx.changed()
  }

  // ---- outbound ----

  deliver(delivery: Delivery): void {
    const counters = this.counters
    // A resend gets its own copy: the first may still sit in a dead socket's queue.
    const pdu = delivery.sends === 0 ? delivery.pdu : Buffer.from(delivery.pdu)
    delivery.sends++
    if (delivery.sends > 1) counters.redeliveries++
    const sequence = this.nextSequence()
    setSequence(pdu, sequence)
    this.write(pdu)
    this.unacked.set(sequence, delivery)
    if (delivery.kind === "receipt") {
      counters.receiptsSent++
      counters.receiptsByStat[delivery.stat as ReceiptStat]++
    } else {
      counters.moSent++
    }
  }

  /** Writes bytes as they are (malformed PDUs). */
  sendRaw(bytes: Buffer): void {
    this.write(bytes)
  }

  /** Sends a deliver_sm of about `bytes` bytes, built and encoded by node-smpp. */
  sendOversized(bytes: number): void {
    const pdu = oversizedPdu(bytes)
    pdu.sequence_number = this.nextSequence()
    this.write(pdu.toBuffer())
  }

  /** Closes the connection now, as a crashing SMSC would (pending answers are lost). */
  destroy(): void {
    if (!this.open) return
    if (!this.ending) this.counters.drops++
    this.ending = true
    this.socket.destroy()
  }

  /** Sends what is written so far, then closes. */
  private end(drop: boolean): void {
    if (this.ending || !this.open) return
    this.ending = true
    if (drop) this.counters.drops++
    this.account?.removeTarget(this)
    this.socket.end(() => this.socket.destroy())
  }

  private unbind(): void {
    if (this.unbinding) return
    this.unbinding = true
    this.counters.unbindsSent++
    this.account?.removeTarget(this)
    this.write(encodeHeaderOnly(CommandId.unbind, 0, this.nextSequence()))
    this.ctx.due.schedule(UNBIND_RESP_TIMEOUT_MS, { run: () => this.end(false) })
  }

  /** Numbers our requests from node-smpp's counter for the session, wrapping as node-smpp does. */
  private nextSequence(): number {
    if (this.session.sequence >= MAX_SEQUENCE) this.session.sequence = 0
    return ++this.session.sequence
  }

  private answerSubmit(sequence: number, status: number, delayMs: number, messageId?: string): void {
    const counters = this.counters
    counters.submitResps[status] = (counters.submitResps[status] ?? 0) + 1
    const resp =
      status === smpp.ESME_ROK && messageId !== undefined
        ? encodeCStringResp(CommandId.submit_sm_resp, sequence, messageId)
        : encodeHeaderOnly(CommandId.submit_sm_resp, status, sequence)
    this.writeLater(resp, delayMs)
  }

  private writeLater(pdu: Buffer, delayMs: number): void {
    if (delayMs <= 0) this.write(pdu)
    else this.ctx.due.schedule(delayMs, { run: () => this.write(pdu) })
  }

  private write(pdu: Buffer): void {
    if (!this.open || this.socket.writableEnded) return
    if (!this.corked) {
      this.corked = true
      this.socket.cork()
      process.nextTick(this.uncork)
    }
    this.socket.write(pdu)
    this.ctx.changed()
  }

  private readonly uncork = (): void => {
    this.corked = false
    this.socket.uncork()
    // Back-pressure: a client that stops reading stops being read, instead of growing our memory.
    if (this.socket.writableNeedDrain && !this.paused && this.open) {
      this.paused = true
      this.socket.pause()
      this.socket.once("drain", () => {
        this.paused = false
        if (!this.open) return
        this.socket.resume()
        this.readFrames()
      })
    }
  }
}

import { connect as netConnect, type Socket } from "node:net"
import { SMPP_STATUSES, smppStatusName } from "@volley/core"
import { Effect, type Scope } from "effect"
import smpp from "smpp"
import { encodeMessageResp, encodeSubmitSm, type SubmitFields } from "./encode.js"
import { BindRefused, ConnectFailed } from "./errors.js"
import { PduFramer } from "./PduFramer.js"
import type {
  BindType,
  CloseReason,
  DeliveredPdu,
  DeliverHandler,
  DeliverRespond,
  LateResp,
  SmppBindOptions,
  SmppClientCounters,
  SmppClientHandlers,
  SmppClientOptions,
  SmppClientState,
  SmppLogger,
  SubmitConnectionLost,
  SubmitResp,
  SubmitResult,
  SubmitTimeout
} from "./types.js"
import { Expired, type InFlight, Window } from "./Window.js"

/**
 * One SMPP client session: node-smpp encodes and decodes most PDUs; the hot ones are ours (submit_sm in
 * encode.ts, submit_sm_resp and receipt deliver_sm in PduFramer.ts, which also frames the stream); the
 * session discipline is ours
 * (DESIGN.md §8) — Nagle off, a window of submit_sm in flight, socket back-pressure, a response timeout
 * for every request (one coarse sweep, not a timer per PDU), our own wrapping sequence numbers,
 * enquire_link both ways, deliver_sm answered only when the owner says so, and any undecodable byte from
 * the peer ends the connection instead of wedging it.
 *
 * The hot path (submit → submit_sm_resp → onDone) is plain callbacks on plain objects: no fiber, no
 * promise per message. Effect is only at the edge (`makeSmppSession`).
 */

export type * from "./types.js"

// ---- constants ----

const MAX_SEQUENCE = 0x7fffffff
const INTERFACE_VERSION_34 = 0x34
const ESME_RINVCMDID = 0x03
const ESME_RX_T_APPN = 0x64
const UNMATCHED_LOG_INTERVAL_MS = 1_000

const TIMEOUT: SubmitTimeout = Object.freeze({ _tag: "Timeout" })
const CONNECTION_LOST: SubmitConnectionLost = Object.freeze({ _tag: "ConnectionLost" })

const BIND_COMMANDS: Readonly<Record<BindType, smpp.CommandName>> = {
  transceiver: "bind_transceiver",
  transmitter: "bind_transmitter",
  receiver: "bind_receiver"
}

/** Requests an ESME does not serve but must answer (ESME_RINVCMDID); the rest have no resp command. */
const UNSERVED_REQUESTS: ReadonlySet<string> = new Set([
  "submit_sm",
  "submit_multi",
  "query_sm",
  "cancel_sm",
  "replace_sm",
  "bind_transceiver",
  "bind_transmitter",
  "bind_receiver",
  "broadcast_sm",
  "query_broadcast_sm",
  "cancel_broadcast_sm"
])

const consoleLogger: SmppLogger = { warn: (message) => console.warn(`smpp: ${message}`) }

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

const emptyCounters = (): SmppClientCounters => ({
  submitsSent: 0,
  resps: { ok: 0, throttle: 0, transient: 0, permanent: 0, session: 0, unknown: 0 },
  nacks: 0,
  unmatchedNacks: 0,
  unmatchedResps: 0,
  timeouts: 0,
  lateResps: 0,
  connectionLost: 0,
  enquireLinksSent: 0,
  enquireLinkResps: 0,
  enquireLinksReceived: 0,
  delivers: 0,
  deliverRespsOk: 0,
  deliverRespsError: 0,
  deliverRespTimeouts: 0,
  unknownCommands: 0,
  writeBackpressure: 0
})

type OnDone = (result: SubmitResult) => void

/** A deliver_sm / data_sm waiting for the owner's answer. */
class PendingDeliver {
  responded = false
  constructor(
    private readonly answer: (pending: PendingDeliver, commandStatus: number) => boolean,
    readonly pdu: DeliveredPdu,
    readonly deadline: number
  ) {}
  readonly respond: DeliverRespond = (commandStatus = 0) => this.answer(this, commandStatus)
}

interface PendingBind {
  readonly seq: number
  readonly systemId: string
  readonly resolve: () => void
  readonly reject: (error: ConnectFailed | BindRefused) => void
  readonly timer: NodeJS.Timeout
}

interface PendingConnect {
  readonly resolve: (client: SmppClient) => void
  readonly reject: (error: ConnectFailed) => void
  readonly timer: NodeJS.Timeout
}

export class SmppClient {
  /** Opens the TCP connection (Nagle off). Rejects with ConnectFailed. */
  static connect(options: SmppClientOptions): Promise<SmppClient> {
    return new SmppClient(options).start()
  }

  /** connect + bind; on a failed bind the connection is closed before the rejection. */
  static async open(options: SmppClientOptions & { readonly bind: SmppBindOptions }): Promise<SmppClient> {
    const client = await SmppClient.connect(options)
    try {
      await client.bind(options.bind)
    } catch (error) {
      await client.close()
      throw error
    }
    return client
  }

  readonly host: string
  readonly port: number
  /** Most submit_sm in flight. */
  readonly window: number
  /** Resolves once, when the connection has closed (every in-flight request settled), with the reason. */
  readonly closed: Promise<CloseReason>

  private readonly socket: Socket
  private readonly framer: PduFramer
  private readonly table: Window<OnDone>
  private readonly expired: Expired
  private readonly delivers = new Set<PendingDeliver>()
  private readonly logger: SmppLogger
  private readonly counters = emptyCounters()
  private readonly responseTimeoutMs: number
  private readonly enquireLinkMs: number
  private readonly enquireLinkTimeoutMs: number
  private readonly deliverRespTimeoutMs: number
  private readonly unbindRespTimeoutMs: number
  private readonly closeTimeoutMs: number
  private readonly sweepIntervalMs: number
  private readonly connectTimeoutMs: number

  private handlers: SmppClientHandlers
  private status: SmppClientState = "connecting"
  private seq: number
  private corked = false
  private needDrain = false
  private capacityWanted = false
  private closeReason: CloseReason | undefined = undefined
  private resolveClosed: (reason: CloseReason) => void = () => {}
  private sweepTimer: NodeJS.Timeout | undefined = undefined
  private closeTimer: NodeJS.Timeout | undefined = undefined
  private pendingConnect: PendingConnect | undefined = undefined
  private pendingBind: PendingBind | undefined = undefined
  private enquire: { readonly seq: number; readonly deadline: number } | undefined = undefined
  private nextEnquireAt = 0
  private unbindSeq = 0
  private unbindDone: (() => void) | undefined = undefined
  private drainDone: (() => void) | undefined = undefined
  private unbinding: Promise<void> | undefined = undefined
  private unmatchedSinceLog = 0
  private lastUnmatchedLog = 0

  private constructor(options: SmppClientOptions) {
    this.host = options.host
    this.port = options.port
    this.window = Math.max(1, options.window ?? 50)
    this.connectTimeoutMs = options.connectTimeoutMs
    this.responseTimeoutMs = options.responseTimeoutMs ?? 10_000
    this.enquireLinkMs = options.enquireLinkMs ?? 30_000
    this.enquireLinkTimeoutMs = options.enquireLinkTimeoutMs ?? 10_000
    this.deliverRespTimeoutMs = options.deliverRespTimeoutMs ?? 10_000
    this.unbindRespTimeoutMs = options.unbindRespTimeoutMs ?? 2_000
    this.closeTimeoutMs = options.closeTimeoutMs ?? 1_000
    this.sweepIntervalMs = options.sweepIntervalMs ?? 100
    this.seq = Math.min(Math.max(0, options.initialSequence ?? 0), MAX_SEQUENCE)
    this.table = new Window(this.window)
    this.expired = new Expired(options.lateRespMemoryMs ?? 600_000, options.lateRespMemoryMax ?? 100_000)
    this.handlers = { ...options.handlers }
    this.logger = options.logger ?? consoleLogger
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve
    })

    const socket = netConnect({ host: options.host, port: options.port, noDelay: true })
    this.socket = socket
    // Ours comes before node-smpp's own listener: a socket error is named as such, and whatever node-smpp
    // re-emits on the session afterwards finds the reason already set.
    socket.on("error", this.onSocketError)
    socket.on("close", this.onSocketClose)
    socket.on("drain", this.onDrain)
    socket.once("connect", this.onConnect)
    this.framer = new PduFramer({
      onSubmitResp: (sequence, commandStatus, messageId) => {
        if (this.status !== "closed")
          this.guarded("submit_sm_resp", () => this.onSubmitResp(sequence, commandStatus, messageId))
      },
      onDeliver: (pdu) => {
        if (this.status !== "closed") this.guarded("deliver_sm", () => this.onDelivery(pdu))
      },
      onPdu: this.onPdu,
      onMalformed: this.onMalformed
    })
    socket.on("data", (chunk: Buffer) => this.framer.push(chunk))
  }

  // ---- state for the owner ----

  get state(): SmppClientState {
    return this.status
  }

  get inFlight(): number {
    return this.table.inFlight
  }

  /** The last sequence number used. */
  get sequence(): number {
    return this.seq
  }

  /**
   * True when a submit would be taken: bound, a free window slot, and the socket not asking us to wait
   * for `drain`. When false, onCapacity fires as soon as it turns true.
   */
  hasCapacity(): boolean {
    if (this.status === "bound" && !this.needDrain && !this.table.isFull) return true
    this.capacityWanted = true
    return false
  }

  counts(): SmppClientCounters {
    return { ...this.counters, resps: { ...this.counters.resps } }
  }

  onDeliver(handler: DeliverHandler | undefined): this {
    this.handlers = { ...this.handlers, onDeliver: handler }
    return this
  }

  /** Replaces the close handler; if the session has already closed it is called (once) right away. */
  onClose(handler: ((reason: CloseReason) => void) | undefined): this {
    this.handlers = { ...this.handlers, onClose: handler }
    const reason = this.closeReason
    if (this.status === "closed" && handler !== undefined && reason !== undefined) {
      queueMicrotask(() => handler(reason))
    }
    return this
  }

  onLateResp(handler: ((seq: number, resp: LateResp) => void) | undefined): this {
    this.handlers = { ...this.handlers, onLateResp: handler }
    return this
  }

  onCapacity(handler: (() => void) | undefined): this {
    this.handlers = { ...this.handlers, onCapacity: handler }
    return this
  }

  // ---- commands ----

  bind(options: SmppBindOptions): Promise<void> {
    if (this.status !== "open") {
      return Promise.reject(new Error(`smpp: cannot bind a session that is ${this.status}`))
    }
    this.status = "binding"
    const seq = this.nextSequence()
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pendingBind?.seq !== seq) return
        this.pendingBind = undefined
        reject(this.connectFailed("bind", "Timeout", `no bind response within ${options.bindTimeoutMs} ms`))
        this.destroyWith({ _tag: "BindTimeout" })
      }, options.bindTimeoutMs)
      this.pendingBind = { seq, systemId: options.systemId, resolve, reject, timer }
      this.writePdu(
        new smpp.PDU(BIND_COMMANDS[options.type], {
          sequence_number: seq,
          system_id: options.systemId,
          password: options.password,
          system_type: options.systemType ?? "",
          interface_version: INTERFACE_VERSION_34,
          addr_ton: 0,
          addr_npi: 0,
          address_range: ""
        })
      )
    })
  }

  /**
   * Sends a submit_sm if there is capacity (see hasCapacity) and returns its sequence number; `onDone` is
   * then called exactly once. Returns 0 when there is no capacity: nothing was sent, onDone is never
   * called, and onCapacity will fire. Throws a RangeError (nothing sent) on a short_message over 254 bytes.
   */
  submit(fields: SubmitFields, onDone: OnDone): number {
    if (this.status !== "bound" || this.needDrain || this.table.isFull) {
      this.capacityWanted = true
      return 0
    }
    const seq = this.nextSequence()
    const bytes = encodeSubmitSm(seq, fields)
    this.table.add(seq, Date.now() + this.responseTimeoutMs, onDone)
    this.counters.submitsSent++
    this.writeBuffer(bytes)
    return seq
  }

  /**
   * Graceful end: no more submits, wait for the in-flight ones (at most drainTimeoutMs; their own
   * response timeout still applies), unbind, wait for unbind_resp (unbindRespTimeoutMs), close.
   * Resolves when the connection has closed; never rejects. Repeated calls share one run.
   */
  unbind(options: { readonly drainTimeoutMs: number }): Promise<void> {
    if (this.unbinding === undefined) this.unbinding = this.runUnbind(options.drainTimeoutMs)
    return this.unbinding
  }

  /** Drops the connection now; in-flight requests get ConnectionLost. Resolves when it has closed. */
  close(): Promise<void> {
    this.destroyWith({ _tag: "LocalClose" })
    return this.closed.then(() => undefined)
  }

  // ---- internals: lifecycle ----

  private start(): Promise<SmppClient> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.destroyWith({ _tag: "ConnectTimeout" }), this.connectTimeoutMs)
      this.pendingConnect = { resolve, reject, timer }
    })
  }

  private readonly onConnect = (): void => {
    const pending = this.pendingConnect
    if (this.status !== "connecting" || pending === undefined) return
    this.pendingConnect = undefined
    clearTimeout(pending.timer)
    this.status = "open"
    this.socket.setNoDelay(true)
    this.sweepTimer = setInterval(this.sweep, this.sweepIntervalMs)
    this.sweepTimer.unref()
    pending.resolve(this)
  }

  private async runUnbind(drainTimeoutMs: number): Promise<void> {
    if (this.status !== "bound") {
      // Not bound (or already going): nothing to drain or unbind.
      if (this.status !== "closing" && this.status !== "closed") this.destroyWith({ _tag: "LocalClose" })
      await this.closed
      return
    }
    this.status = "draining"
    if (this.table.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => finish(), drainTimeoutMs)
        const finish = () => {
          clearTimeout(timer)
          this.drainDone = undefined
          resolve()
        }
        this.drainDone = finish
      })
    }
    // The peer may have unbound or dropped us meanwhile.
    if (this.status === "draining") {
      this.status = "unbinding"
      const seq = this.nextSequence()
      this.unbindSeq = seq
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => finish(), this.unbindRespTimeoutMs)
        const finish = () => {
          clearTimeout(timer)
          this.unbindDone = undefined
          resolve()
        }
        this.unbindDone = finish
        this.writePdu(new smpp.PDU("unbind", { sequence_number: seq }))
      })
      this.endWith({ _tag: "Unbound" })
    }
    await this.closed
  }

  /** Half-close after what is written (unbind_resp, unbind): FIN, then destroy if the peer lingers. */
  private endWith(reason: CloseReason): void {
    if (this.status === "closing" || this.status === "closed") return
    this.closeReason ??= reason
    this.status = "closing"
    this.socket.end()
    this.closeTimer = setTimeout(() => this.socket.destroy(), this.closeTimeoutMs)
    this.closeTimer.unref()
  }

  private destroyWith(reason: CloseReason): void {
    if (this.status === "closed") return
    this.closeReason ??= reason
    this.status = "closing"
    this.socket.destroy()
  }

  private readonly onSocketError = (error: Error): void => {
    this.destroyWith({ _tag: "SocketError", message: error.message })
  }

  /** Bytes that do not frame or decode as SMPP: nothing after them can be trusted. */
  private readonly onMalformed = (message: string): void => {
    if (this.closeReason === undefined) this.logger.warn(`undecodable PDU from ${this.peer()}: ${message}`)
    this.destroyWith({ _tag: "MalformedPdu", message })
  }

  /** Everything ends here, once: timers stop, every waiter and in-flight request is settled. */
  private readonly onSocketClose = (): void => {
    if (this.status === "closed") return
    this.status = "closed"
    const reason: CloseReason = this.closeReason ?? { _tag: "PeerClosed" }
    this.closeReason = reason
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer)
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer)
    this.sweepTimer = undefined
    this.closeTimer = undefined
    this.enquire = undefined

    const connect = this.pendingConnect
    this.pendingConnect = undefined
    if (connect !== undefined) {
      clearTimeout(connect.timer)
      connect.reject(
        reason._tag === "ConnectTimeout"
          ? this.connectFailed("connect", "Timeout", `no TCP connection within ${this.connectTimeoutMs} ms`)
          : reason._tag === "SocketError"
            ? this.connectFailed("connect", "Error", reason.message)
            : this.connectFailed("connect", "Closed", `closed while connecting (${reason._tag})`)
      )
    }
    const bind = this.pendingBind
    this.pendingBind = undefined
    if (bind !== undefined) {
      clearTimeout(bind.timer)
      bind.reject(
        reason._tag === "SocketError"
          ? this.connectFailed("bind", "Error", reason.message)
          : this.connectFailed("bind", "Closed", `closed while binding (${reason._tag})`)
      )
    }

    this.counters.connectionLost += this.table.clear((entry) => this.settle(entry.payload, CONNECTION_LOST))
    for (const pending of this.delivers) pending.responded = true
    this.delivers.clear()
    this.expired.clear()
    this.drainDone?.()
    this.unbindDone?.()

    const onClose = this.handlers.onClose
    if (onClose !== undefined) {
      try {
        onClose(reason)
      } catch (error) {
        this.logger.warn(`onClose threw: ${describe(error)}`)
      }
    }
    this.resolveClosed(reason)
  }

  // ---- internals: writing ----

  private writePdu(pdu: smpp.PDU): boolean {
    return this.writeBuffer(pdu.toBuffer())
  }

  /**
   * Writes of one event-loop turn leave in one corked batch (one syscall instead of one per PDU; the cork
   * is lifted on nextTick, so no latency is added). write() returning false stops submits until `drain`.
   */
  private writeBuffer(bytes: Buffer): boolean {
    const socket = this.socket
    if (!socket.writable) return false
    if (!this.corked) {
      this.corked = true
      socket.cork()
      process.nextTick(this.uncork)
    }
    if (!socket.write(bytes) && !this.needDrain) {
      this.needDrain = true
      this.counters.writeBackpressure++
    }
    return true
  }

  private readonly uncork = (): void => {
    this.corked = false
    this.socket.uncork()
  }

  private readonly onDrain = (): void => {
    this.needDrain = false
    this.afterFree()
  }

  private nextSequence(): number {
    let seq = this.seq
    do {
      seq = seq >= MAX_SEQUENCE ? 1 : seq + 1
    } while (this.table.has(seq))
    this.seq = seq
    return seq
  }

  // ---- internals: reading ----

  /** Every PDU but submit_sm_resp and receipts, which the framer decodes and hands over itself. */
  private readonly onPdu = (pdu: smpp.PDU): void => {
    if (this.status !== "closed") this.guarded(pdu.command, () => this.onOtherPdu(pdu))
  }

  /**
   * Runs a handler of a well-formed PDU. Nothing may escape into the framer: it would take our own
   * error for a malformed PDU and end the session.
   */
  private guarded(command: string, handle: () => void): void {
    try {
      handle()
    } catch (error) {
      this.logger.warn(`error handling ${command} from ${this.peer()}: ${describe(error)}`)
    }
  }

  private onSubmitResp(seq: number, status: number, id: string): void {
    const resps = this.counters.resps
    if (status === 0) resps.ok++
    else resps[SMPP_STATUSES.get(status)?.class ?? "unknown"]++
    const resp: SubmitResp = { _tag: "Resp", commandStatus: status, messageId: id === "" ? undefined : id }
    const entry = this.table.take(seq)
    if (entry !== undefined) {
      this.settle(entry.payload, resp)
      this.afterFree()
    } else if (this.expired.take(seq)) {
      this.late(seq, resp)
    } else {
      this.counters.unmatchedResps++
    }
  }

  private onOtherPdu(pdu: smpp.PDU): void {
    switch (pdu.command) {
      case "generic_nack":
        this.onGenericNack(pdu)
        return
      case "deliver_sm":
      case "data_sm":
        this.onDelivery(pdu)
        return
      case "enquire_link":
        this.counters.enquireLinksReceived++
        this.writePdu(pdu.response())
        return
      case "enquire_link_resp":
        this.onEnquireLinkResp()
        return
      case "bind_transceiver_resp":
      case "bind_transmitter_resp":
      case "bind_receiver_resp":
        this.onBindResp(pdu)
        return
      case "unbind":
        this.writePdu(pdu.response())
        this.endWith({ _tag: "PeerUnbind" })
        return
      case "unbind_resp":
        if (pdu.sequence_number === this.unbindSeq) this.unbindDone?.()
        return
      case "unknown":
        this.counters.unknownCommands++
        // node-smpp answers an unknown command id with generic_nack ESME_RINVCMDID, our sequence echoed.
        if ((pdu.command_id & 0x80000000) === 0) this.writePdu(pdu.response())
        return
      default:
        if (!pdu.isResponse() && UNSERVED_REQUESTS.has(pdu.command)) {
          this.writePdu(pdu.response({ command_status: ESME_RINVCMDID }))
        }
    }
  }

  private onGenericNack(pdu: smpp.PDU): void {
    const seq = pdu.sequence_number
    const status = pdu.command_status
    if (seq !== 0) {
      const entry = this.table.take(seq)
      if (entry !== undefined) {
        this.counters.nacks++
        this.settle(entry.payload, { _tag: "Nack", commandStatus: status })
        this.afterFree()
        return
      }
      if (this.pendingBind?.seq === seq) {
        this.onBindResp(pdu)
        return
      }
      if (this.enquire?.seq === seq) {
        this.onEnquireLinkResp()
        return
      }
      if (this.unbindSeq === seq && this.unbindDone !== undefined) {
        this.unbindDone()
        return
      }
      if (this.expired.take(seq)) {
        this.late(seq, { _tag: "Nack", commandStatus: status })
        return
      }
    }
    // Cannot be matched: the request it refused (if any) is left to its response timeout.
    this.counters.unmatchedNacks++
    this.unmatchedSinceLog++
    const now = Date.now()
    if (now - this.lastUnmatchedLog >= UNMATCHED_LOG_INTERVAL_MS) {
      this.logger.warn(
        `${this.unmatchedSinceLog} generic_nack(s) from ${this.peer()} without a usable sequence number ` +
          `(last: seq ${seq}, status ${smppStatusName(status)})`
      )
      this.lastUnmatchedLog = now
      this.unmatchedSinceLog = 0
    }
  }

  private onBindResp(pdu: smpp.PDU): void {
    const bind = this.pendingBind
    if (bind === undefined || pdu.sequence_number !== bind.seq) return
    this.pendingBind = undefined
    clearTimeout(bind.timer)
    const status = pdu.command_status
    if (status === 0 && pdu.command !== "generic_nack") {
      this.status = "bound"
      this.nextEnquireAt = Date.now() + this.enquireLinkMs
      bind.resolve()
      this.afterFree()
    } else {
      this.status = "open"
      bind.reject(
        new BindRefused({ systemId: bind.systemId, commandStatus: status, name: smppStatusName(status) })
      )
    }
  }

  private onEnquireLinkResp(): void {
    // Any enquire_link_resp proves the link alive, whatever sequence number the peer put in it.
    this.counters.enquireLinkResps++
    this.enquire = undefined
    this.nextEnquireAt = Date.now() + this.enquireLinkMs
  }

  private onDelivery(pdu: DeliveredPdu): void {
    this.counters.delivers++
    const handler = this.handlers.onDeliver
    const pending = new PendingDeliver(this.answerDeliver, pdu, Date.now() + this.deliverRespTimeoutMs)
    this.delivers.add(pending)
    if (handler === undefined) {
      pending.respond(ESME_RX_T_APPN)
      return
    }
    try {
      handler(pdu, pending.respond)
    } catch (error) {
      this.logger.warn(`onDeliver threw: ${describe(error)}`)
    }
  }

  /** Behind every DeliverRespond: the first answer is written, later ones (and any after close) are not. */
  private readonly answerDeliver = (pending: PendingDeliver, commandStatus: number): boolean => {
    if (pending.responded) return false
    pending.responded = true
    this.delivers.delete(pending)
    if (this.status === "closed") return false
    const pdu = pending.pdu
    if (!this.writeBuffer(encodeMessageResp(pdu.command_id, commandStatus, pdu.sequence_number))) return false
    if (commandStatus === 0) this.counters.deliverRespsOk++
    else this.counters.deliverRespsError++
    return true
  }

  // ---- internals: timers and callbacks ----

  /** The one periodic timer: request timeouts, late-resp memory, deliver_sm answers, enquire_link. */
  private readonly sweep = (): void => {
    const now = Date.now()
    if (this.table.inFlight > 0) {
      const expired = this.table.expire(now, (entry: InFlight<OnDone>) => {
        this.expired.remember(entry.seq, now)
        this.counters.timeouts++
        this.settle(entry.payload, TIMEOUT)
      })
      if (expired > 0) this.afterFree()
    }
    if (this.expired.size > 0) this.expired.sweep(now)
    if (this.delivers.size > 0) {
      for (const pending of this.delivers) {
        if (pending.deadline > now) break
        this.counters.deliverRespTimeouts++
        // The owner did not confirm it stored this: a temporary error makes the SMSC offer it again.
        pending.respond(ESME_RX_T_APPN)
      }
    }
    this.keepAlive(now)
  }

  private keepAlive(now: number): void {
    if (this.enquireLinkMs <= 0 || (this.status !== "bound" && this.status !== "draining")) return
    const pending = this.enquire
    if (pending !== undefined) {
      if (now >= pending.deadline) {
        this.logger.warn(`no enquire_link_resp from ${this.peer()} within ${this.enquireLinkTimeoutMs} ms`)
        this.destroyWith({ _tag: "EnquireLinkTimeout" })
      }
      return
    }
    if (now < this.nextEnquireAt) return
    const seq = this.nextSequence()
    this.enquire = { seq, deadline: now + this.enquireLinkTimeoutMs }
    this.counters.enquireLinksSent++
    this.writePdu(new smpp.PDU("enquire_link", { sequence_number: seq }))
  }

  /** After a slot or the socket freed up: wake a drain waiter, tell the owner there is capacity. */
  private afterFree(): void {
    if (this.drainDone !== undefined && this.table.inFlight === 0) this.drainDone()
    if (!this.capacityWanted || this.status !== "bound" || this.needDrain || this.table.isFull) return
    this.capacityWanted = false
    const onCapacity = this.handlers.onCapacity
    if (onCapacity === undefined) return
    try {
      onCapacity()
    } catch (error) {
      this.logger.warn(`onCapacity threw: ${describe(error)}`)
    }
  }

  private settle(onDone: OnDone, result: SubmitResult): void {
    try {
      onDone(result)
    } catch (error) {
      this.logger.warn(`onDone threw: ${describe(error)}`)
    }
  }

  private late(seq: number, resp: LateResp): void {
    this.counters.lateResps++
    const onLateResp = this.handlers.onLateResp
    if (onLateResp === undefined) return
    try {
      onLateResp(seq, resp)
    } catch (error) {
      this.logger.warn(`onLateResp threw: ${describe(error)}`)
    }
  }

  private connectFailed(phase: "connect" | "bind", reason: "Timeout" | "Error" | "Closed", message: string) {
    return new ConnectFailed({ host: this.host, port: this.port, phase, reason, message })
  }

  private peer(): string {
    return `${this.host}:${this.port}`
  }
}

// ---- Effect edge ----

export interface SmppSessionOptions extends SmppClientOptions {
  readonly bind: SmppBindOptions
  /** How long the release waits for in-flight submits before unbinding anyway. Default 10,000. */
  readonly drainTimeoutMs?: number | undefined
}

/**
 * A bound session for the life of the scope: released by a graceful unbind (drain in-flight, unbind,
 * close). Handlers go in `options.handlers` so none of the deliveries an SMSC flushes right after the
 * bind is missed.
 */
export const makeSmppSession = (
  options: SmppSessionOptions
): Effect.Effect<SmppClient, ConnectFailed | BindRefused, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => SmppClient.open(options),
      catch: (error) =>
        error instanceof ConnectFailed || error instanceof BindRefused
          ? error
          : new ConnectFailed({
              host: options.host,
              port: options.port,
              phase: "connect",
              reason: "Error",
              message: describe(error)
            })
    }),
    (client) => Effect.promise(() => client.unbind({ drainTimeoutMs: options.drainTimeoutMs ?? 10_000 }))
  )

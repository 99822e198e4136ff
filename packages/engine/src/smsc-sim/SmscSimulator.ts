import { encodeForSmpp } from "@volley/core"
import { Data, Effect, Either, type Scope } from "effect"
import smpp from "smpp"
import { Account } from "./Account.js"
import { Connection, type SimulatorContext } from "./Connection.js"
import { addCounters, copyCounters, emptyCounters, type SimulatorCounts } from "./Counters.js"
import { DueQueue } from "./DueQueue.js"
import { FIRST_MESSAGE_NUMBER } from "./MessageIds.js"
import { type MalformedPduKind, malformedPdu } from "./Misbehaviour.js"
import { encodeDeliverSm } from "./PduCodec.js"
import { Random } from "./Random.js"
import {
  DEFAULT_ACCOUNT_SETTINGS,
  mergeAccountSettings,
  type SimulatorAccountConfig,
  type SimulatorAccountSettings
} from "./SimulatorConfig.js"
import { type ReceivedSubmit, SubmitLog } from "./SubmitLog.js"

export interface SimulatorOptions {
  /** 0 (the default) picks a free port; read it back from `port`. */
  readonly port?: number | undefined
  /** Defaults to 127.0.0.1. */
  readonly host?: string | undefined
  /** The system_ids that may bind and how each behaves (over `defaults`, over DEFAULT_ACCOUNT_SETTINGS). */
  readonly accounts: Readonly<Record<string, SimulatorAccountConfig>>
  readonly defaults?: SimulatorAccountConfig | undefined
  /** Seed of the generator behind every ratio, jitter and receipt state: same seed, same run. */
  readonly seed?: number | undefined
  /** Submits kept for `receivedSubmits()` (and accepted keys tracked for uniqueness). Default 1,000,000. */
  readonly maxRecordedSubmits?: number | undefined
  /** Receipts and MO kept per account while no receiver is bound. Default 1,000,000. */
  readonly maxPendingDeliveries?: number | undefined
  /** deliver_sm awaiting deliver_sm_resp per connection before further ones wait. Default 1,000. */
  readonly deliverWindow?: number | undefined
  /** system_id the simulator answers binds with. Default "VolleySim". */
  readonly systemId?: string | undefined
}

/** A mobile-originated message to deliver to an account's receivers (split into parts when long). */
export interface MobileOriginated {
  readonly systemId: string
  /** The handset's number (source_addr). */
  readonly from: string
  /** The short code or number it was sent to (destination_addr). */
  readonly to: string
  readonly text: string
}

export class SimulatorStartError extends Data.TaggedError("SimulatorStartError")<{
  readonly host: string
  readonly port: number
  readonly cause: unknown
}> {
  override get message(): string {
    return `SMSC simulator could not listen on ${this.host}:${this.port}: ${String(this.cause)}`
  }
}

interface Waiter {
  readonly predicate: (counts: SimulatorCounts) => boolean
  readonly resolve: (counts: SimulatorCounts) => void
  readonly reject: (error: Error) => void
  readonly timer: NodeJS.Timeout
}

/**
 * An SMPP v3.4 SMSC on node-smpp for tests, benchmarks and `npm start`: accounts per system_id, receipts,
 * MO, throttling, errors and the faults real SMSCs show, switchable at run time.
 * Start with `SmscSimulator.start` (Promise) or `SmscSimulator.scoped` (Effect, stopped with its scope).
 */
export class SmscSimulator {
  private readonly accounts = new Map<string, Account>()
  private readonly connections = new Set<Connection>()
  private readonly unattributed = emptyCounters()
  private readonly due = new DueQueue(() => this.changed())
  private readonly log: SubmitLog
  private readonly random: Random
  private readonly defaults: SimulatorAccountSettings
  private readonly maxPending: number
  private readonly ctx: SimulatorContext
  private readonly waiters = new Set<Waiter>()
  private checkScheduled = false
  private connectionIds = 0
  private messageNumber = FIRST_MESSAGE_NUMBER
  private stopping: Promise<void> | undefined = undefined
  private listeningPort = 0

  static start(options: SimulatorOptions): Promise<SmscSimulator> {
    const simulator = new SmscSimulator(options)
    return simulator.listen(options.port ?? 0).then(() => simulator)
  }

  /** Started on acquisition, stopped (every connection closed) when the scope closes. */
  static scoped(options: SimulatorOptions): Effect.Effect<SmscSimulator, SimulatorStartError, Scope.Scope> {
    const host = options.host ?? "127.0.0.1"
    const port = options.port ?? 0
    return Effect.acquireRelease(
      Effect.tryPromise({
        try: () => SmscSimulator.start(options),
        catch: (cause) => new SimulatorStartError({ host, port, cause })
      }),
      (simulator) => Effect.promise(() => simulator.stop())
    )
  }

  readonly host: string
  private readonly server: smpp.Server

  private constructor(options: SimulatorOptions) {
    this.host = options.host ?? "127.0.0.1"
    this.log = new SubmitLog(options.maxRecordedSubmits ?? 1_000_000)
    this.random = new Random(options.seed ?? 0x5eed)
    this.defaults = mergeAccountSettings(DEFAULT_ACCOUNT_SETTINGS, options.defaults ?? {})
    this.maxPending = options.maxPendingDeliveries ?? 1_000_000
    for (const [systemId, config] of Object.entries(options.accounts)) this.configure(systemId, config)
    this.ctx = {
      random: this.random,
      due: this.due,
      log: this.log,
      unattributed: this.unattributed,
      smscSystemId: options.systemId ?? "VolleySim",
      deliverWindow: options.deliverWindow ?? 1_000,
      account: (systemId) => this.accounts.get(systemId),
      nextMessageNumber: () => this.messageNumber++,
      changed: () => this.changed(),
      forget: (connection) => this.connections.delete(connection)
    }
    this.server = smpp.createServer({ noDelay: true }, (session) => {
      this.connections.add(new Connection(++this.connectionIds, session, this.ctx))
    })
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = this.server
      const failed = (error: Error) => reject(error)
      server.once("error", failed)
      server.listen(port, this.host, () => {
        server.off("error", failed)
        // A listening server's errors (e.g. EMFILE on accept) must not crash the process.
        server.on("error", (error) => console.error("smsc-sim: server error", error))
        const address = server.address()
        this.listeningPort = typeof address === "object" && address !== null ? address.port : port
        resolve()
      })
    })
  }

  /** The port it listens on (the one chosen when started with port 0). */
  get port(): number {
    return this.listeningPort
  }

  /** A snapshot of every counter, per system_id and in total. */
  counts(): SimulatorCounts {
    const bySystemId: Record<string, ReturnType<typeof emptyCounters>> = {}
    const total = copyCounters(this.unattributed)
    for (const [systemId, account] of this.accounts) {
      bySystemId[systemId] = copyCounters(account.counters)
      addCounters(total, account.counters)
    }
    return { total, bySystemId }
  }

  /** Submits received (all of them, in arrival order), optionally of one system_id; see maxRecordedSubmits. */
  receivedSubmits(systemId?: string): ReadonlyArray<ReceivedSubmit> {
    return this.log.list(systemId)
  }

  /** Submits received beyond maxRecordedSubmits and therefore not kept. */
  get submitsNotRecorded(): number {
    return this.log.overflow
  }

  /** Resolves with the counts as soon as `predicate` holds on them; rejects after `timeoutMs`. */
  waitForCounts(
    predicate: (counts: SimulatorCounts) => boolean,
    timeoutMs = 10_000
  ): Promise<SimulatorCounts> {
    const now = this.counts()
    if (predicate(now)) return Promise.resolve(now)
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter)
          reject(
            new Error(
              `smsc-sim: counts not reached in ${timeoutMs} ms: ${JSON.stringify(this.counts().total)}`
            )
          )
        }, timeoutMs)
      }
      this.waiters.add(waiter)
    })
  }

  /** The settings an account runs with now. */
  settings(systemId: string): SimulatorAccountSettings | undefined {
    return this.accounts.get(systemId)?.settings
  }

  /** Changes an account's behaviour from the next PDU on (adds the account if it is new). */
  configure(systemId: string, patch: SimulatorAccountConfig): void {
    const account = this.accounts.get(systemId)
    if (account !== undefined) account.configure(patch)
    else
      this.accounts.set(
        systemId,
        new Account(systemId, mergeAccountSettings(this.defaults, patch), this.maxPending)
      )
  }

  /**
   * Delivers an MO as deliver_sm (GSM 7-bit or UCS-2, concatenated when long) to a receiver of the account,
   * or keeps it until one binds. Returns the number of parts.
   */
  sendMo(mo: MobileOriginated): number {
    const account = this.requireAccount(mo.systemId)
    const encoded = encodeForSmpp(mo.text, { reference: Math.floor(this.random.next() * 256), maxParts: 255 })
    if (Either.isLeft(encoded)) throw new Error(`smsc-sim: cannot send MO: ${encoded.left._tag}`)
    const { dataCoding, parts } = encoded.right
    for (const part of parts) {
      const pdu = encodeDeliverSm({
        sourceTon: 1,
        sourceNpi: 1,
        source: mo.from,
        destTon: 0,
        destNpi: 0,
        destination: mo.to,
        esmClass: part.esmClass,
        dataCoding,
        shortMessage: part.shortMessage
      })
      account.deliver({ kind: "mo", stat: undefined, pdu, sends: 0 })
    }
    this.changed()
    return parts.length
  }

  /** Closes the connections of one account (or all) at once, as a crashing SMSC would. Returns how many. */
  dropConnections(systemId?: string): number {
    let dropped = 0
    for (const connection of this.connectionsOf(systemId)) {
      connection.destroy()
      dropped++
    }
    return dropped
  }

  /** Open connections, bound to `systemId` when given. */
  connectionCount(systemId?: string): number {
    return this.connectionsOf(systemId).length
  }

  /** Writes a malformed PDU to every bound connection of the account. Returns how many got one. */
  sendMalformedPdu(systemId: string, kind: MalformedPduKind = "truncated"): number {
    const targets = this.connectionsOf(systemId)
    for (const connection of targets) {
      connection.sendRaw(malformedPdu(kind))
      connection.account!.counters.malformedSent++
    }
    this.changed()
    return targets.length
  }

  /** Writes a deliver_sm of `bytes` (> 16,384: node-smpp's limit) to every bound connection of the account. */
  sendOversizedPdu(systemId: string, bytes = 20_000): number {
    const targets = this.connectionsOf(systemId)
    for (const connection of targets) {
      connection.sendOversized(bytes)
      connection.account!.counters.oversizedSent++
    }
    this.changed()
    return targets.length
  }

  /** Closes every connection and the server; pending receipts and late answers are dropped. */
  stop(): Promise<void> {
    if (this.stopping !== undefined) return this.stopping
    this.due.stop()
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer)
      waiter.reject(new Error("smsc-sim: stopped"))
    }
    this.waiters.clear()
    this.stopping = new Promise((resolve) => {
      // close() waits for every connection to go; destroying them makes that immediate.
      this.server.close(() => resolve())
      for (const connection of [...this.connections]) connection.destroy()
    })
    return this.stopping
  }

  private connectionsOf(systemId: string | undefined): Array<Connection> {
    const result: Array<Connection> = []
    for (const connection of this.connections) {
      if (!connection.isOpen) continue
      if (systemId === undefined || connection.account?.systemId === systemId) result.push(connection)
    }
    return result
  }

  private requireAccount(systemId: string): Account {
    const account = this.accounts.get(systemId)
    if (account === undefined) throw new Error(`smsc-sim: no account "${systemId}"`)
    return account
  }

  /** Re-checks waiters once per event-loop turn at most, only while someone waits. */
  private changed(): void {
    if (this.waiters.size === 0 || this.checkScheduled) return
    this.checkScheduled = true
    setImmediate(() => {
      this.checkScheduled = false
      if (this.waiters.size === 0) return
      const counts = this.counts()
      for (const waiter of this.waiters) {
        if (!waiter.predicate(counts)) continue
        clearTimeout(waiter.timer)
        this.waiters.delete(waiter)
        waiter.resolve(counts)
      }
    })
  }
}

/** Starts a simulator (Promise API, for scripts and plain async tests). */
export const startSimulator = (options: SimulatorOptions): Promise<SmscSimulator> =>
  SmscSimulator.start(options)

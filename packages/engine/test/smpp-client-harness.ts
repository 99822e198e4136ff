import { createServer, connect as netConnect, type Server, type Socket } from "node:net"
import { encodeForSmpp } from "@volley/core"
import { Either } from "effect"
import {
  type CloseReason,
  SmppClient,
  type SmppClientOptions,
  type SubmitFields,
  type SubmitResult
} from "../src/smpp/SmppClient.js"
import type { SimulatorAccountConfig } from "../src/smsc-sim/SimulatorConfig.js"
import { type SmscSimulator, startSimulator } from "../src/smsc-sim/SmscSimulator.js"

/** Short timeouts everywhere: the tests wait on events, and a missed event fails fast. */
export const fastOptions = {
  connectTimeoutMs: 1_000,
  responseTimeoutMs: 2_000,
  enquireLinkMs: 0,
  deliverRespTimeoutMs: 2_000,
  unbindRespTimeoutMs: 500,
  closeTimeoutMs: 500,
  sweepIntervalMs: 20
} as const

export const SYSTEM_ID = "acme"
export const PASSWORD = "secret"

export const simulator = (account: SimulatorAccountConfig = {}): Promise<SmscSimulator> =>
  startSimulator({ accounts: { [SYSTEM_ID]: { receiptsEnabled: false, ...account } } })

/** A transceiver bound to the simulator (or to `port`, e.g. a proxy in front of it). */
export const bound = async (
  port: number,
  options: Partial<Omit<SmppClientOptions, "host" | "port">> = {}
): Promise<SmppClient> =>
  SmppClient.open({
    host: "127.0.0.1",
    port,
    ...fastOptions,
    ...options,
    bind: { type: "transceiver", systemId: SYSTEM_ID, password: PASSWORD, bindTimeoutMs: 1_000 }
  })

let reference = 0

/** submit_sm fields for each part of `text`, encoded by core exactly as the engine will. */
export const partsOf = (text: string, destination = "380501234567"): Array<SubmitFields> => {
  const encoded = encodeForSmpp(text, { reference: reference++ & 0xff, maxParts: 4 })
  if (Either.isLeft(encoded)) throw new Error(`cannot encode: ${encoded.left._tag}`)
  return encoded.right.parts.map((part) => ({
    source_addr: "Volley",
    source_addr_ton: 5,
    source_addr_npi: 0,
    destination_addr: destination,
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    esm_class: part.esmClass,
    data_coding: encoded.right.dataCoding,
    short_message: part.shortMessage,
    registered_delivery: 1,
    validity_period: "000001000000000R"
  }))
}

export const fields = (text = "Hello", destination?: string): SubmitFields => partsOf(text, destination)[0]!

export interface Deferred<A> {
  readonly promise: Promise<A>
  readonly resolve: (value: A) => void
}

export const deferred = <A = void>(): Deferred<A> => {
  let resolve!: (value: A) => void
  const promise = new Promise<A>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

export interface Run {
  /** Results by submit index; `calls[i]` counts onDone calls for submit i. */
  readonly results: Array<SubmitResult | undefined>
  readonly calls: Array<number>
  readonly seqs: Array<number>
  /** The largest inFlight seen (after every submit and in every onDone). */
  readonly maxInFlight: number
  /** Resolves when every submit got its onDone. */
  readonly done: Promise<void>
}

/**
 * Submits every item as the BindActor will: only while hasCapacity(), resuming on onCapacity. Each onDone is
 * counted, so a second call for one submit shows up in `calls`.
 */
export const submitAll = (client: SmppClient, items: ReadonlyArray<SubmitFields>): Run => {
  const results: Array<SubmitResult | undefined> = items.map(() => undefined)
  const calls = items.map(() => 0)
  const seqs: Array<number> = []
  const finished = deferred()
  let next = 0
  let settled = 0
  const run = { results, calls, seqs, maxInFlight: 0, done: finished.promise }
  const sample = () => {
    if (client.inFlight > run.maxInFlight) run.maxInFlight = client.inFlight
  }
  const pump = () => {
    while (next < items.length && client.hasCapacity()) {
      const index = next++
      const seq = client.submit(items[index]!, (result) => {
        sample()
        calls[index]!++
        results[index] = result
        if (++settled === items.length) finished.resolve()
      })
      if (seq === 0) throw new Error("submit refused although hasCapacity() said yes")
      seqs[index] = seq
      sample()
    }
  }
  client.onCapacity(pump)
  pump()
  if (items.length === 0) finished.resolve()
  return run
}

/** Records every onClose call of a client. */
export const watchClose = (client: SmppClient): { readonly reasons: Array<CloseReason> } => {
  const reasons: Array<CloseReason> = []
  client.onClose((reason) => reasons.push(reason))
  return { reasons }
}

/**
 * A TCP proxy between a client and the simulator, to play the network: it can stop passing the SMSC's bytes
 * (a dead link), stop reading the client (a peer that does not read), and records the command ids the
 * client sent, in wire order.
 */
export class TcpProxy {
  /** command_id of every PDU the client sent, in order. */
  readonly clientCommands: Array<number> = []
  /** While true the SMSC's bytes are dropped. */
  blackholeDownstream = false
  private readonly server: Server
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>()

  private constructor(targetPort: number) {
    this.server = createServer((client) => {
      const upstream = netConnect({ host: "127.0.0.1", port: targetPort })
      const pair = { client, upstream }
      this.pairs.add(pair)
      let pending = Buffer.alloc(0)
      client.on("data", (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk])
        while (pending.length >= 8 && pending.length >= pending.readUInt32BE(0)) {
          this.clientCommands.push(pending.readUInt32BE(4))
          pending = pending.subarray(Math.max(pending.readUInt32BE(0), 8))
        }
        upstream.write(chunk)
      })
      upstream.on("data", (chunk: Buffer) => {
        if (!this.blackholeDownstream) client.write(chunk)
      })
      const end = () => {
        this.pairs.delete(pair)
        client.destroy()
        upstream.destroy()
      }
      client.on("close", end)
      upstream.on("close", end)
      client.on("error", end)
      upstream.on("error", end)
    })
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort)
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve))
    return proxy
  }

  get port(): number {
    const address = this.server.address()
    return typeof address === "object" && address !== null ? address.port : 0
  }

  /** Stop reading what the client writes (its socket buffers fill up). */
  pauseClient(): void {
    for (const { client } of this.pairs) client.pause()
  }

  resumeClient(): void {
    for (const { client } of this.pairs) client.resume()
  }

  /** Writes bytes to the client as if the SMSC had sent them. */
  injectToClient(bytes: Buffer): void {
    for (const { client } of this.pairs) client.write(bytes)
  }

  close(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.destroy()
      upstream.destroy()
    }
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

export const COMMAND = {
  submit_sm: 0x00000004,
  unbind: 0x00000006,
  enquire_link: 0x00000015,
  bind_transceiver: 0x00000009
} as const

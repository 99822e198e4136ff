import { randomBytes } from "node:crypto"
import { Effect, Layer } from "effect"
import type { Bus, Delivery, Outgoing } from "../src/bus/Bus.js"
import { BusInProcess } from "../src/bus/BusInProcess.js"
import { BusNats } from "../src/bus/BusNats.js"
import type { BusError } from "../src/bus/errors.js"
import { deleteBusStreams } from "../src/bus/nats/provision.js"
import type { BusOptions } from "../src/bus/settings.js"

/** The machine's NATS with JetStream (DESIGN §9); TEST_NATS_URL points elsewhere. */
export const natsUrl = process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222"

/** A prefix of its own per layer, so runs and suites never share streams. */
export const uniquePrefix = () => `t${Date.now().toString(36)}${randomBytes(3).toString("hex")}`

/** Short ack-wait so redelivery tests take about a second. */
export const testAckWaitMs = 800

const defaults: BusOptions = { ackWaitMs: testAckWaitMs, maxAckPending: 50 }

const deleteStreams = (prefix: string) => Effect.promise(() => deleteBusStreams(natsUrl, prefix))

/** The NATS bus on `prefix`; its streams are deleted after the bus has closed (finalizers run in reverse). */
export const natsTestLayer = (prefix: string, options?: BusOptions) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      yield* Effect.addFinalizer(() => deleteStreams(prefix))
      return BusNats.layer({ ...defaults, ...options, url: natsUrl, prefix })
    })
  )

/** The NATS bus on `prefix`, leaving its streams for a later layer on the same prefix (a "restart"). */
export const natsTestLayerKeepingStreams = (prefix: string, options?: BusOptions) =>
  BusNats.layer({ ...defaults, ...options, url: natsUrl, prefix })

export interface BusImpl {
  readonly name: string
  readonly layer: (options?: BusOptions) => Layer.Layer<Bus, BusError>
}

/** Both implementations: every behavioural suite runs once per entry. */
export const busImpls: ReadonlyArray<BusImpl> = [
  {
    name: "in-process",
    layer: (options) => BusInProcess.layerWith({ ...defaults, ...options, prefix: uniquePrefix() })
  },
  // One message per bundle: JetStream's own per-message semantics (de-duplication, limits, depth), which
  // these suites pin down; bundles of many are checked in bus-bundles.test.ts.
  { name: "nats", layer: (options) => natsTestLayer(uniquePrefix(), { bundleMaxItems: 1, ...options }) }
]

const encoder = new TextEncoder()
const decoder = new TextDecoder()
export const bytes = (s: string) => encoder.encode(s)
export const text = (d: Delivery) => decoder.decode(d.data)

/** A route/bind/account id of its own per test. */
export const uniqueId = (label: string) => `${label}-${randomBytes(4).toString("hex")}`

/** `n` messages `<tag>-0 … <tag>-(n-1)`, the payload echoing the msg id. */
export const outgoing = (tag: string, n: number, from = 0): Array<Outgoing> =>
  Array.from({ length: n }, (_, i) => ({ msgId: `${tag}-${from + i}`, data: bytes(`${tag}-${from + i}`) }))

export const ackAll = (ds: ReadonlyArray<Delivery>) => Effect.forEach(ds, (d) => d.ack, { discard: true })

/**
 * Re-reads until `check` holds (acks are fire-and-forget, so the broker's counters catch up a moment
 * later); after 3 s returns whatever it reads, for the assertion to show.
 */
export const eventually = <A, E, R>(read: Effect.Effect<A, E, R>, check: (a: A) => boolean) => {
  const deadline = Date.now() + 3_000
  const loop: Effect.Effect<A, E, R> = Effect.flatMap(read, (a) =>
    check(a) || Date.now() > deadline ? Effect.succeed(a) : Effect.zipRight(Effect.sleep("20 millis"), loop)
  )
  return Effect.suspend(() => loop)
}

import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type StreamConfig
} from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { Effect } from "effect"
import { BusError } from "../errors.js"
import type { BusSettings } from "../settings.js"
import { type Names, streamName } from "../subjects.js"

const nanos = (ms: number) => Math.round(ms * 1_000_000)

const streamNameInUse = 10058
const consumerNotFound = 10014
const streamNotFound = 10059

/** Maps a JetStream API failure to a BusError; `what` says which request it was. */
export const apiError = (what: string) => (cause: unknown) => {
  if (cause instanceof JetStreamApiError) {
    const reason = cause.code === consumerNotFound || cause.code === streamNotFound ? "NotFound" : "Rejected"
    return new BusError({ reason, message: `${what}: ${cause.message}`, cause })
  }
  const closed = cause instanceof Error && /closed/i.test(cause.message)
  return new BusError({
    reason: closed ? "Closed" : "Unavailable",
    message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause
  })
}

type StreamSpec = Partial<StreamConfig> & { readonly name: string }

const streamConfigs = (names: Names, s: BusSettings): ReadonlyArray<StreamSpec> => {
  const common = {
    storage: StorageType.File,
    num_replicas: 1,
    max_msgs: s.maxMessages,
    duplicate_window: nanos(s.duplicateWindowMs)
  }
  return [
    // work queues: a message lives until its one consumer acks (or terms) it; a full queue refuses
    // publishes so the producer feels the back-pressure instead of silently losing old jobs
    {
      ...common,
      name: names.stream("submit"),
      subjects: [names.wildcard("submit")],
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.New
    },
    {
      ...common,
      name: names.stream("dlr"),
      subjects: [names.wildcard("dlr")],
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.New
    },
    // status events fan out to several subscribers, each with its own cursor: keep them for a while
    {
      ...common,
      name: names.stream("status"),
      subjects: [names.wildcard("status")],
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: nanos(s.statusMaxAgeMs),
      duplicate_window: nanos(Math.min(s.duplicateWindowMs, s.statusMaxAgeMs))
    }
  ]
}

/** Creates the three streams, or brings their limits up to date. */
export const ensureStreams = (jsm: JetStreamManager, names: Names, settings: BusSettings) =>
  Effect.forEach(
    streamConfigs(names, settings),
    (cfg) =>
      Effect.tryPromise({
        try: async () => {
          try {
            await jsm.streams.add(cfg)
          } catch (e) {
            if (!(e instanceof JetStreamApiError && e.code === streamNameInUse)) throw e
            await jsm.streams.update(cfg.name, cfg)
          }
        },
        catch: apiError(`create stream ${cfg.name}`)
      }),
    { discard: true }
  )

export interface ConsumerSpec {
  readonly stream: string
  readonly name: string
  readonly filter: string
  readonly ackWaitMs: number
  readonly maxAckPending: number
  readonly deliverNew?: boolean | undefined
}

const consumerConfig = (spec: ConsumerSpec): Partial<ConsumerConfig> => ({
  durable_name: spec.name,
  filter_subject: spec.filter,
  ack_policy: AckPolicy.Explicit,
  deliver_policy: spec.deliverNew === true ? DeliverPolicy.New : DeliverPolicy.All,
  replay_policy: ReplayPolicy.Instant,
  ack_wait: nanos(spec.ackWaitMs),
  max_ack_pending: spec.maxAckPending,
  // jobs are never dropped by the bus: Postgres decides when a message is final (DESIGN §7)
  max_deliver: -1
})

/**
 * Durable pull consumer. `update: false` only creates a missing one (an implicit ensure before a pull
 * must not undo settings a route set explicitly); `update: true` also applies changed settings.
 */
export const ensureConsumer = (jsm: JetStreamManager, spec: ConsumerSpec, update: boolean) =>
  Effect.tryPromise({
    try: async () => {
      const existing = await jsm.consumers.info(spec.stream, spec.name).catch((e: unknown) => {
        if (e instanceof JetStreamApiError && e.code === consumerNotFound) return undefined
        throw e
      })
      if (existing === undefined) {
        await jsm.consumers.add(spec.stream, consumerConfig(spec))
        return
      }
      const c = existing.config
      if (update && (c.max_ack_pending !== spec.maxAckPending || c.ack_wait !== nanos(spec.ackWaitMs))) {
        await jsm.consumers.update(spec.stream, spec.name, {
          ack_wait: nanos(spec.ackWaitMs),
          max_ack_pending: spec.maxAckPending
        })
      }
    },
    catch: apiError(`create consumer ${spec.name} on ${spec.stream}`)
  })

/**
 * Deletes an installation's streams (and so their consumers): what tests and the benchmark clean up
 * after themselves with. Missing streams are not an error.
 */
export const deleteBusStreams = async (url: string, prefix: string): Promise<void> => {
  const nc = await connect({ servers: url, name: "volley-cleanup" })
  try {
    const jsm = await jetstreamManager(nc)
    for (const family of ["submit", "dlr", "status"] as const) {
      await jsm.streams.delete(streamName(prefix, family)).catch(() => false)
    }
  } finally {
    await nc.close()
  }
}

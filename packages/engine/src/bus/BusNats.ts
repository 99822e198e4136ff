import { jetstreamManager } from "@nats-io/jetstream"
import { Effect, Layer, Stream } from "effect"
import { Bus, type BusShape, type Outgoing, type RouteOptions } from "./Bus.js"
import { consumeWithCredits } from "./consume.js"
import { BusError } from "./errors.js"
import { BundleReader } from "./nats/BundleReader.js"
import { toBundleMessages } from "./nats/bundle.js"
import { logConnectionStatus, natsConnection } from "./nats/connection.js"
import { apiError, type ConsumerSpec, ensureConsumer, ensureStreams } from "./nats/provision.js"
import { PublishAcks } from "./nats/publish.js"
import { Puller, type PullTarget } from "./nats/pull.js"
import { Republisher } from "./nats/Republisher.js"
import { type BusOptions, resolveSettings } from "./settings.js"
import { keyOfSubject, makeNames, validatePrefix, validateSubscriber } from "./subjects.js"
import { TelemetryHub } from "./TelemetryHub.js"

export interface BusNatsOptions extends BusOptions {
  readonly url: string
  /** Connection name shown by the server's monitoring. */
  readonly name?: string | undefined
}

const make = (options: BusNatsOptions) =>
  Effect.gen(function* () {
    const settings = resolveSettings(options)
    const names = makeNames(yield* validatePrefix(settings.prefix))
    const nc = yield* natsConnection(options.url, options.name ?? `volley-bus-${names.prefix}`)
    yield* Effect.forkScoped(logConnectionStatus(nc))
    const jsm = yield* Effect.tryPromise({ try: () => jetstreamManager(nc), catch: apiError("JetStream") })
    yield* ensureStreams(jsm, names, settings)

    const acks = new PublishAcks(nc, settings.publishTimeoutMs)
    const puller = new Puller(nc, keyOfSubject)
    const republisher = new Republisher(acks, settings.bundleMaxItems, settings.bundleMaxBytes, (error) =>
      Effect.runSync(
        Effect.logWarning("a nak'ed bundle item was not published again; its bundle comes back", error)
      )
    )
    // released before the connection drains (finalizers run in reverse): waiting pulls fail as Closed
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        puller.close()
        republisher.close()
      })
    )

    /**
     * Submit jobs and receipts travel in bundles: one persisted publish and one delivery per batch, not
     * per message. De-duplication is per bundle, limits (max messages, max-ack-pending, queue depth) count
     * bundles; consumers stay idempotent (the claim, the transition guards).
     */
    const publishBundled = (subject: string, batch: ReadonlyArray<Outgoing>) =>
      acks.publish(
        subject,
        toBundleMessages(
          batch.map((m) => ({ msgId: m.msgId, data: m.data, hops: 0 })),
          settings.bundleMaxItems,
          settings.bundleMaxBytes
        )
      )

    const hub = new TelemetryHub()
    // subscribed for the layer's lifetime so a new reader starts with every bind's latest sample
    nc.subscribe(names.wildcard("telemetry"), {
      callback: (_e, m) => hub.offer(keyOfSubject(m.subject), m.data)
    })

    // consumers this process already ensured: an implicit ensure costs one API call per route and process
    const known = new Set<string>()
    const consumer = (spec: ConsumerSpec, update: boolean) =>
      !update && known.has(spec.name)
        ? Effect.void
        : ensureConsumer(jsm, spec, update).pipe(Effect.tap(() => Effect.sync(() => known.add(spec.name))))

    const routeSpec = (routeId: string, o?: RouteOptions): ConsumerSpec => ({
      stream: names.stream("submit"),
      name: names.routeConsumer(routeId),
      filter: names.subject("submit", routeId),
      ackWaitMs: settings.ackWaitMs,
      maxAckPending: o?.maxAckPending ?? settings.maxAckPending
    })
    const routeTarget = (routeId: string): PullTarget => ({
      stream: names.stream("submit"),
      consumer: names.routeConsumer(routeId),
      key: routeId
    })
    const pullFrom =
      (spec: ConsumerSpec, target: PullTarget) =>
      (max: number, expiresMs: number, onSettle: (() => void) | undefined) =>
        consumer(spec, false).pipe(
          Effect.zipRight(puller.pull(target, max, expiresMs, onSettle)),
          // perhaps deleted under us: the next pull checks it again (and creates it)
          Effect.tapError(() => Effect.sync(() => known.delete(spec.name)))
        )

    // One reader per route and process: items unpacked for one bind and not taken go to the next pull.
    const routeReaders = new Map<string, BundleReader>()
    const routeReader = (routeId: string) => {
      let reader = routeReaders.get(routeId)
      if (reader === undefined) {
        const pull = pullFrom(routeSpec(routeId), routeTarget(routeId))
        reader = new BundleReader(
          (bundles, expiresMs) => pull(bundles, expiresMs, undefined),
          settings.bundleMaxItems,
          republisher
        )
        routeReaders.set(routeId, reader)
      }
      return reader
    }

    const receiptsSpec: ConsumerSpec = {
      stream: names.stream("dlr"),
      name: names.receiptsConsumer,
      filter: names.wildcard("dlr"),
      ackWaitMs: settings.ackWaitMs,
      maxAckPending: settings.maxAckPending
    }

    const bus: BusShape = {
      publishSubmits: (routeId, batch) => publishBundled(names.subject("submit", routeId), batch),
      publishReceipts: (bindId, batch) => publishBundled(names.subject("dlr", bindId), batch),
      publishStatus: (accountId, batch) => acks.publish(names.subject("status", accountId), batch),

      ensureRoute: (routeId, o) => consumer(routeSpec(routeId, o), true),
      pullSubmits: (routeId, max, expiresMs) => routeReader(routeId).take(max, expiresMs, undefined),
      consumeSubmits: (routeId, o) =>
        consumeWithCredits(
          (max, expiresMs, onSettle) => routeReader(routeId).take(max, expiresMs, onSettle),
          o
        ),
      queueDepth: (routeId) => {
        const spec = routeSpec(routeId)
        return consumer(spec, false).pipe(
          Effect.zipRight(
            Effect.tryPromise({
              try: () => jsm.consumers.info(spec.stream, spec.name),
              catch: apiError(`queue depth of route ${routeId}`)
            })
          ),
          Effect.map((info) => ({ pending: info.num_pending, inFlight: info.num_ack_pending })),
          Effect.tapError(() => Effect.sync(() => known.delete(spec.name)))
        )
      },

      consumeReceipts: (o) =>
        Stream.suspend(() => {
          const pull = pullFrom(receiptsSpec, {
            stream: receiptsSpec.stream,
            consumer: receiptsSpec.name,
            key: undefined
          })
          const reader = new BundleReader(
            (bundles, expiresMs) => pull(bundles, expiresMs, undefined),
            settings.bundleMaxItems,
            republisher
          )
          return consumeWithCredits((max, expiresMs, onSettle) => reader.take(max, expiresMs, onSettle), o)
        }),
      consumeStatus: (subscriber, o) =>
        Stream.unwrap(
          validateSubscriber(subscriber).pipe(
            Effect.map(() => {
              const spec: ConsumerSpec = {
                stream: names.stream("status"),
                name: names.statusConsumer(subscriber),
                filter: names.wildcard("status"),
                ackWaitMs: settings.ackWaitMs,
                maxAckPending: settings.maxAckPending,
                deliverNew: o.from === "new"
              }
              return consumeWithCredits(
                pullFrom(spec, { stream: spec.stream, consumer: spec.name, key: undefined }),
                o
              )
            })
          )
        ),

      publishTelemetry: (bindId, data) =>
        Effect.try({
          try: () => nc.publish(names.subject("telemetry", bindId), data),
          catch: (cause) => new BusError({ reason: "Closed", message: "publish telemetry", cause })
        }),
      telemetry: () => hub.stream(),

      announce: (topic, origin) =>
        Effect.try({
          try: () => nc.publish(names.subject("announce", topic), origin),
          catch: (cause) => new BusError({ reason: "Closed", message: `announce ${topic}`, cause })
        }),
      announcements: (topic, exceptOrigin) =>
        Stream.async<void, BusError>(
          (emit) => {
            const subscription = nc.subscribe(names.subject("announce", topic), {
              callback: (_error, message) => {
                if (message.string() !== exceptOrigin) void emit.single(undefined)
              }
            })
            return Effect.sync(() => subscription.unsubscribe())
          },
          { bufferSize: 1, strategy: "sliding" }
        )
    }
    return bus
  })

/** The bus on NATS JetStream (DESIGN §1): streams and connection live as long as the layer. */
export const BusNats = {
  layer: (options: BusNatsOptions): Layer.Layer<Bus, BusError> => Layer.scoped(Bus, make(options))
} as const

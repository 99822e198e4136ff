import { Effect, Layer, Stream } from "effect"
import { Bus, type BusShape, type Outgoing, type PublishResult, type RouteOptions } from "./Bus.js"
import { consumeWithCredits } from "./consume.js"
import { BusError } from "./errors.js"
import { MemConsumer } from "./memory/MemConsumer.js"
import { MemStream } from "./memory/MemStream.js"
import { type BusOptions, resolveSettings } from "./settings.js"
import { makeNames, validatePrefix, validateSubscriber } from "./subjects.js"
import { TelemetryHub } from "./TelemetryHub.js"

const closedError = () => new BusError({ reason: "Closed", message: "the bus is closed" })

const make = (options: BusOptions) =>
  Effect.gen(function* () {
    const settings = resolveSettings(options)
    // names only to share the consumer naming (and its validation) with the NATS layer
    const names = makeNames(yield* validatePrefix(settings.prefix))
    const limits = { maxMessages: settings.maxMessages, duplicateWindowMs: settings.duplicateWindowMs }
    const submit = new MemStream("workqueue", limits)
    const receipts = new MemStream("workqueue", limits)
    const status = new MemStream("limits", {
      ...limits,
      duplicateWindowMs: Math.min(settings.duplicateWindowMs, settings.statusMaxAgeMs),
      maxAgeMs: settings.statusMaxAgeMs
    })
    const consumers = new Map<string, MemConsumer>()
    const hub = new TelemetryHub()
    /** Every `announcements` reader: its topic and the origin it leaves out. */
    const listeners = new Set<{
      readonly topic: string
      readonly except: string
      readonly notify: () => void
    }>()
    let closed = false
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        closed = true
        for (const c of consumers.values()) c.close()
      })
    )

    const publish =
      (stream: MemStream, partitionOf: (id: string) => string) =>
      (id: string, batch: ReadonlyArray<Outgoing>): Effect.Effect<PublishResult, BusError> =>
        Effect.suspend(() => {
          if (closed) return Effect.fail(closedError())
          const r = stream.publish(partitionOf(id), id, batch, Date.now())
          return r.refused === 0
            ? Effect.succeed({ published: r.published, duplicates: r.duplicates })
            : Effect.fail(
                new BusError({
                  reason: "StreamFull",
                  message: `maximum messages exceeded (${r.refused} of ${batch.length} refused; ${r.published} stored, ${r.duplicates} duplicates)`
                })
              )
        })

    /** Finds or creates a consumer; `update` applies new settings to an existing one. */
    const consumer = (
      name: string,
      stream: MemStream,
      partition: string,
      maxAckPending: number,
      update: boolean,
      deliverNew = false
    ): Effect.Effect<MemConsumer, BusError> =>
      Effect.suspend(() => {
        if (closed) return Effect.fail(closedError())
        const existing = consumers.get(name)
        if (existing !== undefined) {
          if (update) {
            existing.settings.maxAckPending = maxAckPending
            existing.settings.ackWaitMs = settings.ackWaitMs
            existing.wake() // more room may let waiting pulls go on
          }
          return Effect.succeed(existing)
        }
        const c = new MemConsumer(
          stream,
          stream.log(partition),
          { ackWaitMs: settings.ackWaitMs, maxAckPending },
          deliverNew
        )
        consumers.set(name, c)
        return Effect.succeed(c)
      })

    const route = (routeId: string, o?: RouteOptions, update = false) =>
      consumer(
        names.routeConsumer(routeId),
        submit,
        routeId,
        o?.maxAckPending ?? settings.maxAckPending,
        update
      )
    const pullRoute = (routeId: string) => (max: number, expiresMs: number, onSettle?: () => void) =>
      route(routeId).pipe(Effect.flatMap((c) => c.pull(max, expiresMs, onSettle)))

    const bus: BusShape = {
      publishSubmits: publish(submit, (routeId) => routeId),
      publishReceipts: publish(receipts, () => ""),
      publishStatus: publish(status, () => ""),

      ensureRoute: (routeId, o) => Effect.asVoid(route(routeId, o, true)),
      pullSubmits: (routeId, max, expiresMs) => pullRoute(routeId)(max, expiresMs),
      consumeSubmits: (routeId, o) => consumeWithCredits(pullRoute(routeId), o),
      queueDepth: (routeId) => route(routeId).pipe(Effect.map((c) => c.depth())),

      consumeReceipts: (o) =>
        consumeWithCredits(
          (max, expiresMs, onSettle) =>
            consumer(names.receiptsConsumer, receipts, "", settings.maxAckPending, false).pipe(
              Effect.flatMap((c) => c.pull(max, expiresMs, onSettle))
            ),
          o
        ),
      consumeStatus: (subscriber, o) =>
        Stream.unwrap(
          validateSubscriber(subscriber).pipe(
            Effect.map(() =>
              consumeWithCredits(
                (max, expiresMs, onSettle) =>
                  consumer(
                    names.statusConsumer(subscriber),
                    status,
                    "",
                    settings.maxAckPending,
                    false,
                    o.from === "new"
                  ).pipe(Effect.flatMap((c) => c.pull(max, expiresMs, onSettle))),
                o
              )
            )
          )
        ),

      publishTelemetry: (bindId, data) =>
        Effect.suspend(() => {
          if (closed) return Effect.fail(closedError())
          hub.offer(bindId, data)
          return Effect.void
        }),
      telemetry: () => hub.stream(),

      announce: (topic, origin) =>
        Effect.suspend(() => {
          if (closed) return Effect.fail(closedError())
          for (const l of listeners) if (l.topic === topic && l.except !== origin) l.notify()
          return Effect.void
        }),
      announcements: (topic, exceptOrigin) =>
        Stream.async<void, BusError>(
          (emit) => {
            const listener = { topic, except: exceptOrigin, notify: () => void emit.single(undefined) }
            listeners.add(listener)
            return Effect.sync(() => listeners.delete(listener))
          },
          { bufferSize: 1, strategy: "sliding" }
        )
    }
    return bus
  })

/**
 * The embedded bus (DESIGN §10): JetStream's delivery and ack semantics in memory — bounded streams,
 * work-queue removal on ack, redelivery after ack-wait or a nak's delay, de-duplication by msg id,
 * max-ack-pending — so the engine runs, and its tests pass, on either layer. Nothing survives the
 * process: QUEUED messages are re-published from Postgres by the sweeper.
 */
export const BusInProcess = {
  layer: Layer.scoped(Bus, make({})) as Layer.Layer<Bus, BusError>,
  layerWith: (options: BusOptions): Layer.Layer<Bus, BusError> => Layer.scoped(Bus, make(options))
} as const

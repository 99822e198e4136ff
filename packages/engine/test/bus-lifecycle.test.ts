import { expect, it } from "@effect/vitest"
import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { Context, Effect, Exit, Fiber, Layer, Queue, Scope, Stream } from "effect"
import { Bus, type Delivery } from "../src/bus/Bus.js"
import { BusNats } from "../src/bus/BusNats.js"
import { streamName } from "../src/bus/subjects.js"
import {
  busImpls,
  eventually,
  natsTestLayer,
  natsUrl,
  outgoing,
  text,
  uniqueId,
  uniquePrefix
} from "./bus-harness.js"

/** Open TCP sockets of this test process. */
const tcpSockets = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length

for (const impl of busImpls) {
  it.live(`closing the layer fails waiting pulls and later calls with Closed (${impl.name})`, () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const bus = Context.get(yield* Layer.buildWithScope(impl.layer(), scope), Bus)
      const route = uniqueId("route")
      yield* bus.ensureRoute(route)
      const waiting = yield* Effect.fork(bus.pullSubmits(route, 10, 10_000))
      yield* Effect.sleep("100 millis") // the pull is on its way before the layer closes
      yield* Scope.close(scope, Exit.void)

      const pulled = yield* Fiber.join(waiting).pipe(Effect.flip)
      expect(pulled.reason).toBe("Closed")
      const published = yield* bus.publishSubmits(route, outgoing("late", 1)).pipe(Effect.flip)
      expect(published.reason).toBe("Closed")
      const pulledAfter = yield* bus.pullSubmits(route, 1, 100).pipe(Effect.flip)
      expect(pulledAfter.reason).toBe("Closed")
    })
  )
}

it.live("closing the NATS layer closes its connection (no socket left behind)", () =>
  Effect.gen(function* () {
    // sockets of earlier tests finish closing a moment after their close() resolved
    expect(yield* eventually(Effect.sync(tcpSockets), (n) => n === 0)).toBe(0)
    const scope = yield* Scope.make()
    yield* Layer.buildWithScope(busImpls.find((i) => i.name === "nats")!.layer(), scope)
    expect(tcpSockets()).toBe(1)
    yield* Scope.close(scope, Exit.void)
    // also covers the harness's own connection that deleted the streams
    expect(yield* eventually(Effect.sync(tcpSockets), (n) => n === 0)).toBe(0)
  })
)

it.live("a NATS server that is not there fails the layer with Unavailable", () =>
  Effect.gen(function* () {
    const error = yield* Layer.build(BusNats.layer({ url: "nats://127.0.0.1:1", prefix: "nowhere" })).pipe(
      Effect.scoped,
      Effect.flip
    )
    expect(error.reason).toBe("Unavailable")
  })
)

it.live("an invalid prefix fails the layer with InvalidName", () =>
  Effect.gen(function* () {
    const error = yield* Layer.build(BusNats.layer({ url: natsUrl, prefix: "bad prefix" })).pipe(
      Effect.scoped,
      Effect.flip
    )
    expect(error.reason).toBe("InvalidName")
  })
)

it.live(
  "a route consumer deleted under a running stream is created again and the stream goes on (nats)",
  () => {
    const prefix = uniquePrefix()
    return Effect.gen(function* () {
      const bus = yield* Bus
      const route = uniqueId("route")
      yield* bus.ensureRoute(route)
      const received = yield* Queue.unbounded<Delivery>()
      yield* bus.consumeSubmits(route, { batch: 10, maxInFlight: 10, expiresMs: 1_000 }).pipe(
        Stream.runForEach((d) => Effect.zipRight(d.ack, Queue.offer(received, d))),
        Effect.forkScoped
      )
      yield* bus.publishSubmits(route, outgoing("before", 2))
      yield* Queue.takeN(received, 2)

      yield* Effect.promise(async () => {
        const nc = await connect({ servers: natsUrl })
        const jsm = await jetstreamManager(nc)
        await jsm.consumers.delete(streamName(prefix, "submit"), `route_${route}`)
        await nc.close()
      })
      yield* bus.publishSubmits(route, outgoing("after", 2))
      const after = yield* Queue.takeN(received, 2)
      expect([...after].map(text)).toEqual(["after-0", "after-1"])
    }).pipe(Effect.scoped, Effect.provide(natsTestLayer(prefix)))
  },
  20_000
)

import { expect, it, layer } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { Bus, type Delivery } from "../src/bus/Bus.js"
import {
  ackAll,
  eventually,
  natsTestLayer,
  natsTestLayerKeepingStreams,
  outgoing,
  testAckWaitMs,
  text,
  uniqueId,
  uniquePrefix
} from "./bus-harness.js"

/** On NATS, jobs and receipts travel in bundles of up to 200; every item still settles on its own. */
layer(natsTestLayer(uniquePrefix(), { bundleMaxItems: 200, maxAckPending: 50 }), {
  excludeTestServices: true
})("bundled streams (nats)", (it) => {
  it.effect("a batch of 450 jobs is stored as 3 bundles and handed out item by item, each once", () =>
    Effect.gen(function* () {
      const bus = yield* Bus
      const route = uniqueId("route")
      yield* bus.ensureRoute(route)
      expect(yield* bus.publishSubmits(route, outgoing("job", 450))).toEqual({
        published: 450,
        duplicates: 0
      })
      expect(yield* bus.queueDepth(route)).toEqual({ pending: 3, inFlight: 0 })
      const got: Array<Delivery> = []
      while (got.length < 450) {
        const pulled = yield* bus.pullSubmits(route, 100, 500)
        // never more than asked, whatever the bundle size
        expect(pulled.length).toBeLessThanOrEqual(100)
        expect(pulled.length).toBeGreaterThan(0)
        got.push(...pulled)
      }
      expect(got.map(text)).toEqual(outgoing("job", 450).map((m) => m.msgId))
      expect(got.every((d) => d.msgId === text(d) && d.redelivered === 0 && d.key === route)).toBe(true)
      yield* ackAll(got)
      expect(yield* eventually(bus.queueDepth(route), (q) => q.inFlight === 0)).toEqual({
        pending: 0,
        inFlight: 0
      })
      expect(yield* bus.pullSubmits(route, 10, testAckWaitMs + 300)).toEqual([])
    })
  )

  it.effect("a bundle is acked only once every one of its items is settled", () =>
    Effect.gen(function* () {
      const bus = yield* Bus
      const route = uniqueId("route")
      yield* bus.publishSubmits(route, outgoing("whole", 200))
      const got = yield* bus.pullSubmits(route, 200, 500)
      expect(got).toHaveLength(200)
      yield* ackAll(got.slice(0, 199))
      // one item open keeps its bundle in flight (working() keeps it from being redelivered meanwhile)
      yield* got[199]!.working()
      expect(yield* bus.queueDepth(route)).toEqual({ pending: 0, inFlight: 1 })
      yield* got[199]!.ack
      expect(yield* eventually(bus.queueDepth(route), (q) => q.inFlight === 0)).toEqual({
        pending: 0,
        inFlight: 0
      })
    })
  )

  it.effect("a nak'ed item comes back alone, counted as redelivered; the rest of its bundle does not", () =>
    Effect.gen(function* () {
      const bus = yield* Bus
      const route = uniqueId("route")
      yield* bus.publishSubmits(route, outgoing("nak", 5))
      const first = yield* bus.pullSubmits(route, 5, 500)
      yield* ackAll(first.filter((d) => text(d) !== "nak-2"))
      yield* first.find((d) => text(d) === "nak-2")!.nak(100)
      const again = yield* bus.pullSubmits(route, 5, 2_000)
      expect(again.map((d) => [d.msgId, text(d), d.redelivered])).toEqual([["nak-2", "nak-2", 1]])
      yield* ackAll(again)
      expect(yield* eventually(bus.queueDepth(route), (q) => q.inFlight === 0)).toEqual({
        pending: 0,
        inFlight: 0
      })
    })
  )

  it.effect("the same batch published again is stored once; its items are reported as duplicates", () =>
    Effect.gen(function* () {
      const bus = yield* Bus
      const route = uniqueId("route")
      const batch = outgoing("dup", 250)
      expect(yield* bus.publishSubmits(route, batch)).toEqual({ published: 250, duplicates: 0 })
      expect(yield* bus.publishSubmits(route, batch)).toEqual({ published: 0, duplicates: 250 })
      expect(yield* bus.queueDepth(route)).toEqual({ pending: 2, inFlight: 0 })
    })
  )

  it.effect("receipts in bundles: the correlator's stream holds no more than its maxInFlight unacked", () =>
    Effect.gen(function* () {
      const bus = yield* Bus
      yield* bus.publishReceipts("bind-z", outgoing("rz", 300))
      const got: Array<Delivery> = []
      const reader = yield* bus.consumeReceipts({ batch: 50, maxInFlight: 100, expiresMs: 500 }).pipe(
        Stream.runForEach((d) => Effect.sync(() => got.push(d))),
        Effect.fork
      )
      yield* eventually(
        Effect.sync(() => got.length),
        (n) => n >= 100
      )
      // nothing acked: however long it runs, no more than its credit comes through
      yield* Effect.sleep("500 millis")
      expect(got.length).toBe(100)
      expect(got.map(text)).toEqual(outgoing("rz", 100).map((m) => m.msgId))
      expect(got.every((d) => d.key === "bind-z")).toBe(true)
      yield* ackAll(got.slice(0, 100))
      yield* eventually(
        Effect.sync(() => got.length),
        (n) => n === 300
      )
      yield* ackAll(got.slice(100))
      yield* Fiber.interrupt(reader)
    })
  )

  it.effect("two batches alike in length, first and last item but not in between are both stored", () =>
    Effect.gen(function* () {
      const bus = yield* Bus
      const route = uniqueId("route")
      const [a, x, b] = outgoing("alike", 3)
      const y = outgoing("other", 1)[0]!
      expect(yield* bus.publishSubmits(route, [a!, x!, b!])).toEqual({ published: 3, duplicates: 0 })
      expect(yield* bus.publishSubmits(route, [a!, y, b!])).toEqual({ published: 3, duplicates: 0 })
      expect(yield* bus.queueDepth(route)).toEqual({ pending: 2, inFlight: 0 })
    })
  )
})

/** Items taken but never settled (the process died): their whole bundle comes back after ack-wait. */
it.live(
  "items unsettled when their reader goes away come back with their bundle after ack-wait (nats)",
  () =>
    Effect.gen(function* () {
      const prefix = uniquePrefix()
      const route = uniqueId("route")
      const options = { bundleMaxItems: 200, ackWaitMs: testAckWaitMs }
      const taken = yield* Effect.gen(function* () {
        const bus = yield* Bus
        yield* bus.publishSubmits(route, outgoing("lost", 3))
        const got = yield* bus.pullSubmits(route, 3, 500)
        yield* got[0]!.ack
        return got.length
      }).pipe(Effect.provide(natsTestLayerKeepingStreams(prefix, options)))
      expect(taken).toBe(3)
      const back = yield* Effect.gen(function* () {
        const bus = yield* Bus
        const got = yield* bus.pullSubmits(route, 10, testAckWaitMs + 1_500)
        yield* ackAll(got)
        return got.map((d) => [text(d), d.redelivered])
      }).pipe(Effect.provide(natsTestLayer(prefix, options)))
      // the acked one comes back too: its bundle was never acked as a whole (consumers are idempotent)
      expect(back).toEqual([
        ["lost-0", 1],
        ["lost-1", 1],
        ["lost-2", 1]
      ])
    }),
  20_000
)

/** A nak'ed item still waiting to be published again when the bus closes: nothing is lost, its bundle comes back. */
it.live(
  "an item nak'ed with a delay when the bus closes comes back with its bundle after ack-wait (nats)",
  () =>
    Effect.gen(function* () {
      const prefix = uniquePrefix()
      const route = uniqueId("route")
      const options = { bundleMaxItems: 200, ackWaitMs: testAckWaitMs }
      yield* Effect.gen(function* () {
        const bus = yield* Bus
        yield* bus.publishSubmits(route, outgoing("later", 2))
        const got = yield* bus.pullSubmits(route, 2, 500)
        yield* got[0]!.ack
        // the re-publish is due in 10 s: the bus closes first
        yield* got[1]!.nak(10_000)
      }).pipe(Effect.provide(natsTestLayerKeepingStreams(prefix, options)))
      const back = yield* Effect.gen(function* () {
        const bus = yield* Bus
        const got = yield* bus.pullSubmits(route, 10, testAckWaitMs + 1_500)
        yield* ackAll(got)
        return got.map((d) => [text(d), d.redelivered])
      }).pipe(Effect.provide(natsTestLayer(prefix, options)))
      expect(back).toEqual([
        ["later-0", 1],
        ["later-1", 1]
      ])
    }),
  20_000
)

import { expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Queue, Stream } from "effect"
import { Bus, type Delivery } from "../src/bus/Bus.js"
import { ackAll, busImpls, outgoing, text } from "./bus-harness.js"

/** Reads `n` deliveries from a consuming stream, acking each. */
const takeAcked = (stream: Stream.Stream<Delivery, unknown>, n: number) =>
  stream.pipe(
    Stream.tap((d) => d.ack),
    Stream.take(n),
    Stream.runCollect,
    Effect.map(Chunk.toReadonlyArray)
  )

for (const impl of busImpls) {
  // each test on a bus of its own: the receipts consumer and status subscribers are durable and shared
  const live = <A, E>(name: string, body: Effect.Effect<A, E, Bus>) =>
    it.live(name, () => Effect.provide(body, impl.layer()), 20_000)

  live(
    `receipts of every bind reach the correlator once, with their bind as key (${impl.name})`,
    Effect.gen(function* () {
      const bus = yield* Bus
      yield* bus.publishReceipts("bind-a", outgoing("ra", 3))
      yield* bus.publishReceipts("bind-b", outgoing("rb", 2))
      const got = yield* takeAcked(bus.consumeReceipts({ batch: 10, maxInFlight: 10, expiresMs: 1_000 }), 5)
      expect(got.map((d) => [d.key, d.msgId]).sort()).toEqual([
        ["bind-a", "ra-0"],
        ["bind-a", "ra-1"],
        ["bind-a", "ra-2"],
        ["bind-b", "rb-0"],
        ["bind-b", "rb-1"]
      ])
      // acked receipts are gone from the work queue
      const again = yield* bus
        .consumeReceipts({ batch: 10, maxInFlight: 10, expiresMs: 1_000 })
        .pipe(Stream.take(1), Stream.runCollect, Effect.timeout("1200 millis"), Effect.option)
      expect(again._tag).toBe("None")
    })
  )

  live(
    `correlator instances share one consumer: each receipt goes to one of them (${impl.name})`,
    Effect.gen(function* () {
      const bus = yield* Bus
      const seen = yield* Queue.unbounded<readonly [number, Delivery]>()
      const instance = (n: number) =>
        bus.consumeReceipts({ batch: 4, maxInFlight: 6, expiresMs: 1_000 }).pipe(
          Stream.runForEach((d) => Effect.zipRight(d.ack, Queue.offer(seen, [n, d] as const))),
          Effect.fork
        )
      const fibers = [yield* instance(1), yield* instance(2)]
      yield* bus.publishReceipts("bind-c", outgoing("rc", 30))
      const got = Chunk.toReadonlyArray(yield* Queue.takeN(seen, 30))
      expect(new Set(got.map(([, d]) => d.msgId)).size).toBe(30)
      yield* Effect.forEach(fibers, Fiber.interrupt)
    })
  )

  live(
    `status events fan out to every subscriber, each with its own cursor (${impl.name})`,
    Effect.gen(function* () {
      const bus = yield* Bus
      yield* bus.publishStatus("acc-1", outgoing("s1", 2))
      yield* bus.publishStatus("acc-2", outgoing("s2", 1))
      const opts = { batch: 10, maxInFlight: 10, expiresMs: 1_000 }
      const webhooks = yield* takeAcked(bus.consumeStatus("webhooks", opts), 3)
      const reports = yield* takeAcked(bus.consumeStatus("live-reports", opts), 3)
      for (const got of [webhooks, reports]) {
        expect(got.map((d) => [d.key, text(d)])).toEqual([
          ["acc-1", "s1-0"],
          ["acc-1", "s1-1"],
          ["acc-2", "s2-0"]
        ])
      }
      // a subscriber that starts from "new" skips the history; the durable ones resume after their acks
      const skipped = yield* bus
        .consumeStatus("dashboard", { ...opts, from: "new", expiresMs: 200 })
        .pipe(Stream.interruptAfter("500 millis"), Stream.runCollect)
      expect(Chunk.size(skipped)).toBe(0)
      yield* bus.publishStatus("acc-1", outgoing("s1", 1, 2))
      expect(
        (yield* takeAcked(bus.consumeStatus("dashboard", { ...opts, from: "new" }), 1)).map(text)
      ).toEqual(["s1-2"])
      expect((yield* takeAcked(bus.consumeStatus("webhooks", opts), 1)).map(text)).toEqual(["s1-2"])
    })
  )

  live(
    `an unsettled receipt is redelivered to the correlator after ack-wait (${impl.name})`,
    Effect.gen(function* () {
      const bus = yield* Bus
      yield* bus.publishReceipts("bind-d", outgoing("rd", 1))
      const got = yield* bus
        .consumeReceipts({ batch: 1, maxInFlight: 2, expiresMs: 3_000 })
        .pipe(Stream.take(2), Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
      expect(got.map((d) => [d.msgId, d.redelivered])).toEqual([
        ["rd-0", 0],
        ["rd-0", 1]
      ])
      yield* ackAll(got)
    })
  )
}

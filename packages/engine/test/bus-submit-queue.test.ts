import { expect, layer } from "@effect/vitest"
import { Effect, Fiber, Queue, Stream } from "effect"
import { Bus, type Delivery } from "../src/bus/Bus.js"
import { ackAll, busImpls, eventually, outgoing, testAckWaitMs, text, uniqueId } from "./bus-harness.js"

for (const impl of busImpls) {
  layer(impl.layer(), { excludeTestServices: true })(`submit work queue (${impl.name})`, (it) => {
    it.effect("published jobs are delivered once, to one consumer, and are gone after ack", () =>
      Effect.gen(function* () {
        const bus = yield* Bus
        const route = uniqueId("route")
        yield* bus.ensureRoute(route)
        expect(yield* bus.publishSubmits(route, outgoing("job", 10))).toEqual({
          published: 10,
          duplicates: 0
        })

        // two instances pulling at once: each job reaches exactly one of them
        const [a, b] = yield* Effect.all([bus.pullSubmits(route, 20, 500), bus.pullSubmits(route, 20, 500)], {
          concurrency: 2
        })
        const all = [...a, ...b]
        expect(all.map(text).sort()).toEqual(
          outgoing("job", 10)
            .map((m) => m.msgId)
            .sort()
        )
        expect(all.every((d) => d.redelivered === 0 && d.key === route && d.msgId === text(d))).toBe(true)

        yield* ackAll(all)
        const depth = yield* eventually(bus.queueDepth(route), (d) => d.inFlight === 0)
        expect(depth).toEqual({ pending: 0, inFlight: 0 })
        // acked jobs never come back, even after ack-wait
        expect(yield* bus.pullSubmits(route, 20, testAckWaitMs + 400)).toEqual([])
      })
    )

    it.effect("a duplicate msg id within the window is dropped and reported", () =>
      Effect.gen(function* () {
        const bus = yield* Bus
        const route = uniqueId("route")
        const [a, b, c] = outgoing("dup", 3)
        expect(yield* bus.publishSubmits(route, [a!, b!])).toEqual({ published: 2, duplicates: 0 })
        expect(yield* bus.publishSubmits(route, [a!, c!, c!])).toEqual({ published: 1, duplicates: 2 })
        const got = yield* bus.pullSubmits(route, 10, 300)
        expect(got.map((d) => d.msgId).sort()).toEqual(["dup-0", "dup-1", "dup-2"])
        yield* ackAll(got)
        // still a duplicate after its job was acked and removed
        expect(yield* bus.publishSubmits(route, [a!])).toEqual({ published: 0, duplicates: 1 })
      })
    )

    it.effect("a job not acked is redelivered after ack-wait with redelivered = 1", () =>
      Effect.gen(function* () {
        const bus = yield* Bus
        const route = uniqueId("route")
        yield* bus.publishSubmits(route, outgoing("slow", 1))
        const [first] = yield* bus.pullSubmits(route, 1, 500)
        expect(first?.redelivered).toBe(0)
        const started = Date.now()
        const [again] = yield* bus.pullSubmits(route, 1, testAckWaitMs * 3)
        expect(Date.now() - started).toBeGreaterThanOrEqual(testAckWaitMs - 100)
        expect(again?.msgId).toBe("slow-0")
        expect(again?.redelivered).toBe(1)
        yield* again!.ack
        // the stale first delivery's ack is harmless
        yield* first!.ack
        expect(yield* eventually(bus.queueDepth(route), (d) => d.inFlight === 0)).toEqual({
          pending: 0,
          inFlight: 0
        })
      })
    )

    it.effect("working() restarts the ack-wait timer", () =>
      Effect.gen(function* () {
        const bus = yield* Bus
        const route = uniqueId("route")
        yield* bus.publishSubmits(route, outgoing("busy", 1))
        const [d] = yield* bus.pullSubmits(route, 1, 500)
        yield* Effect.sleep(testAckWaitMs / 2)
        yield* d!.working()
        // past the original deadline, inside the extended one
        expect(yield* bus.pullSubmits(route, 1, (testAckWaitMs * 3) / 4)).toEqual([])
        yield* d!.ack
      })
    )

    it.effect("nak redelivers at once, nak with a delay after the delay", () =>
      Effect.gen(function* () {
        const bus = yield* Bus
        const route = uniqueId("route")
        yield* bus.publishSubmits(route, outgoing("nak", 1))
        const [d] = yield* bus.pullSubmits(route, 1, 500)
        yield* d!.nak()
        const [now] = yield* bus.pullSubmits(route, 1, 500)
        expect(now?.redelivered).toBe(1)

        yield* now!.nak(300)
        const started = Date.now()
        const [later] = yield* bus.pullSubmits(route, 1, 3_000)
        const waited = Date.now() - started
        expect(later?.redelivered).toBe(2)
        expect(waited).toBeGreaterThanOrEqual(250)
        expect(waited).toBeLessThan(testAckWaitMs)
        yield* later!.ack
      })
    )

    it.effect("term removes the job for good", () =>
      Effect.gen(function* () {
        const bus = yield* Bus
        const route = uniqueId("route")
        yield* bus.publishSubmits(route, outgoing("bad", 1))
        const [d] = yield* bus.pullSubmits(route, 1, 500)
        yield* d!.term()
        expect(yield* eventually(bus.queueDepth(route), (q) => q.inFlight === 0)).toEqual({
          pending: 0,
          inFlight: 0
        })
        expect(yield* bus.pullSubmits(route, 1, testAckWaitMs + 300)).toEqual([])
      })
    )

    it.effect("queueDepth counts pending and in-flight jobs (nak'ed ones stay in flight)", () =>
      Effect.gen(function* () {
        const bus = yield* Bus
        const route = uniqueId("route")
        yield* bus.ensureRoute(route)
        expect(yield* bus.queueDepth(route)).toEqual({ pending: 0, inFlight: 0 })
        yield* bus.publishSubmits(route, outgoing("depth", 12))
        expect(yield* bus.queueDepth(route)).toEqual({ pending: 12, inFlight: 0 })
        const got = yield* bus.pullSubmits(route, 5, 500)
        expect(yield* bus.queueDepth(route)).toEqual({ pending: 7, inFlight: 5 })
        yield* ackAll(got.slice(0, 2))
        yield* got[2]!.nak(5_000)
        expect(yield* eventually(bus.queueDepth(route), (q) => q.inFlight === 3)).toEqual({
          pending: 7,
          inFlight: 3
        })
        yield* ackAll(got.slice(3))
        yield* ackAll([got[2]!]) // already settled by the nak: a no-op
        expect(yield* eventually(bus.queueDepth(route), (q) => q.inFlight === 1)).toEqual({
          pending: 7,
          inFlight: 1
        })
      })
    )

    it.effect("two routes are independent", () =>
      Effect.gen(function* () {
        const bus = yield* Bus
        const [a, b] = [uniqueId("route-a"), uniqueId("route-b")]
        yield* bus.ensureRoute(a, { maxAckPending: 3 })
        yield* bus.publishSubmits(a, outgoing("a", 4))
        yield* bus.publishSubmits(b, outgoing("b", 5))
        const fromA = yield* bus.pullSubmits(a, 10, 300)
        expect(fromA.map((d) => d.key)).toEqual([a, a, a])
        // route a at its max-ack-pending does not hold back route b
        const fromB = yield* bus.pullSubmits(b, 10, 300)
        expect(fromB.map(text)).toEqual(outgoing("b", 5).map((m) => m.msgId))
        expect(fromB.every((d) => d.key === b)).toBe(true)
        expect(yield* bus.queueDepth(a)).toEqual({ pending: 1, inFlight: 3 })
        expect(yield* bus.queueDepth(b)).toEqual({ pending: 0, inFlight: 5 })
        yield* ackAll([...fromA, ...fromB])
      })
    )

    it.effect("route ids outside the subject alphabet are carried intact", () =>
      Effect.gen(function* () {
        const bus = yield* Bus
        const route = `UA Kyivstar.${uniqueId("x")} *>`
        yield* bus.publishSubmits(route, outgoing("odd", 2))
        const got = yield* bus.pullSubmits(route, 5, 300)
        expect(got.map((d) => d.key)).toEqual([route, route])
        yield* ackAll(got)
      })
    )
  })

  // ack-wait far beyond the test's length: only max-ack-pending and maxInFlight limit deliveries here
  layer(impl.layer({ ackWaitMs: 30_000 }), { excludeTestServices: true })(
    `flow control (${impl.name})`,
    (it) => {
      it.effect("a pull returns no more than asked, and never more than max-ack-pending outstanding", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const route = uniqueId("route")
          yield* bus.ensureRoute(route, { maxAckPending: 10 })
          yield* bus.publishSubmits(route, outgoing("cap", 25))
          const first = yield* bus.pullSubmits(route, 4, 500)
          expect(first).toHaveLength(4)
          const second = yield* bus.pullSubmits(route, 100, 500)
          expect(second).toHaveLength(6) // 10 outstanding: the rest waits for room
          expect(yield* bus.pullSubmits(route, 5, 300)).toEqual([])
          expect(yield* bus.queueDepth(route)).toEqual({ pending: 15, inFlight: 10 })

          yield* ackAll(first.slice(0, 3))
          const third = yield* bus.pullSubmits(route, 100, 500)
          expect(third).toHaveLength(3)
          expect(yield* eventually(bus.queueDepth(route), (q) => q.pending === 12)).toEqual({
            pending: 12,
            inFlight: 10
          })
          yield* ackAll([...first.slice(3), ...second, ...third])
        })
      )

      it.effect(
        "consumeSubmits never holds more than maxInFlight unacked, and resumes as they are acked",
        () =>
          Effect.gen(function* () {
            const bus = yield* Bus
            const route = uniqueId("route")
            yield* bus.ensureRoute(route, { maxAckPending: 50 })
            yield* bus.publishSubmits(route, outgoing("flow", 40))
            const received = yield* Queue.unbounded<Delivery>()
            const fiber = yield* bus
              .consumeSubmits(route, { batch: 8, maxInFlight: 10, expiresMs: 1_000 })
              .pipe(
                Stream.runForEach((d) => Queue.offer(received, d)),
                Effect.fork
              )
            const firstTen = yield* Queue.takeN(received, 10)
            yield* Effect.sleep("200 millis") // room for a wrong extra pull to show up
            expect(yield* Queue.size(received)).toBe(0)
            expect(yield* bus.queueDepth(route)).toEqual({ pending: 30, inFlight: 10 })

            yield* ackAll([...firstTen].slice(0, 5))
            const nextFive = yield* Queue.takeN(received, 5)
            expect(new Set([...firstTen, ...nextFive].map(text)).size).toBe(15)
            yield* Effect.sleep("200 millis")
            expect(yield* Queue.size(received)).toBe(0)
            expect(yield* eventually(bus.queueDepth(route), (q) => q.pending === 25)).toEqual({
              pending: 25,
              inFlight: 10
            })
            yield* Fiber.interrupt(fiber)
          })
      )
    }
  )

  layer(impl.layer({ maxMessages: 5 }), { excludeTestServices: true })(
    `bounded streams (${impl.name})`,
    (it) => {
      it.effect("a full work queue refuses new jobs with StreamFull, keeping what it holds", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const route = uniqueId("route")
          const error = yield* bus.publishSubmits(route, outgoing("full", 7)).pipe(Effect.flip)
          expect(error.reason).toBe("StreamFull")
          expect(yield* bus.queueDepth(route)).toEqual({ pending: 5, inFlight: 0 })
          const got = yield* bus.pullSubmits(route, 10, 300)
          yield* ackAll(got)
          yield* eventually(bus.queueDepth(route), (q) => q.inFlight === 0)
          // room again: the refused ones can be re-published with their ids, the stored ones stay duplicates
          expect(yield* bus.publishSubmits(route, outgoing("full", 7))).toEqual({
            published: 2,
            duplicates: 5
          })
        })
      )
    }
  )
}

import { expect, layer } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { Bus, type Outgoing } from "../src/bus/Bus.js"
import { busImpls, uniqueId } from "./bus-harness.js"

const total = 100_000
const batchSize = 1_000
/** About a SubmitJob's JSON size. */
const payload = new Uint8Array(300).fill(120)

const measure = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const cpu = process.cpuUsage()
    const started = performance.now()
    yield* self
    const ms = performance.now() - started
    const used = process.cpuUsage(cpu)
    return {
      perSecond: Math.round((total / ms) * 1_000),
      ms: Math.round(ms),
      cpuMicrosPerMessage: Number(((used.user + used.system) / total).toFixed(1))
    }
  })

for (const impl of busImpls) {
  // NATS with its default bundles, as the engine runs it
  layer(impl.layer({ ackWaitMs: 60_000, bundleMaxItems: 200 }), { excludeTestServices: true })(
    `throughput (${impl.name})`,
    (it) => {
      it.effect(
        `publishes ${total} jobs in batches of ${batchSize}, then consumes and acks them`,
        () =>
          Effect.gen(function* () {
            const bus = yield* Bus
            const route = uniqueId("bench")
            yield* bus.ensureRoute(route, { maxAckPending: 10_000 })
            const batches: Array<ReadonlyArray<Outgoing>> = []
            for (let b = 0; b < total / batchSize; b++) {
              batches.push(
                Array.from({ length: batchSize }, (_, i) => ({
                  msgId: `${route}-${b * batchSize + i}`,
                  data: payload
                }))
              )
            }

            let stored = 0
            const publish = yield* measure(
              Effect.forEach(batches, (batch) =>
                bus
                  .publishSubmits(route, batch)
                  .pipe(Effect.tap((r) => Effect.sync(() => (stored += r.published))))
              )
            )
            expect(stored).toBe(total)
            // pending counts JetStream messages: jobs on the in-process bus, bundles of 200 on NATS
            expect(yield* bus.queueDepth(route)).toEqual({
              pending: impl.name === "nats" ? total / 200 : total,
              inFlight: 0
            })

            const consume = yield* measure(
              bus.consumeSubmits(route, { batch: batchSize, maxInFlight: 5_000 }).pipe(
                Stream.take(total),
                Stream.runForEachChunk((chunk) => Effect.forEach(chunk, (d) => d.ack, { discard: true }))
              )
            )
            console.log(
              `bus ${impl.name}: publish+ack ${publish.perSecond}/s (${publish.ms} ms, ${publish.cpuMicrosPerMessage} µs CPU/msg); ` +
                `consume+ack ${consume.perSecond}/s (${consume.ms} ms, ${consume.cpuMicrosPerMessage} µs CPU/msg)`
            )
            // DESIGN §11 leaves ~400 µs of CPU per message for everything; wall-clock rates depend on what
            // else the 2 cores run (nats-server among them), our own CPU per message does not
            expect(publish.cpuMicrosPerMessage).toBeLessThan(50)
            expect(consume.cpuMicrosPerMessage).toBeLessThan(50)
          }),
        120_000
      )
    }
  )
}

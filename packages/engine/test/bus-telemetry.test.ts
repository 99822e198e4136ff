import { expect, layer } from "@effect/vitest"
import { Chunk, Deferred, Effect, Fiber, Stream } from "effect"
import { Bus } from "../src/bus/Bus.js"
import { busImpls, bytes } from "./bus-harness.js"

const decoder = new TextDecoder()

for (const impl of busImpls) {
  layer(impl.layer(), { excludeTestServices: true })(`telemetry (${impl.name})`, (it) => {
    it.effect("a reader gets the latest sample of every bind, not the backlog, then the updates", () =>
      Effect.gen(function* () {
        const bus = yield* Bus
        for (let i = 1; i <= 50; i++) yield* bus.publishTelemetry("bind-1", bytes(`b1:${i}`))
        yield* bus.publishTelemetry("bind-2", bytes("b2:1"))
        // a first reader waits until the bus has heard everything (over NATS it arrives a moment later)
        yield* bus.telemetry().pipe(
          Stream.filter((s) => decoder.decode(s.data) === "b2:1"),
          Stream.take(1),
          Stream.runDrain
        )

        // a reader connecting now starts from the latest sample per bind, then follows the updates
        const snapshotRead = yield* Deferred.make<void>()
        const late = yield* bus.telemetry().pipe(
          Stream.map((s) => `${s.bindId}=${decoder.decode(s.data)}`),
          Stream.take(3),
          Stream.zipWithIndex,
          Stream.tap(([, i]) => (i === 1 ? Deferred.succeed(snapshotRead, undefined) : Effect.void)),
          Stream.map(([s]) => s),
          Stream.runCollect,
          Effect.fork
        )
        yield* Deferred.await(snapshotRead)
        yield* bus.publishTelemetry("bind-1", bytes("b1:51"))
        const seen = Chunk.toReadonlyArray(yield* Fiber.join(late))
        expect(seen.slice(0, 2).sort()).toEqual(["bind-1=b1:50", "bind-2=b2:1"])
        expect(seen[2]).toBe("bind-1=b1:51")
      })
    )
  })
}

import { expect, layer } from "@effect/vitest"
import { Effect, Fiber, Option, Stream } from "effect"
import { Bus } from "../src/bus/Bus.js"
import { busImpls } from "./bus-harness.js"

for (const impl of busImpls) {
  layer(impl.layer(), { excludeTestServices: true })(`announcements (${impl.name})`, (it) => {
    it.effect(
      "an announcement reaches the other processes listening to its topic, never the announcer itself",
      () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const heardByA = yield* bus
            .announcements("catalog", "process-a")
            .pipe(Stream.take(1), Stream.runDrain, Effect.fork)
          const heardByB = yield* bus
            .announcements("catalog", "process-b")
            .pipe(Stream.take(1), Stream.runDrain, Effect.fork)

          // A announces until B has heard (a NATS subscription is live a moment after the stream starts)
          while (Option.isNone(yield* Fiber.poll(heardByB))) {
            yield* bus.announce("catalog", "process-a")
            yield* Effect.sleep("50 millis")
          }
          yield* bus.announce("catalog", "process-a")
          yield* Effect.sleep("200 millis")
          expect(Option.isNone(yield* Fiber.poll(heardByA))).toBe(true)

          yield* bus.announce("catalog", "process-b")
          yield* Fiber.join(heardByA)
        })
    )

    it.effect("announcements a busy reader has not taken yet come as one", () =>
      Effect.gen(function* () {
        const bus = yield* Bus
        let heard = 0
        const reader = yield* bus.announcements("catalog", "process-a").pipe(
          Stream.tap(() => Effect.sync(() => heard++)),
          // busy with the first one while nine more arrive
          Stream.tap(() => Effect.sleep("300 millis")),
          Stream.runDrain,
          Effect.fork
        )
        while (heard === 0) {
          yield* bus.announce("catalog", "process-b")
          yield* Effect.sleep("50 millis")
        }
        for (let i = 0; i < 9; i++) yield* bus.announce("catalog", "process-b")
        yield* Effect.sleep("800 millis")
        yield* Fiber.interrupt(reader)
        expect(heard).toBe(2)
      })
    )
  })
}

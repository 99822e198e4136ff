import { Chunk, Effect, Stream } from "effect"
import type { TelemetrySample } from "./Bus.js"

/** Latest sample per bind for one reader: bounded by the number of binds, whatever the reader's speed. */
class Latest {
  readonly samples = new Map<string, Uint8Array>()
  waiter: (() => void) | undefined

  set(bindId: string, data: Uint8Array): void {
    // delete first so the Map's order follows arrival: the reader sees samples oldest first
    this.samples.delete(bindId)
    this.samples.set(bindId, data)
    const w = this.waiter
    if (w !== undefined) {
      this.waiter = undefined
      w()
    }
  }

  readonly takeAll: Effect.Effect<Chunk.Chunk<TelemetrySample>> = Effect.suspend(() =>
    this.samples.size > 0
      ? Effect.succeed(this.drain())
      : Effect.async<Chunk.Chunk<TelemetrySample>>((resume) => {
          this.waiter = () => resume(Effect.succeed(this.drain()))
          return Effect.sync(() => {
            this.waiter = undefined
          })
        })
  )

  private drain(): Chunk.Chunk<TelemetrySample> {
    const out: Array<TelemetrySample> = []
    for (const [bindId, data] of this.samples) out.push({ bindId, data })
    this.samples.clear()
    return Chunk.unsafeFromArray(out)
  }
}

/**
 * Telemetry fan-out of one bus instance: remembers the last sample of every bind (so a reader that
 * connects later, e.g. the admin UI, starts with the full picture) and conflates per reader.
 */
export class TelemetryHub {
  private readonly last = new Map<string, Uint8Array>()
  private readonly readers = new Set<Latest>()

  offer(bindId: string, data: Uint8Array): void {
    this.last.set(bindId, data)
    for (const r of this.readers) r.set(bindId, data)
  }

  stream(): Stream.Stream<TelemetrySample> {
    return Stream.unwrapScoped(
      Effect.acquireRelease(
        Effect.sync(() => {
          const reader = new Latest()
          for (const [bindId, data] of this.last) reader.set(bindId, data)
          this.readers.add(reader)
          return reader
        }),
        (reader) => Effect.sync(() => this.readers.delete(reader))
      ).pipe(Effect.map((reader) => Stream.repeatEffectChunk(reader.takeAll)))
    )
  }
}

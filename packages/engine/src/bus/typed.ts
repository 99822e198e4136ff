import { type SubmitJob, submitMsgId } from "@volley/core"
import { Effect, type Either, type ParseResult, Schema } from "effect"
import { Bus, type PublishResult } from "./Bus.js"
import type { BusError } from "./errors.js"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export interface BusCodec<A> {
  readonly encode: (value: A) => Uint8Array
  readonly decode: (data: Uint8Array) => Either.Either<A, ParseResult.ParseError>
}

/** JSON bytes for a Schema: the bus stays payload-agnostic, callers pick the schema per subject. */
export const jsonCodec = <A, I>(schema: Schema.Schema<A, I>): BusCodec<A> => {
  const json = Schema.parseJson(schema)
  const encode = Schema.encodeSync(json)
  const decode = Schema.decodeUnknownEither(json)
  return {
    encode: (value) => encoder.encode(encode(value)),
    decode: (data) => decode(decoder.decode(data))
  }
}

/**
 * Publishes submit jobs, one batch per route (all routes at once), with `submitMsgId` as the
 * de-duplication id so a re-publish of the same attempt is dropped and a retry is not.
 */
export const publishSubmitJobs = (
  codec: BusCodec<SubmitJob>,
  jobs: ReadonlyArray<SubmitJob>
): Effect.Effect<PublishResult, BusError, Bus> =>
  Effect.gen(function* () {
    const bus = yield* Bus
    const byRoute = new Map<string, Array<{ msgId: string; data: Uint8Array }>>()
    for (const job of jobs) {
      let batch = byRoute.get(job.routeId)
      if (batch === undefined) {
        batch = []
        byRoute.set(job.routeId, batch)
      }
      batch.push({ msgId: submitMsgId(job), data: codec.encode(job) })
    }
    const results = yield* Effect.forEach(byRoute, ([routeId, batch]) => bus.publishSubmits(routeId, batch), {
      concurrency: "unbounded"
    })
    return results.reduce(
      (a, r) => ({ published: a.published + r.published, duplicates: a.duplicates + r.duplicates }),
      {
        published: 0,
        duplicates: 0
      }
    )
  })

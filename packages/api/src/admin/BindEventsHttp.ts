import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Effect, Schema, Stream } from "effect"
import { VolleyApi } from "../Api.js"
import { BindsFrame } from "./BindEventsApi.js"
import { BindsFeed } from "./BindsFeed.js"

const encodeFrame = Schema.encodeSync(Schema.parseJson(BindsFrame))

/** One SSE event; JSON holds no raw newline, so `data` is one line. */
const sseEvent = (frame: BindsFrame) => `event: binds\ndata: ${encodeFrame(frame)}\n\n`

export const BindEventsLive = HttpApiBuilder.group(VolleyApi, "bindEvents", (handlers) =>
  Effect.gen(function* () {
    const feed = yield* BindsFeed
    return handlers.handle("events", () =>
      Effect.succeed(
        HttpServerResponse.stream(
          // A browser that lost the stream reconnects after 1 s.
          Stream.concat(Stream.make("retry: 1000\n\n"), Stream.map(feed.frames, sseEvent)).pipe(
            Stream.encodeText
          ),
          {
            contentType: "text/event-stream",
            headers: { "cache-control": "no-store", "x-accel-buffering": "no" }
          }
        )
      )
    )
  })
)

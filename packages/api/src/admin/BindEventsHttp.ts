import { createHash, timingSafeEqual } from "node:crypto"
import { HttpApiBuilder, HttpApiSecurity, HttpServerResponse } from "@effect/platform"
import { Effect, Option, Redacted, Schema, Stream } from "effect"
import { VolleyApi } from "../Api.js"
import { AdminToken } from "../auth/AdminToken.js"
import { BindsFrame } from "./BindEventsApi.js"
import { BindsFeed } from "./BindsFeed.js"
import { OperatorSessions } from "./OperatorSessions.js"
import { presentedSessionId } from "./sessionCookie.js"

const encodeFrame = Schema.encodeSync(Schema.parseJson(BindsFrame))

/** One SSE event; JSON holds no raw newline, so `data` is one line. */
const sseEvent = (frame: BindsFrame) => `event: binds\ndata: ${encodeFrame(frame)}\n\n`

// Digests have one length whatever was presented, so the comparison is constant-time (as in OperatorAuth).
const digest = (text: string) => createHash("sha256").update(text, "utf8").digest()

export const BindEventsLive = HttpApiBuilder.group(VolleyApi, "bindEvents", (handlers) =>
  Effect.gen(function* () {
    const feed = yield* BindsFeed
    const sessions = yield* OperatorSessions
    const adminToken = digest(Redacted.value(yield* AdminToken))

    /**
     * The frames this reader may see. OperatorAuth let the request in with the admin token or else with a
     * session cookie: a token stays valid for the stream's life, a session may not — so a cookie's stream
     * looks the session up before each frame (at least one a second) and ends once it is signed out or
     * expired (the browser's reconnect then gets a 401).
     */
    const framesFor = Effect.gen(function* () {
      const bearer = yield* HttpApiBuilder.securityDecode(HttpApiSecurity.bearer)
      if (timingSafeEqual(digest(Redacted.value(bearer)), adminToken)) return feed.frames
      const sessionId = yield* presentedSessionId
      const live = Option.match(sessionId, {
        onNone: () => Effect.succeed(false),
        onSome: (id) => Effect.map(sessions.find(id), Option.isSome)
      })
      return feed.frames.pipe(
        Stream.mapEffect((frame) => Effect.map(live, (ok) => [frame, ok] as const)),
        Stream.takeWhile(([, ok]) => ok),
        Stream.map(([frame]) => frame)
      )
    })

    return handlers.handle("events", () =>
      Effect.map(framesFor, (frames) =>
        HttpServerResponse.stream(
          // A browser that lost the stream reconnects after 1 s.
          Stream.concat(Stream.make("retry: 1000\n\n"), Stream.map(frames, sseEvent)).pipe(Stream.encodeText),
          {
            contentType: "text/event-stream",
            headers: { "cache-control": "no-store", "x-accel-buffering": "no" }
          }
        )
      )
    )
  })
)

import { HttpApiBuilder } from "@effect/platform"
import { type RateLimit, RateLimiter } from "@volley/engine/hotmap/RateLimiter"
import { Effect, Option } from "effect"
import { VolleyApi } from "../Api.js"
import { RateLimited, Unauthorized } from "../auth/AuthApi.js"
import { withResponseHeader } from "../auth/challenge.js"
import { OperatorAccounts } from "./OperatorAccounts.js"
import { type OperatorSession, OperatorSessions } from "./OperatorSessions.js"
import { OperatorSessionView } from "./SessionApi.js"
import { expireSessionCookie, presentedSessionId, setSessionCookie } from "./sessionCookie.js"

const view = (session: OperatorSession) =>
  new OperatorSessionView({
    username: session.username,
    expiresAt: new Date(session.expiresAt).toISOString()
  })

// One answer for a wrong name and a wrong password, so names can't be probed.
const refused = new Unauthorized({ message: "Wrong operator name or password" })

/**
 * Sign-in attempts per submitted operator name (known or not, so the limit says nothing about which names
 * exist): a bucket of 5 — a few typos never lock anyone out — refilled by one attempt every 2 seconds, so
 * guessing one name's password is held to 1,800 tries an hour, and an attempt over the limit is refused
 * before any scrypt work is done.
 */
const SIGN_IN_LIMIT: RateLimit = { ratePerSecond: 0.5, burst: 5 }

export const SessionLive = HttpApiBuilder.group(VolleyApi, "operatorSession", (handlers) =>
  Effect.gen(function* () {
    const accounts = yield* OperatorAccounts
    const sessions = yield* OperatorSessions
    const limiter = yield* RateLimiter

    /** Takes one attempt from the name's bucket; Redis trouble lets the attempt through (logged), as for keys. */
    const takeAttempt = (username: string) =>
      limiter.take(`signin:${username}`, SIGN_IN_LIMIT).pipe(
        Effect.catchTag("HotMapError", (error) =>
          Effect.logWarning("rate limiter unavailable, sign-in attempt allowed").pipe(
            Effect.annotateLogs("error", error.message),
            Effect.as({ allowed: true, retryAfterMs: 0 })
          )
        ),
        Effect.flatMap((decision) => {
          if (decision.allowed) return Effect.void
          const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
          return Effect.logWarning("operator sign-in rate-limited").pipe(
            Effect.annotateLogs("operator", username),
            Effect.zipRight(withResponseHeader("Retry-After", String(seconds))),
            Effect.zipRight(
              Effect.fail(
                new RateLimited({
                  message: "Too many sign-in attempts for this operator name; retry later",
                  retryAfterSeconds: seconds
                })
              )
            )
          )
        })
      )

    return handlers
      .handle("signIn", ({ payload }) =>
        Effect.gen(function* () {
          yield* takeAttempt(payload.username)
          const username = yield* accounts.verify(payload.username, payload.password)
          if (Option.isNone(username)) {
            yield* Effect.logWarning("operator sign-in refused").pipe(
              Effect.annotateLogs("operator", payload.username)
            )
            return yield* Effect.fail(refused)
          }
          const { id, session } = yield* sessions.open(username.value)
          yield* setSessionCookie(id, sessions.secureCookie)
          yield* Effect.logInfo("operator signed in").pipe(Effect.annotateLogs("operator", username.value))
          return view(session)
        })
      )
      .handle("current", () =>
        presentedSessionId.pipe(
          Effect.flatMap(Option.match({ onNone: () => Effect.succeedNone, onSome: sessions.find })),
          Effect.flatMap(
            Option.match({
              onNone: () => Effect.fail(new Unauthorized({ message: "Not signed in" })),
              onSome: (session) => Effect.succeed(view(session))
            })
          )
        )
      )
      .handle("signOut", () =>
        Effect.gen(function* () {
          const id = yield* presentedSessionId
          if (Option.isSome(id)) yield* sessions.close(id.value)
          yield* expireSessionCookie(sessions.secureCookie)
        })
      )
  })
)

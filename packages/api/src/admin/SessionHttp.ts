import { HttpApiBuilder } from "@effect/platform"
import { Effect, Option } from "effect"
import { VolleyApi } from "../Api.js"
import { Unauthorized } from "../auth/AuthApi.js"
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

export const SessionLive = HttpApiBuilder.group(VolleyApi, "operatorSession", (handlers) =>
  Effect.gen(function* () {
    const accounts = yield* OperatorAccounts
    const sessions = yield* OperatorSessions
    return handlers
      .handle("signIn", ({ payload }) =>
        Effect.gen(function* () {
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

import { createHash, timingSafeEqual } from "node:crypto"
import { Effect, Layer, Option, Redacted } from "effect"
import { OperatorSessions } from "../admin/OperatorSessions.js"
import { presentedSessionId } from "../admin/sessionCookie.js"
import { AdminToken } from "./AdminToken.js"
import { OperatorAuth, Unauthorized } from "./AuthApi.js"
import { challenge } from "./challenge.js"

// Digests have one length whatever was presented, so the comparison is constant-time.
const digest = (text: string) => createHash("sha256").update(text, "utf8").digest()

export const OperatorAuthLive = Layer.effect(
  OperatorAuth,
  Effect.gen(function* () {
    const expected = digest(Redacted.value(yield* AdminToken))
    const sessions = yield* OperatorSessions
    // The admin UI's signed-in operators send their session cookie instead of the token.
    const signedIn = presentedSessionId.pipe(
      Effect.flatMap((id) => (Option.isSome(id) ? sessions.find(id.value) : Effect.succeedNone)),
      Effect.map(Option.isSome)
    )
    return {
      operatorToken: (presented) =>
        timingSafeEqual(digest(Redacted.value(presented)), expected)
          ? Effect.void
          : Effect.flatMap(signedIn, (ok) =>
              ok
                ? Effect.void
                : Effect.zipRight(
                    challenge,
                    Effect.fail(new Unauthorized({ message: "The admin token is missing or wrong" }))
                  )
            )
    }
  })
)

import { createHash, timingSafeEqual } from "node:crypto"
import { Effect, Layer, Redacted } from "effect"
import { AdminToken } from "./AdminToken.js"
import { OperatorAuth, Unauthorized } from "./AuthApi.js"
import { challenge } from "./challenge.js"

// Digests have one length whatever was presented, so the comparison is constant-time.
const digest = (text: string) => createHash("sha256").update(text, "utf8").digest()

export const OperatorAuthLive = Layer.effect(
  OperatorAuth,
  Effect.gen(function* () {
    const expected = digest(Redacted.value(yield* AdminToken))
    return {
      operatorToken: (presented) =>
        timingSafeEqual(digest(Redacted.value(presented)), expected)
          ? Effect.void
          : Effect.zipRight(
              challenge,
              Effect.fail(new Unauthorized({ message: "The admin token is missing or wrong" }))
            )
    }
  })
)

import type { ApiKeyId } from "@volley/core"
import { RateLimiter } from "@volley/engine/hotmap/RateLimiter"
import { Effect, Layer, Redacted } from "effect"
import { RateLimited, SenderAuth, Unauthorized } from "./AuthApi.js"
import { challenge, withResponseHeader } from "./challenge.js"
import { SenderCredentials } from "./SenderCredentials.js"

const unauthorized = Effect.zipRight(
  challenge,
  Effect.fail(new Unauthorized({ message: "The API key is missing, malformed, unknown or revoked" }))
)

export const SenderAuthLive = Layer.effect(
  SenderAuth,
  Effect.gen(function* () {
    const credentials = yield* SenderCredentials
    const limiter = yield* RateLimiter

    /**
     * A bucket per key, holding one second of its rate. Redis trouble lets the request through (logged):
     * the limiter protects capacity, and refusing every sender while Redis restarts would be worse.
     */
    const takeToken = (keyId: ApiKeyId, ratePerSecond: number) =>
      limiter.take(`apikey:${keyId}`, { ratePerSecond, burst: ratePerSecond }).pipe(
        Effect.catchTag("HotMapError", (error) =>
          Effect.logWarning("rate limiter unavailable, request allowed").pipe(
            Effect.annotateLogs("error", error.message),
            Effect.as({ allowed: true, retryAfterMs: 0 })
          )
        ),
        Effect.flatMap((decision) => {
          if (decision.allowed) return Effect.void
          const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
          return Effect.zipRight(
            withResponseHeader("Retry-After", String(seconds)),
            Effect.fail(
              new RateLimited({
                message: `Rate limit of ${ratePerSecond} requests per second exceeded for this key`,
                retryAfterSeconds: seconds
              })
            )
          )
        })
      )

    return {
      senderKey: (token) =>
        credentials.authenticate(Redacted.value(token)).pipe(
          // the reason is for the logs only: the caller gets one answer whatever it was
          Effect.catchTag("InvalidApiKey", (error) =>
            Effect.zipRight(
              Effect.logDebug("API key refused", { reason: error.reason, prefix: error.prefix }),
              unauthorized
            )
          ),
          Effect.tap(({ key }) => takeToken(key.keyId, key.rateLimitPerSecond)),
          Effect.map(({ account, key }) => ({ accountId: key.accountId, keyId: key.keyId, account }))
        )
    }
  })
)

import { randomBase62 } from "@volley/engine/apikey/ApiKeysRepo"
import { Config, ConfigError, Context, Effect, Either, Layer, Option, Redacted } from "effect"

/** Shorter configured tokens are refused at start-up: the admin API can move money. */
const MIN_ADMIN_TOKEN_LENGTH = 24

/** The operators' bearer token for `/v1/admin`. */
export class AdminToken extends Context.Tag("volley/api/AdminToken")<
  AdminToken,
  Redacted.Redacted<string>
>() {
  /**
   * `VOLLEY_ADMIN_TOKEN` when set. Unset (the embedded default), a random token is minted at start-up and
   * logged once: there is no well-known default that a forgotten deployment would accept.
   */
  static readonly fromConfig = Layer.effect(
    AdminToken,
    Effect.gen(function* () {
      const configured = yield* Config.option(
        Config.redacted("VOLLEY_ADMIN_TOKEN").pipe(
          Config.mapOrFail((token) =>
            Redacted.value(token).length >= MIN_ADMIN_TOKEN_LENGTH
              ? Either.right(token)
              : Either.left(
                  ConfigError.InvalidData(
                    ["VOLLEY_ADMIN_TOKEN"],
                    `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`
                  )
                )
          )
        )
      )
      if (Option.isSome(configured)) return configured.value
      const token = `va_${randomBase62(32)}`
      yield* Effect.logWarning(
        `VOLLEY_ADMIN_TOKEN is not set: the admin API accepts this generated token until the process stops: ${token}`
      )
      return Redacted.make(token)
    })
  )
}

import { randomUUID } from "node:crypto"
import type { Account } from "@volley/core"
import type { AuthenticatedApiKey } from "@volley/core/apikey/ApiKey"
import { AccountsRepo } from "@volley/engine/account/AccountsRepo"
import { ApiKeysRepo, presentedKey } from "@volley/engine/apikey/ApiKeysRepo"
import { Bus } from "@volley/engine/bus/Bus"
import { supervise } from "@volley/engine/recovery/supervise"
import { Cache, Duration, Effect, Either, Exit, Stream } from "effect"

/** How long a checked key and its account's row are used before they are read again. */
export const CREDENTIALS_TTL = Duration.seconds(1)
/** Keys remembered at most (least recently used go first). */
const CAPACITY = 10_000

/** A sender key as checked, with its account's row read at the same time. */
export interface SenderCredential {
  readonly key: AuthenticatedApiKey
  readonly account: Account
}

/**
 * Sender keys as checked, each with its account, remembered for a second. Reading both for every request
 * cost half the CPU of a single send (≈ 270 µs per read, measured in `npm run bench:api`); a sender
 * sending many requests a second now costs one read of each per second. A key refused is remembered the
 * same second too, so guessing costs nothing extra.
 *
 * A change made through the API — a key revoked, an account activated, suspended or put in test mode —
 * calls `forgetAll`, which forgets them here and announces it to the other API processes on the bus, so
 * it applies to the very next request; a change the bus did not carry (SQL by hand, NATS away) applies
 * within `CREDENTIALS_TTL`. The balance in the remembered row is never used to decide anything: the debit
 * checks the balance in SQL.
 */
export class SenderCredentials extends Effect.Service<SenderCredentials>()("volley/api/SenderCredentials", {
  scoped: Effect.gen(function* () {
    const keys = yield* ApiKeysRepo
    const accounts = yield* AccountsRepo
    const bus = yield* Bus
    const origin = randomUUID()

    const lookup = (id: string) => {
      const separator = id.indexOf(":")
      const presented = {
        prefix: id.slice(0, separator),
        digest: Buffer.from(id.slice(separator + 1), "base64")
      }
      return keys.verify(presented).pipe(
        Effect.flatMap((key) =>
          accounts.get(key.accountId).pipe(
            // a key's account can't be deleted while the key exists (foreign key)
            Effect.catchTag("AccountNotFound", Effect.die),
            Effect.map((account): SenderCredential => ({ key, account }))
          )
        )
      )
    }
    const cache = yield* Cache.makeWith({
      capacity: CAPACITY,
      lookup,
      // a defect (the database away) is not remembered: the next request tries again
      timeToLive: (exit) =>
        Exit.isFailure(exit) && exit.cause._tag !== "Fail" ? Duration.zero : CREDENTIALS_TTL
    })

    yield* Effect.forkScoped(
      supervise(
        "sender-credentials",
        bus.announcements("credentials", origin).pipe(Stream.runForEach(() => cache.invalidateAll))
      )
    )

    return {
      /**
       * Uninterruptible: concurrent requests with the same key wait on one lookup, which a client hanging
       * up must not cut short for the others.
       */
      authenticate: (plaintext: string) =>
        Either.match(presentedKey(plaintext), {
          onLeft: Effect.fail,
          onRight: ({ prefix, digest }) =>
            Effect.uninterruptible(cache.get(`${prefix}:${digest.toString("base64")}`))
        }),
      /** After a key or an account's mode changed: the next request, here or elsewhere, reads them again. */
      forgetAll: Effect.zipRight(
        cache.invalidateAll,
        bus
          .announce("credentials", origin)
          .pipe(
            Effect.catchAll((error) =>
              Effect.logWarning(
                "credential change not announced: other processes see it within a second",
                error
              )
            )
          )
      )
    } as const
  })
}) {}

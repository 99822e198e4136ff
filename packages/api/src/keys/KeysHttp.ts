import { HttpApiBuilder } from "@effect/platform"
import { AccountsRepo } from "@volley/engine/account/AccountsRepo"
import { ApiKeysRepo } from "@volley/engine/apikey/ApiKeysRepo"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"
import { SenderCredentials } from "../auth/SenderCredentials.js"

export const KeysLive = HttpApiBuilder.group(VolleyApi, "keys", (handlers) =>
  Effect.gen(function* () {
    const keys = yield* ApiKeysRepo
    const credentials = yield* SenderCredentials
    return handlers
      .handle("create", ({ payload }) =>
        Effect.flatMap(CurrentAccount, ({ accountId }) =>
          keys.create(accountId, payload.name).pipe(Effect.catchTag("AccountNotFound", Effect.die))
        )
      )
      .handle("list", () => Effect.flatMap(CurrentAccount, ({ accountId }) => keys.list(accountId)))
      .handle("revoke", ({ path }) =>
        Effect.flatMap(CurrentAccount, ({ accountId }) =>
          Effect.zipLeft(keys.revoke(accountId, path.keyId), credentials.forgetAll)
        )
      )
  })
)

export const KeysAdminLive = HttpApiBuilder.group(VolleyApi, "keysAdmin", (handlers) =>
  Effect.gen(function* () {
    const keys = yield* ApiKeysRepo
    const accounts = yield* AccountsRepo
    const credentials = yield* SenderCredentials
    return handlers
      .handle("create", ({ path, payload }) =>
        keys.create(path.accountId, payload.name, { rateLimitPerSecond: payload.rateLimitPerSecond })
      )
      .handle("list", ({ path }) => Effect.zipRight(accounts.get(path.accountId), keys.list(path.accountId)))
      .handle("revoke", ({ path }) =>
        Effect.zipLeft(keys.revoke(path.accountId, path.keyId), credentials.forgetAll)
      )
  })
)

import { HttpApiBuilder } from "@effect/platform"
import { parsePhoneNumber } from "@volley/core"
import { BlacklistRepo } from "@volley/engine/blacklist/BlacklistRepo"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"
import { DEFAULT_PAGE_LIMIT, toPage } from "../http/Page.js"
import { NotBlacklisted } from "./BlacklistApi.js"

export const BlacklistLive = HttpApiBuilder.group(VolleyApi, "blacklist", (handlers) =>
  Effect.gen(function* () {
    const blacklist = yield* BlacklistRepo
    return handlers
      .handle("add", ({ payload }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const msisdn = yield* parsePhoneNumber(payload.number)
          return yield* blacklist
            .add(accountId, msisdn, payload.reason)
            .pipe(Effect.catchTag("AccountNotFound", Effect.die))
        })
      )
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const limit = urlParams.limit ?? DEFAULT_PAGE_LIMIT
          const rows = yield* blacklist.list(accountId, { after: urlParams.cursor, limit: limit + 1 })
          return toPage(rows, limit, (entry) => entry.msisdn)
        })
      )
      .handle("remove", ({ path }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const msisdn = yield* parsePhoneNumber(path.number)
          if (!(yield* blacklist.remove(accountId, msisdn))) {
            return yield* new NotBlacklisted({
              number: msisdn,
              message: `${msisdn} is not on this account's blacklist`
            })
          }
        })
      )
  })
)

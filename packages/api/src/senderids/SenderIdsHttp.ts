import { HttpApiBuilder } from "@effect/platform"
import { SenderIdsRepo } from "@volley/engine/sender/SenderIdsRepo"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"

export const SenderIdsLive = HttpApiBuilder.group(VolleyApi, "senderIds", (handlers) =>
  Effect.gen(function* () {
    const senderIds = yield* SenderIdsRepo
    return handlers
      .handle("request", ({ payload }) =>
        Effect.flatMap(CurrentAccount, ({ accountId }) =>
          senderIds.request(accountId, payload.senderId).pipe(Effect.catchTag("AccountNotFound", Effect.die))
        )
      )
      .handle("list", () => Effect.flatMap(CurrentAccount, ({ accountId }) => senderIds.list(accountId)))
      .handle("get", ({ path }) =>
        Effect.flatMap(CurrentAccount, ({ accountId }) => senderIds.get(accountId, path.id))
      )
  })
)

export const SenderIdsAdminLive = HttpApiBuilder.group(VolleyApi, "senderIdsAdmin", (handlers) =>
  Effect.gen(function* () {
    const senderIds = yield* SenderIdsRepo
    return handlers
      .handle("pending", () => senderIds.listPending())
      .handle("approve", ({ path, payload }) => senderIds.decide(path.id, "approved", payload.note))
      .handle("reject", ({ path, payload }) => senderIds.decide(path.id, "rejected", payload.note))
  })
)

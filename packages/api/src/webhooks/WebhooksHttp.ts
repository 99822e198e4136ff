import { HttpApiBuilder } from "@effect/platform"
import { uuid7 } from "@volley/core"
import { checkWebhookUrl } from "@volley/engine/webhook/AddressGuard"
import { newWebhookSecret } from "@volley/engine/webhook/signature"
import { WebhookSender } from "@volley/engine/webhook/WebhookSender"
import { WebhooksRepo } from "@volley/engine/webhook/WebhooksRepo"
import { Effect, Option } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"
import { WebhookNotSet, WebhookUrlRefused } from "./WebhooksApi.js"

const notSet = new WebhookNotSet({ message: "This account has no webhook; PUT /v1/webhook sets one" })

export const WebhooksLive = HttpApiBuilder.group(VolleyApi, "webhooks", (handlers) =>
  Effect.gen(function* () {
    const webhooks = yield* WebhooksRepo
    const sender = yield* WebhookSender
    const target = Effect.flatMap(CurrentAccount, ({ accountId }) =>
      Effect.flatMap(webhooks.find(accountId), Option.match({ onNone: () => notSet, onSome: Effect.succeed }))
    )
    return handlers
      .handle("set", ({ payload }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          yield* checkWebhookUrl(payload.url, sender.allowPrivate).pipe(
            Effect.mapError((e) => new WebhookUrlRefused({ url: e.url, reason: e.reason }))
          )
          const secret = newWebhookSecret()
          if (!(yield* webhooks.set(accountId, { url: payload.url, secret })))
            return yield* Effect.die(`account ${accountId} vanished`)
          return { url: payload.url, secret }
        })
      )
      .handle("get", () =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const { url } = yield* target
          return { url, ...(yield* webhooks.health(accountId)) }
        })
      )
      .handle("remove", () =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          if (!(yield* webhooks.clear(accountId))) return yield* notSet
        })
      )
      .handle("test", () =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const event = {
            id: `test:${uuid7()}`,
            type: "webhook.test",
            messageId: null,
            accountId,
            campaignId: null,
            recipient: null,
            status: null,
            at: new Date().toISOString()
          }
          return yield* sender.send(yield* target, [event]).pipe(
            Effect.map((status) => ({ delivered: true, status, error: null })),
            Effect.catchTag("WebhookDeliveryFailed", (e) =>
              Effect.succeed({ delivered: false, status: e.status, error: e.reason })
            )
          )
        })
      )
  })
)

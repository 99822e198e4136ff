import { Config, Option } from "effect"

/**
 * `VOLLEY_WEBHOOKS_ALLOW_PRIVATE`: may webhooks go to loopback, private and link-local addresses? Unset,
 * it is `true` except when `NODE_ENV=production`, so `npm start` and the tests can use a receiver on
 * 127.0.0.1 while production refuses them (SSRF: a sender's URL must not reach our own network).
 */
export const WebhookConfig = Config.all({
  env: Config.string("NODE_ENV").pipe(Config.withDefault("development")),
  allowPrivate: Config.option(Config.boolean("VOLLEY_WEBHOOKS_ALLOW_PRIVATE"))
}).pipe(
  Config.map(({ env, allowPrivate }) => ({
    allowPrivate: Option.getOrElse(allowPrivate, () => env !== "production")
  }))
)

export type WebhookConfig = Config.Config.Success<typeof WebhookConfig>

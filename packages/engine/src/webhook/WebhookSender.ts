import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns"
import { request as httpRequest } from "node:http"
import { request as httpsRequest } from "node:https"
import type { LookupFunction } from "node:net"
import { Duration, Effect, Schema } from "effect"
import { checkWebhookUrl, isPrivateAddress } from "./AddressGuard.js"
import { webhookBody } from "./events.js"
import { SIGNATURE_HEADER, signWebhook } from "./signature.js"
import { WebhookConfig } from "./WebhookConfig.js"

/** A POST that did not end in a 2xx: refused URL, connection error, timeout or the receiver's status. */
export class WebhookDeliveryFailed extends Schema.TaggedError<WebhookDeliveryFailed>()(
  "WebhookDeliveryFailed",
  {
    reason: Schema.String,
    status: Schema.NullOr(Schema.Int)
  }
) {}

export interface WebhookTarget {
  readonly url: string
  readonly secret: string
}

/**
 * Resolves like the default lookup but refuses private addresses at connect time, so a host that
 * resolved to a public address when its URL was stored cannot point at our network later (DNS rebinding).
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(
    hostname,
    { ...options, all: true } as LookupAllOptions,
    (error, addresses: Array<LookupAddress>) => {
      if (error) return callback(error, "", 0)
      const bad = addresses.find((a) => isPrivateAddress(a.address))
      if (bad !== undefined || addresses.length === 0) {
        const refused = new Error(`${hostname} resolves to a private address (${bad?.address ?? "none"})`)
        return callback(refused as NodeJS.ErrnoException, "", 0)
      }
      if (options.all)
        return (callback as unknown as (e: null, a: Array<LookupAddress>) => void)(null, addresses)
      const first = addresses[0]!
      callback(null, first.address, first.family)
    }
  )
}

const post = (url: URL, headers: Record<string, string>, body: string, guard: boolean, signal: AbortSignal) =>
  new Promise<number>((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest
    const req = send(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      signal,
      ...(guard ? { lookup: guardedLookup } : {})
    })
    req.on("response", (res) => {
      res.resume()
      res.on("end", () => resolve(res.statusCode ?? 0))
      res.on("error", reject)
    })
    req.on("error", reject)
    req.end(body)
  })

/**
 * Signs and POSTs webhook events (DESIGN.md §1 WebhookDispatcher, README "Webhooks"): JSON `{ events }`,
 * `Volley-Signature` over the exact body, no redirects followed, a deadline per request. Unless private
 * addresses are allowed, the URL is checked before the request and every address when it connects.
 */
export class WebhookSender extends Effect.Service<WebhookSender>()("volley/WebhookSender", {
  effect: Effect.gen(function* () {
    const { allowPrivate } = yield* WebhookConfig

    const send = Effect.fn("WebhookSender.send")(function* (
      target: WebhookTarget,
      events: ReadonlyArray<unknown>,
      timeout: Duration.DurationInput = "10 seconds"
    ) {
      const url = yield* checkWebhookUrl(target.url, allowPrivate).pipe(
        Effect.mapError((e) => new WebhookDeliveryFailed({ reason: e.reason, status: null }))
      )
      const body = webhookBody(events)
      const headers = {
        "content-type": "application/json",
        "user-agent": "Volley-Webhooks/1",
        [SIGNATURE_HEADER]: signWebhook(target.secret, body)
      }
      const status = yield* Effect.tryPromise({
        try: (signal) => post(url, headers, body, !allowPrivate, signal),
        catch: (e) =>
          new WebhookDeliveryFailed({ reason: e instanceof Error ? e.message : String(e), status: null })
      }).pipe(
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () =>
            new WebhookDeliveryFailed({
              reason: `no answer within ${Duration.format(timeout)}`,
              status: null
            })
        })
      )
      if (status < 200 || status > 299)
        return yield* new WebhookDeliveryFailed({ reason: `HTTP ${status}`, status })
      return status
    })

    return { send, allowPrivate } as const
  })
}) {}

import { expect, layer } from "@effect/vitest"
import type { AccountId } from "@volley/core"
import { SIGNATURE_HEADER, verifyWebhook } from "@volley/engine/webhook/signature"
import { WebhooksRepo } from "@volley/engine/webhook/WebhooksRepo"
import { ConfigProvider, Effect, Layer } from "effect"
import { ApiTest, expectStatus, newSender } from "./support/ApiHarness.js"
import { eventsOf, putWebhook, webhookReceiver } from "./support/WebhookReceiver.js"

const put = putWebhook

layer(ApiTest, { excludeTestServices: true })("webhook endpoints", (it) => {
  it.scoped("PUT sets the URL and shows the secret once; GET shows the URL only; PUT again rotates", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Webhook owner")
      const receiver = yield* webhookReceiver()
      const set = expectStatus(yield* put(sender, { url: receiver.url }), 200).body
      expect(set.url).toBe(receiver.url)
      expect(set.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)

      const got = expectStatus(yield* sender.as("GET", "/v1/webhook"), 200).body
      expect(got).toEqual({
        url: receiver.url,
        pending: 0,
        failingSince: null,
        nextAttemptAt: null,
        lastError: null
      })

      const rotated = expectStatus(yield* put(sender, { url: `${receiver.url}?v=2` }), 200).body
      expect(rotated.secret).not.toBe(set.secret)
      expect(expectStatus(yield* sender.as("GET", "/v1/webhook"), 200).body.url).toBe(`${receiver.url}?v=2`)

      // The test event is signed with the new secret only.
      const tested = expectStatus(yield* sender.as("POST", "/v1/webhook/test"), 200).body
      expect(tested).toEqual({ delivered: true, status: 200, error: null })
      const [request] = yield* receiver.waitFor((got) => got.length === 1)
      const signature = request!.headers[SIGNATURE_HEADER.toLowerCase()] as string
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
      expect(verifyWebhook(rotated.secret, request!.body, signature)).toBe(true)
      expect(verifyWebhook(set.secret, request!.body, signature)).toBe(false)
      expect(request!.headers["content-type"]).toBe("application/json")
      expect(eventsOf(request!)).toMatchObject([{ type: "webhook.test", accountId: sender.accountId }])
    })
  )

  it.scoped("DELETE removes it (204), then GET, DELETE and test answer a typed 404", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Webhook remover")
      const receiver = yield* webhookReceiver()
      expectStatus(yield* put(sender, { url: receiver.url }), 200)
      const removed = yield* sender.as("DELETE", "/v1/webhook")
      expect(removed.status).toBe(204)
      expect(removed.body).toBeUndefined()
      for (const [method, path] of [
        ["GET", "/v1/webhook"],
        ["DELETE", "/v1/webhook"],
        ["POST", "/v1/webhook/test"]
      ] as const) {
        const reply = yield* sender.as(method, path)
        expect(reply.status, `${method} ${path}`).toBe(404)
        expect(reply.body).toMatchObject({ _tag: "WebhookNotSet" })
      }
      expect(receiver.received).toHaveLength(0)
    })
  )

  it.scoped("a test event to a failing receiver reports its status instead of an error", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Failing receiver")
      const receiver = yield* webhookReceiver(() => 503)
      expectStatus(yield* put(sender, { url: receiver.url }), 200)
      const tested = expectStatus(yield* sender.as("POST", "/v1/webhook/test"), 200).body
      expect(tested).toEqual({ delivered: false, status: 503, error: "HTTP 503" })
    })
  )

  it.scoped("another account can neither see, remove nor test an account's webhook", () =>
    Effect.gen(function* () {
      const owner = yield* newSender("Owner")
      const other = yield* newSender("Other")
      const receiver = yield* webhookReceiver()
      expectStatus(yield* put(owner, { url: receiver.url }), 200)
      expect((yield* other.as("GET", "/v1/webhook")).status).toBe(404)
      expect((yield* other.as("DELETE", "/v1/webhook")).status).toBe(404)
      expect((yield* other.as("POST", "/v1/webhook/test")).status).toBe(404)
      expect(receiver.received).toHaveLength(0)
      expect(expectStatus(yield* owner.as("GET", "/v1/webhook"), 200).body.url).toBe(receiver.url)
    })
  )

  it.effect("a URL that is not http(s), malformed JSON and a missing key are refused", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Bad URLs")
      for (const url of ["ftp://example.com/hook", "not a url", "http://user:pw@example.com/"]) {
        const reply = yield* put(sender, { url })
        expect(reply.status, url).toBe(400)
        expect(reply.body).toMatchObject({ _tag: "WebhookUrlRefused", url })
        expect(reply.body.message).toContain(url)
      }
      expect((yield* put(sender, undefined, "{not json")).status).toBe(400)
      expect((yield* put(sender, { url: "" })).status).toBe(400)
      expect((yield* sender.as("GET", "/v1/webhook")).status).toBe(404)
      expect((yield* put({ ...sender, key: "vk_wrong" }, { url: "https://example.com/" })).status).toBe(401)
    })
  )
})

/** Production mode: VOLLEY_WEBHOOKS_ALLOW_PRIVATE=false (what NODE_ENV=production implies). */
const ProductionApiTest = ApiTest.pipe(
  Layer.provide(Layer.setConfigProvider(ConfigProvider.fromJson({ VOLLEY_WEBHOOKS_ALLOW_PRIVATE: "false" })))
)

layer(ProductionApiTest, { excludeTestServices: true })("webhook URLs in production mode", (it) => {
  it.effect("loopback, private, link-local and unspecified addresses are refused with a 400", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("SSRF")
      for (const url of [
        "http://127.0.0.1:8080/hook",
        "http://127.1.2.3/",
        "http://localhost:3000/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://172.31.255.255/",
        "https://192.168.1.10/",
        "http://169.254.169.254/latest/meta-data",
        "http://[fc00::1]/",
        "http://[fd12:3456::1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/"
      ]) {
        const reply = yield* put(sender, { url })
        expect(reply.status, url).toBe(400)
        expect(reply.body, url).toMatchObject({ _tag: "WebhookUrlRefused", url })
      }
      expect((yield* sender.as("GET", "/v1/webhook")).status).toBe(404)
      // Public addresses pass (a literal: no DNS needed), 172.32/16 is outside 172.16/12.
      for (const url of ["https://93.184.216.34/hook", "http://172.32.0.1/"])
        expect((yield* put(sender, { url })).status, url).toBe(200)
    })
  )

  it.scoped("a private URL that got stored anyway is not called: the test event reports the refusal", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Stored private URL")
      const receiver = yield* webhookReceiver()
      yield* (yield* WebhooksRepo).set(sender.accountId as AccountId, {
        url: receiver.url,
        secret: "whsec_x"
      })
      const tested = expectStatus(yield* sender.as("POST", "/v1/webhook/test"), 200).body
      expect(tested).toMatchObject({ delivered: false, status: null })
      expect(tested.error).toContain("private")
      expect(receiver.received).toHaveLength(0)
    })
  )
})

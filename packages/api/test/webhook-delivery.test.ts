import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { uuid7 } from "@volley/core"
import { Bus } from "@volley/engine/bus/Bus"
import { publishStatusChanges } from "@volley/engine/bus/statusEvents"
import { SIGNATURE_HEADER, verifyWebhook } from "@volley/engine/webhook/signature"
import { WebhookDispatcher, type WebhookDispatcherOptions } from "@volley/engine/webhook/WebhookDispatcher"
import { Effect, Exit, Layer, Scope } from "effect"
import { ApiTest, expectStatus, newSender, type Sender } from "./support/ApiHarness.js"
import { eventsOf, putWebhook, type Received, webhookReceiver } from "./support/WebhookReceiver.js"

/** Retries in tens of milliseconds instead of seconds. */
const fast: WebhookDispatcherOptions = {
  initialDelay: "100 millis",
  maxDelay: "1 second",
  pollInterval: "50 millis",
  requestTimeout: "3 seconds"
}

/** The dispatcher for the rest of the test's scope. */
const dispatcher = (options: WebhookDispatcherOptions = fast) => Layer.build(WebhookDispatcher.layer(options))

/** An account with a webhook pointing at `url`; returns the signing secret. */
const withWebhook = (sender: Sender, url: string) =>
  Effect.gen(function* () {
    const reply = yield* putWebhook(sender, { url })
    return expectStatus(reply, 200).body.secret as string
  })

/** Status changes as the engine publishes them: one bus message per account per batch. */
const publish = (accountId: string, changes: ReadonlyArray<readonly [string, string]>) =>
  Effect.flatMap(Bus, (bus) =>
    publishStatusChanges(
      bus,
      changes.map(([messageId, status]) => ({
        messageId,
        accountId,
        campaignId: null,
        recipient: "+380501234567",
        status
      }))
    )
  )

const delivered = (got: ReadonlyArray<Received>) => got.filter((r) => r.answer === 200)
const statusesOf = (got: ReadonlyArray<Received>) =>
  delivered(got).flatMap((r) => eventsOf(r).map((e) => `${e.messageId}:${e.status}`))

/** Until the outbox has nothing pending for the account (the outcome is written after the POST). */
const settled = (sender: Sender) =>
  Effect.gen(function* () {
    for (let i = 0; i < 200; i++) {
      if (expectStatus(yield* sender.as("GET", "/v1/webhook"), 200).body.pending === 0) return
      yield* Effect.sleep("20 millis")
    }
    return yield* Effect.die(new Error("outbox never settled"))
  })

layer(ApiTest, { excludeTestServices: true })("webhook delivery", (it) => {
  it.scoped("status changes reach the account's URL as signed JSON; QUEUED and other accounts stay out", () =>
    Effect.gen(function* () {
      yield* dispatcher()
      const sender = yield* newSender("Signed events")
      const quiet = yield* newSender("No webhook")
      const receiver = yield* webhookReceiver()
      const secret = yield* withWebhook(sender, receiver.url)
      const [m1, m2] = [uuid7(), uuid7()]
      yield* publish(quiet.accountId, [[uuid7(), "ENROUTE"]])
      yield* publish(sender.accountId, [
        [m1, "ENROUTE"],
        [m2, "QUEUED"]
      ])
      yield* publish(sender.accountId, [
        [m1, "DELIVRD"],
        [m2, "REJECTD"]
      ])
      const got = yield* receiver.waitFor((r) => statusesOf(r).length === 3)
      expect(statusesOf(got)).toEqual([`${m1}:ENROUTE`, `${m1}:DELIVRD`, `${m2}:REJECTD`])
      for (const r of got) {
        expect(verifyWebhook(secret, r.body, r.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(true)
        for (const e of eventsOf(r)) {
          expect(e).toMatchObject({
            id: `${e.messageId}:${e.status}`,
            type: "message.status",
            accountId: sender.accountId,
            campaignId: null,
            recipient: "+380501234567"
          })
          expect(Date.parse(e.at)).toBeGreaterThan(0)
        }
      }
      const sql = yield* SqlClient.SqlClient
      const [row] = yield* sql<{ n: number }>`
        SELECT count(*)::int4 AS n FROM webhook_events WHERE account_id = ${quiet.accountId}`
      expect(row!.n).toBe(0)
    })
  )

  it.scoped(
    "a receiver that fails twice then succeeds gets every event once, signed, in order per message",
    () =>
      Effect.gen(function* () {
        yield* dispatcher()
        const sender = yield* newSender("Flaky receiver")
        const receiver = yield* webhookReceiver((n) => (n < 2 ? 500 : 200))
        const secret = yield* withWebhook(sender, receiver.url)
        const messages = [uuid7(), uuid7(), uuid7()]
        yield* publish(
          sender.accountId,
          messages.map((m) => [m, "ENROUTE"] as const)
        )
        yield* publish(sender.accountId, [
          [messages[0]!, "DELIVRD"],
          [messages[1]!, "UNDELIV"],
          [messages[2]!, "EXPIRED"]
        ])
        const got = yield* receiver.waitFor((r) => statusesOf(r).length === 6)
        expect(got.slice(0, 2).map((r) => r.answer)).toEqual([500, 500])
        const sent = statusesOf(got)
        expect(new Set(sent).size).toBe(6)
        for (const m of messages) {
          const enroute = sent.indexOf(`${m}:ENROUTE`)
          expect(enroute).toBeGreaterThanOrEqual(0)
          expect(sent.findIndex((s) => s.startsWith(m) && !s.endsWith("ENROUTE"))).toBeGreaterThan(enroute)
        }
        for (const r of got)
          expect(verifyWebhook(secret, r.body, r.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(
            true
          )
        // The failures were recorded, then cleared by the success.
        yield* settled(sender)
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ attempts: number; lastError: string | null }>`
        SELECT attempts, last_error FROM webhook_events WHERE account_id = ${sender.accountId} ORDER BY id`
        expect(rows[0]).toEqual({ attempts: 3, lastError: "HTTP 500" })
        const health = expectStatus(yield* sender.as("GET", "/v1/webhook"), 200).body
        expect(health).toMatchObject({ pending: 0, failingSince: null, lastError: null })
      })
  )

  it.scoped("an ENROUTE overtaken by its message's final status is never sent after it", () =>
    Effect.gen(function* () {
      yield* dispatcher()
      const sender = yield* newSender("Overtaken")
      const receiver = yield* webhookReceiver()
      yield* withWebhook(sender, receiver.url)
      const [m1, m2] = [uuid7(), uuid7()]
      yield* publish(sender.accountId, [[m1, "DELIVRD"]])
      yield* publish(sender.accountId, [
        [m1, "ENROUTE"],
        [m2, "ENROUTE"]
      ])
      yield* receiver.waitFor((r) => statusesOf(r).includes(`${m2}:ENROUTE`))
      expect(statusesOf(receiver.received)).toEqual([`${m1}:DELIVRD`, `${m2}:ENROUTE`])
    })
  )

  it.scoped("a hanging endpoint does not delay another account", () =>
    Effect.gen(function* () {
      yield* dispatcher({ ...fast, requestTimeout: "20 seconds" })
      const slow = yield* newSender("Hanging receiver")
      const fastSender = yield* newSender("Quick receiver")
      const hanging = yield* webhookReceiver(() => "hang")
      const quick = yield* webhookReceiver()
      yield* withWebhook(slow, hanging.url)
      yield* withWebhook(fastSender, quick.url)
      yield* publish(slow.accountId, [[uuid7(), "ENROUTE"]])
      yield* hanging.waitFor((r) => r.length === 1)
      const started = Date.now()
      const m = uuid7()
      yield* publish(fastSender.accountId, [[m, "ENROUTE"]])
      yield* publish(fastSender.accountId, [[m, "DELIVRD"]])
      yield* quick.waitFor((r) => statusesOf(r).length === 2, "5 seconds")
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(hanging.received).toHaveLength(1)
    })
  )

  it.scoped(
    "an endpoint failing past the last attempt: its events are given up and recorded, later ones go",
    () =>
      Effect.gen(function* () {
        yield* dispatcher({ ...fast, maxAttempts: 2 })
        const sender = yield* newSender("Given up")
        const receiver = yield* webhookReceiver(() => 500)
        yield* withWebhook(sender, receiver.url)
        const lost = uuid7()
        yield* publish(sender.accountId, [[lost, "ENROUTE"]])
        yield* receiver.waitFor((r) => r.length === 2)
        yield* settled(sender)
        const sql = yield* SqlClient.SqlClient
        const [row] = yield* sql<{ attempts: number; lastError: string; givenUp: boolean }>`
        SELECT attempts, last_error, given_up_at IS NOT NULL AS given_up FROM webhook_events
        WHERE message_id = ${lost}`
        expect(row).toEqual({ attempts: 2, lastError: "HTTP 500", givenUp: true })

        receiver.answerWith(() => 200)
        const next = uuid7()
        yield* publish(sender.accountId, [[next, "DELIVRD"]])
        const got = yield* receiver.waitFor((r) => statusesOf(r).length === 1)
        expect(statusesOf(got)).toEqual([`${next}:DELIVRD`])
      })
  )

  it.effect(
    "events waiting for a retry survive a dispatcher restart and are delivered once it runs again",
    () =>
      Effect.gen(function* () {
        const sender = yield* newSender("Restarted")
        const scope = yield* Scope.make()
        const hook = yield* webhookReceiver(() => 500).pipe(Scope.extend(scope))
        yield* withWebhook(sender, hook.url)

        const first = yield* Scope.make()
        yield* dispatcher({ ...fast, initialDelay: "300 millis" }).pipe(Scope.extend(first))
        const messages = [uuid7(), uuid7()]
        yield* publish(
          sender.accountId,
          messages.map((m) => [m, "ENROUTE"] as const)
        )
        yield* publish(
          sender.accountId,
          messages.map((m) => [m, "DELIVRD"] as const)
        )
        yield* hook.waitFor((r) => r.length >= 2)
        yield* Scope.close(first, Exit.void)

        // Everything acked on the bus is in the outbox, waiting.
        const sql = yield* SqlClient.SqlClient
        const [row] = yield* sql<{ n: number }>`
        SELECT count(*)::int4 AS n FROM webhook_events
        WHERE account_id = ${sender.accountId} AND delivered_at IS NULL AND given_up_at IS NULL`
        expect(row!.n).toBe(4)
        const health = expectStatus(yield* sender.as("GET", "/v1/webhook"), 200).body
        expect(health).toMatchObject({ pending: 4, lastError: "HTTP 500" })
        expect(health.failingSince).not.toBeNull()

        hook.answerWith(() => 200)
        const second = yield* Scope.make()
        yield* dispatcher().pipe(Scope.extend(second))
        const got = yield* hook.waitFor((r) => statusesOf(r).length === 4)
        expect(statusesOf(got)).toEqual([
          ...messages.map((m) => `${m}:ENROUTE`),
          ...messages.map((m) => `${m}:DELIVRD`)
        ])
        yield* Scope.close(second, Exit.void)
        yield* Scope.close(scope, Exit.void)
      })
  )
})

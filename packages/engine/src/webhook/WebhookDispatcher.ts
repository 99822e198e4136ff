import type { AccountId } from "@volley/core"
import { Duration, Effect, Either, FiberSet, Layer, Option, Queue, type Schedule } from "effect"
import { defaultRestartSchedule, repeatEvery, supervise } from "../recovery/supervise.js"
import { makeWebhookIntake, type WebhookIntakeOptions } from "./WebhookIntake.js"
import { WebhookOutbox } from "./WebhookOutbox.js"
import { WebhookSender } from "./WebhookSender.js"
import { WebhooksRepo } from "./WebhooksRepo.js"

export interface WebhookDispatcherOptions {
  readonly intake?: WebhookIntakeOptions | undefined
  /** Events per POST at most (default 100). */
  readonly batchSize?: number | undefined
  /** Accounts delivering at once (default 32); a slow endpoint holds one slot, never the others. */
  readonly maxConcurrentAccounts?: number | undefined
  /** Deadline of one POST (default 10 s). */
  readonly requestTimeout?: Duration.DurationInput | undefined
  /** Back-off after a failed attempt: `initialDelay` doubling each time up to `maxDelay` (1 s → 5 min). */
  readonly initialDelay?: Duration.DurationInput | undefined
  readonly maxDelay?: Duration.DurationInput | undefined
  /** An event is given up after this many attempts (default 300) or once it is `maxAge` old (24 h). */
  readonly maxAttempts?: number | undefined
  readonly maxAge?: Duration.DurationInput | undefined
  /** How often the outbox is looked at for due retries and other instances' events (default 1 s). */
  readonly pollInterval?: Duration.DurationInput | undefined
  /** Delivered and given-up events are deleted after this many days (default 7). */
  readonly retentionDays?: number | undefined
  readonly restartSchedule?: Schedule.Schedule<unknown, unknown> | undefined
}

/**
 * Delivers the outbox (DESIGN.md §1): one fiber per account with due events, at most
 * `maxConcurrentAccounts` at a time, each POSTing its account's oldest events in id order until the
 * backlog is empty or an attempt fails. A failure records the account's back-off and ends the fiber, so
 * the account's later events wait behind the failed ones (order per message) while other accounts go on.
 * The outcome is written after each POST: a crash in between sends that batch again (at least once;
 * receivers de-duplicate on the event `id`).
 */
export const makeWebhookDispatcher = (options: WebhookDispatcherOptions = {}) =>
  Effect.gen(function* () {
    const outbox = yield* WebhookOutbox
    const webhooks = yield* WebhooksRepo
    const sender = yield* WebhookSender
    const batchSize = Math.max(1, options.batchSize ?? 100)
    const maxConcurrent = Math.max(1, options.maxConcurrentAccounts ?? 32)
    const timeout = options.requestTimeout ?? "10 seconds"
    const initialMs = Duration.toMillis(options.initialDelay ?? "1 second")
    const maxDelayMs = Duration.toMillis(options.maxDelay ?? "5 minutes")
    const maxAttempts = Math.max(1, options.maxAttempts ?? 300)
    const maxAgeMs = Duration.toMillis(options.maxAge ?? "24 hours")
    const pollInterval = options.pollInterval ?? "1 second"

    const bell = yield* Queue.sliding<void>(1)
    const ring = Effect.asVoid(Queue.offer(bell, undefined))
    const running = new Set<string>()
    const workers = yield* FiberSet.make()

    const delayAfter = (attempts: number) =>
      Math.min(maxDelayMs, initialMs * 2 ** Math.min(Math.max(0, attempts - 1), 30))

    const deliverAccount = (accountId: string) =>
      Effect.gen(function* () {
        while (true) {
          const target = yield* webhooks.find(accountId as AccountId)
          if (Option.isNone(target)) return yield* outbox.giveUpAll(accountId, "webhook removed")
          const events = yield* outbox.head(accountId, batchSize)
          if (events.length === 0) return
          const ids = events.map((e) => e.id)
          const sent = yield* Effect.either(
            sender.send(
              target.value,
              events.map((e) => e.payload),
              timeout
            )
          )
          if (Either.isRight(sent)) {
            yield* outbox.delivered(accountId, ids)
            continue
          }
          const reason = sent.left.reason
          const first = events[0]!
          const attempts = first.attempts + 1
          if (attempts >= maxAttempts || first.ageMs >= maxAgeMs) {
            yield* outbox.giveUp(accountId, ids, reason)
            yield* Effect.logWarning(
              `gave up ${ids.length} webhook event(s) after ${attempts} attempts`,
              reason
            )
            continue
          }
          return yield* outbox.retryLater(accountId, ids, reason, delayAfter(attempts))
        }
      }).pipe(
        Effect.catchAllCause((cause) =>
          Effect.logError("webhook delivery failed; the next poll retries", cause)
        ),
        Effect.ensuring(Effect.sync(() => running.delete(accountId)).pipe(Effect.zipRight(ring))),
        Effect.annotateLogs("account", accountId),
        Effect.withSpan("WebhookDispatcher.account")
      )

    /** Starts a fiber for every due account not already delivering, while there is room. */
    const poll = Effect.gen(function* () {
      if (running.size >= maxConcurrent) return
      for (const accountId of yield* outbox.dueAccounts(maxConcurrent * 4)) {
        if (running.size >= maxConcurrent) return
        if (running.has(accountId)) continue
        running.add(accountId)
        yield* FiberSet.run(workers, deliverAccount(accountId))
      }
    })

    /** Polls when rung (new events, a free slot) or every `pollInterval` (retries falling due). */
    const dispatch = poll.pipe(
      Effect.zipRight(Effect.raceFirst(Queue.take(bell), Effect.sleep(pollInterval))),
      Effect.forever
    )

    return { dispatch, ring, purge: outbox.purge(options.retentionDays ?? 7) } as const
  })

/**
 * The webhook side of the engine as workers of the layer's scope, each supervised and named: the intake
 * (bus → outbox), the dispatcher (outbox → receivers) and an hourly purge of settled events. Closing the
 * layer interrupts them; everything unfinished is in the outbox for the next start.
 */
export const WebhookDispatcher = {
  layer: (options: WebhookDispatcherOptions = {}) =>
    Layer.scopedDiscard(
      Effect.gen(function* () {
        const restart = options.restartSchedule ?? defaultRestartSchedule
        const { dispatch, ring, purge } = yield* makeWebhookDispatcher(options)
        const intake = yield* makeWebhookIntake(ring, options.intake)
        yield* Effect.forkScoped(supervise("webhook-intake", intake, restart))
        yield* Effect.forkScoped(supervise("webhook-dispatcher", dispatch, restart))
        yield* Effect.forkScoped(supervise("webhook-purge", repeatEvery("webhook-purge", "1 hour", purge)))
      })
    ).pipe(Layer.provide(Layer.mergeAll(WebhookOutbox.Default, WebhookSender.Default, WebhooksRepo.Default)))
}

import { SqlClient } from "@effect/sql"
import type { AccountId } from "@volley/core"
import { Effect, Option } from "effect"
import type { WebhookTarget } from "./WebhookSender.js"

/** How an account's webhook is doing: what waits in the outbox and, while its endpoint fails, why. */
export interface WebhookHealth {
  readonly pending: number
  readonly failingSince: Date | null
  readonly nextAttemptAt: Date | null
  readonly lastError: string | null
}

const toDate = (v: string | Date | null | undefined) => (v === null || v === undefined ? null : new Date(v))

/** An account's webhook URL and signing secret (columns of `accounts`), always scoped to the account. */
export class WebhooksRepo extends Effect.Service<WebhooksRepo>()("volley/WebhooksRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const find = (accountId: AccountId) =>
      sql<{ webhookUrl: string; webhookSecret: string }>`
        SELECT webhook_url, webhook_secret FROM accounts
        WHERE id = ${accountId} AND webhook_url IS NOT NULL AND webhook_secret IS NOT NULL`.pipe(
        Effect.orDie,
        Effect.map((rows) =>
          Option.map(
            Option.fromNullable(rows[0]),
            (r): WebhookTarget => ({ url: r.webhookUrl, secret: r.webhookSecret })
          )
        ),
        Effect.withSpan("WebhooksRepo.find")
      )

    /** Sets the URL and a new secret (a rotation when one was set); false when there is no such account. */
    const set = (accountId: AccountId, target: WebhookTarget) =>
      sql`
        UPDATE accounts SET webhook_url = ${target.url}, webhook_secret = ${target.secret}
        WHERE id = ${accountId} RETURNING id`.pipe(
        Effect.orDie,
        Effect.map((rows) => rows.length > 0),
        Effect.withSpan("WebhooksRepo.set")
      )

    /** Removes the webhook; events still in the outbox are given up by the dispatcher. */
    const clear = (accountId: AccountId) =>
      sql`
        UPDATE accounts SET webhook_url = NULL, webhook_secret = NULL
        WHERE id = ${accountId} AND webhook_url IS NOT NULL RETURNING id`.pipe(
        Effect.orDie,
        Effect.map((rows) => rows.length > 0),
        Effect.withSpan("WebhooksRepo.clear")
      )

    const health = (accountId: AccountId) =>
      sql<{
        pending: number
        failingSince: string | null
        nextAttemptAt: string | null
        lastError: string | null
      }>`
        SELECT
          (SELECT count(*)::int4 FROM webhook_events
           WHERE account_id = ${accountId} AND delivered_at IS NULL AND given_up_at IS NULL) AS pending,
          b.failing_since, b.next_attempt_at, b.last_error
        FROM (SELECT 1) one LEFT JOIN webhook_backoff b ON b.account_id = ${accountId}`.pipe(
        Effect.orDie,
        Effect.map(
          ([row]): WebhookHealth => ({
            pending: row?.pending ?? 0,
            failingSince: toDate(row?.failingSince),
            nextAttemptAt: toDate(row?.nextAttemptAt),
            lastError: row?.lastError ?? null
          })
        ),
        Effect.withSpan("WebhooksRepo.health")
      )

    return { find, set, clear, health } as const
  })
}) {}

import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { WebhookEvent } from "./events.js"

/** An event on its way into the outbox. */
export interface OutboxEntry {
  readonly accountId: string
  readonly messageId: string
  readonly status: string
  readonly rank: number
  readonly payload: WebhookEvent
}

/** A pending event as the dispatcher reads it, oldest first. */
export interface PendingEvent {
  readonly id: string
  readonly payload: WebhookEvent
  readonly attempts: number
  /** How long it has been waiting, in milliseconds. */
  readonly ageMs: number
}

/**
 * The `webhook_events` outbox and `webhook_backoff` (migration 0003): every status event a webhook
 * should carry is written here before its bus delivery is acked, and delivered from here, in id order
 * per account.
 */
export class WebhookOutbox extends Effect.Service<WebhookOutbox>()("volley/WebhookOutbox", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    /**
     * One statement per batch, rows numbered in the given order. A (message, status) already stored is
     * skipped (a redelivered bus message), and so is an event whose message already has a later status
     * queued: a receipt can overtake the ENROUTE event of its own submit, and no receiver should see
     * ENROUTE after DELIVRD. Returns how many were stored.
     */
    const enqueue = (entries: ReadonlyArray<OutboxEntry>) =>
      entries.length === 0
        ? Effect.succeed(0)
        : sql<{ n: number }>`
            WITH stored AS (
              INSERT INTO webhook_events (account_id, message_id, status, rank, payload)
              SELECT u.account_id, u.message_id, u.status, u.rank, u.payload::jsonb
              FROM unnest(
                ${entries.map((e) => e.accountId)}::uuid[], ${entries.map((e) => e.messageId)}::uuid[],
                ${entries.map((e) => e.status)}::text[], ${entries.map((e) => e.rank)}::int2[],
                ${entries.map((e) => JSON.stringify(e.payload))}::text[]
              ) WITH ORDINALITY AS u(account_id, message_id, status, rank, payload, ord)
              WHERE NOT EXISTS (
                SELECT 1 FROM webhook_events w WHERE w.message_id = u.message_id AND w.rank > u.rank
              )
              ORDER BY u.ord
              ON CONFLICT (message_id, status) DO NOTHING
              RETURNING 1
            )
            SELECT count(*)::int4 AS n FROM stored`.pipe(
            Effect.map((rows) => rows[0]?.n ?? 0),
            Effect.withSpan("WebhookOutbox.enqueue", { attributes: { size: entries.length } })
          )

    /**
     * Accounts with pending events whose back-off (if any) has run out, at most `limit`. A skip scan
     * over the pending index: one probe per account, however long an account's backlog.
     */
    const dueAccounts = (limit: number) =>
      sql<{ accountId: string }>`
        WITH RECURSIVE a AS (
          (SELECT account_id FROM webhook_events
           WHERE delivered_at IS NULL AND given_up_at IS NULL ORDER BY account_id LIMIT 1)
          UNION ALL
          SELECT (SELECT e.account_id FROM webhook_events e
                  WHERE e.delivered_at IS NULL AND e.given_up_at IS NULL AND e.account_id > a.account_id
                  ORDER BY e.account_id LIMIT 1)
          FROM a WHERE a.account_id IS NOT NULL
        )
        SELECT a.account_id FROM a LEFT JOIN webhook_backoff b ON b.account_id = a.account_id
        WHERE a.account_id IS NOT NULL AND (b.next_attempt_at IS NULL OR b.next_attempt_at <= now())
        LIMIT ${limit}`.pipe(
        Effect.map((rows) => rows.map((r) => r.accountId)),
        Effect.withSpan("WebhookOutbox.dueAccounts")
      )

    /** The account's oldest pending events, in the order they must arrive. */
    const head = (accountId: string, limit: number) =>
      sql<PendingEvent>`
        SELECT id::text AS id, payload, attempts,
          (extract(epoch FROM now() - created_at) * 1000)::float8 AS age_ms
        FROM webhook_events
        WHERE account_id = ${accountId} AND delivered_at IS NULL AND given_up_at IS NULL
        ORDER BY id LIMIT ${limit}`.pipe(Effect.withSpan("WebhookOutbox.head"))

    const delivered = (accountId: string, ids: ReadonlyArray<string>) =>
      sql.withTransaction(
        Effect.zipRight(
          sql`
            UPDATE webhook_events SET delivered_at = now(), attempts = attempts + 1
            WHERE id = ANY(${ids}::int8[])`,
          sql`DELETE FROM webhook_backoff WHERE account_id = ${accountId}`
        )
      )

    /** A failed attempt: nothing of the account goes before `delayMs` from now. */
    const retryLater = (accountId: string, ids: ReadonlyArray<string>, error: string, delayMs: number) =>
      sql.withTransaction(
        Effect.zipRight(
          sql`
            UPDATE webhook_events SET attempts = attempts + 1, last_error = ${error}
            WHERE id = ANY(${ids}::int8[])`,
          sql`
            INSERT INTO webhook_backoff (account_id, next_attempt_at, last_error)
            VALUES (${accountId}, now() + make_interval(secs => ${delayMs / 1000}), ${error})
            ON CONFLICT (account_id) DO UPDATE
            SET next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error`
        )
      )

    /** Retries exhausted (or no webhook any more): recorded with the last error, never sent again. */
    const giveUp = (accountId: string, ids: ReadonlyArray<string>, error: string) =>
      sql.withTransaction(
        Effect.zipRight(
          sql`
            UPDATE webhook_events SET given_up_at = now(), attempts = attempts + 1, last_error = ${error}
            WHERE id = ANY(${ids}::int8[])`,
          sql`DELETE FROM webhook_backoff WHERE account_id = ${accountId}`
        )
      )

    const giveUpAll = (accountId: string, error: string) =>
      sql.withTransaction(
        Effect.zipRight(
          sql`
            UPDATE webhook_events SET given_up_at = now(), last_error = ${error}
            WHERE account_id = ${accountId} AND delivered_at IS NULL AND given_up_at IS NULL`,
          sql`DELETE FROM webhook_backoff WHERE account_id = ${accountId}`
        )
      )

    /** Settled events older than `days` are only history. */
    const purge = (days: number) =>
      sql`
        DELETE FROM webhook_events
        WHERE created_at < now() - make_interval(days => ${days})
          AND (delivered_at IS NOT NULL OR given_up_at IS NOT NULL)`

    return { enqueue, dueAccounts, head, delivered, retryLater, giveUp, giveUpAll, purge } as const
  })
}) {}

import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Webhooks (the account's URL and secret live on `accounts`): the outbox every status event goes through
 * before its bus delivery is acked, and each failing endpoint's back-off.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  // One row per event. Unique (message, status) makes a redelivered bus message insert nothing twice;
  // `rank` lets a late ENROUTE be refused once a later status of its message is already queued.
  yield* sql`
    CREATE TABLE webhook_events (
      id bigserial PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts (id),
      message_id uuid NOT NULL,
      status text NOT NULL,
      rank int2 NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      attempts int4 NOT NULL DEFAULT 0,
      last_error text,
      delivered_at timestamptz,
      given_up_at timestamptz,
      UNIQUE (message_id, status)
    )`
  // The dispatcher reads each account's oldest pending events in order.
  yield* sql`
    CREATE INDEX webhook_events_pending ON webhook_events (account_id, id)
    WHERE delivered_at IS NULL AND given_up_at IS NULL`
  yield* sql`CREATE INDEX webhook_events_created ON webhook_events (created_at)`
  // An account whose endpoint failed: nothing of it is sent before `next_attempt_at` (head-of-line, so
  // events of one message stay in order); the row goes once a delivery succeeds.
  yield* sql`
    CREATE TABLE webhook_backoff (
      account_id uuid PRIMARY KEY REFERENCES accounts (id),
      failing_since timestamptz NOT NULL DEFAULT now(),
      next_attempt_at timestamptz NOT NULL,
      last_error text NOT NULL
    )`
})

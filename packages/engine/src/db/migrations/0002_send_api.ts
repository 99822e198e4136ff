import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * What the senders' HTTP send path needs beyond the data model: idempotency keys, the test-mode daily
 * counter, and an index for listing an account's messages to one recipient.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  // A row is claimed (response NULL) before the send runs and completed with the exact response after,
  // so a concurrent duplicate finds the claim instead of sending again.
  yield* sql`
    CREATE TABLE idempotency_keys (
      account_id uuid NOT NULL REFERENCES accounts (id),
      key text NOT NULL,
      request_hash text NOT NULL,
      response_status int4,
      -- json, not jsonb: a replay must repeat the first body as it was, key order included
      response_body json,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      PRIMARY KEY (account_id, key)
    )`
  yield* sql`CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`
  // One row per account and local day: a conditional increment takes a slot atomically.
  yield* sql`
    CREATE TABLE test_mode_usage (
      account_id uuid NOT NULL REFERENCES accounts (id),
      day date NOT NULL,
      messages int4 NOT NULL CHECK (messages >= 0),
      PRIMARY KEY (account_id, day)
    )`
  yield* sql`CREATE INDEX messages_account_recipient ON messages (account_id, recipient, created_at DESC, id)`
})

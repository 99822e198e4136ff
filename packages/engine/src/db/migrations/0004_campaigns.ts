import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Campaigns as schedulers run them: the cursor and progress counters move in the same transaction as
 * the page of messages they describe, so a restarted scheduler neither skips nor repeats anyone.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE campaigns RENAME COLUMN pause_reason TO status_reason`
  yield* sql`UPDATE campaigns SET cursor = '{"groupIndex": 0, "afterContactId": 0}' WHERE cursor IS NULL`
  yield* sql`
    ALTER TABLE campaigns
      ALTER COLUMN cursor SET DEFAULT '{"groupIndex": 0, "afterContactId": 0}',
      ALTER COLUMN cursor SET NOT NULL,
      ADD COLUMN on_missing_field text NOT NULL DEFAULT 'skip' CHECK (on_missing_field IN ('skip', 'empty')),
      ADD COLUMN processed int8 NOT NULL DEFAULT 0,
      ADD COLUMN messages_created int8 NOT NULL DEFAULT 0,
      ADD COLUMN skipped int8 NOT NULL DEFAULT 0,
      ADD COLUMN duplicates int8 NOT NULL DEFAULT 0,
      ADD COLUMN charged_minor int8 NOT NULL DEFAULT 0,
      ADD COLUMN started_at timestamptz,
      ADD COLUMN finished_at timestamptz`
  // The supervisor looks for campaigns to run every few hundred milliseconds.
  yield* sql`CREATE INDEX campaigns_active ON campaigns (status) WHERE status IN ('scheduled', 'running')`
  // Recipients a campaign left out, with why; one row per number, like messages.
  yield* sql`
    CREATE TABLE campaign_skips (
      campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
      msisdn text NOT NULL,
      group_id uuid NOT NULL,
      reason text NOT NULL,
      detail text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (campaign_id, msisdn)
    )`
})

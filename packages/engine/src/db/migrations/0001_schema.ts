import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The tables of DESIGN.md §2–§7. Money is int8 minor units; balances change only with a ledger row in
 * the same transaction. Message history is a jsonb array on the message row: appending it in the same
 * UPDATE that changes the status costs no extra insert on the hot path.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE accounts (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      mode text NOT NULL DEFAULT 'test' CHECK (mode IN ('test', 'active', 'suspended')),
      balance_minor int8 NOT NULL DEFAULT 0 CHECK (balance_minor >= 0),
      currency text NOT NULL DEFAULT 'UAH',
      max_parts int4 NOT NULL DEFAULT 4 CHECK (max_parts BETWEEN 1 AND 255),
      test_daily_cap int4 NOT NULL DEFAULT 20,
      time_zone text NOT NULL DEFAULT 'Europe/Kyiv',
      unknown_outcome_policy text NOT NULL DEFAULT 'at_most_once'
        CHECK (unknown_outcome_policy IN ('at_most_once', 'at_least_once')),
      webhook_url text,
      webhook_secret text,
      created_at timestamptz NOT NULL DEFAULT now(),
      activated_at timestamptz
    )`
  yield* sql`
    CREATE TABLE api_keys (
      id uuid PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts (id),
      name text NOT NULL,
      prefix text NOT NULL UNIQUE,
      secret_hash bytea NOT NULL,
      rate_limit_per_second int4 NOT NULL DEFAULT 100,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`
  yield* sql`CREATE INDEX api_keys_account ON api_keys (account_id)`
  yield* sql`
    CREATE TABLE sender_ids (
      id uuid PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts (id),
      value text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('alpha', 'numeric', 'shortcode')),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
      decision_note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      decided_at timestamptz,
      UNIQUE (account_id, value)
    )`
  yield* sql`
    CREATE TABLE contact_groups (
      id uuid PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts (id),
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (account_id, name)
    )`
  yield* sql`
    CREATE TABLE contacts (
      id int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      group_id uuid NOT NULL REFERENCES contact_groups (id) ON DELETE CASCADE,
      msisdn text NOT NULL,
      name text,
      fields jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (group_id, msisdn)
    )`
  // Campaign schedulers page a group by keyset (group_id, id).
  yield* sql`CREATE INDEX contacts_group_page ON contacts (group_id, id)`
  yield* sql`
    CREATE TABLE blacklist (
      account_id uuid NOT NULL REFERENCES accounts (id),
      msisdn text NOT NULL,
      reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (account_id, msisdn)
    )`
  yield* sql`
    CREATE TABLE operators (
      id text PRIMARY KEY,
      name text NOT NULL,
      default_validity_seconds int4 NOT NULL CHECK (default_validity_seconds > 0),
      message_id_format text NOT NULL DEFAULT 'string' CHECK (message_id_format IN ('string', 'hex', 'decimal')),
      created_at timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql`
    CREATE TABLE binds (
      id text PRIMARY KEY,
      operator_id text NOT NULL REFERENCES operators (id),
      host text NOT NULL,
      port int4 NOT NULL CHECK (port BETWEEN 1 AND 65535),
      system_id text NOT NULL,
      password text NOT NULL,
      system_type text NOT NULL DEFAULT '',
      bind_type text NOT NULL DEFAULT 'transceiver' CHECK (bind_type IN ('transceiver', 'transmitter', 'receiver')),
      window_size int4 NOT NULL DEFAULT 100 CHECK (window_size BETWEEN 1 AND 10000),
      tps int4 NOT NULL DEFAULT 1000 CHECK (tps > 0),
      enquire_link_seconds int4 NOT NULL DEFAULT 30 CHECK (enquire_link_seconds > 0),
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql`
    CREATE TABLE routes (
      id text PRIMARY KEY,
      name text NOT NULL,
      operator_id text NOT NULL REFERENCES operators (id),
      prefixes text[] NOT NULL DEFAULT '{}',
      failover text[] NOT NULL DEFAULT '{}',
      price_per_part_minor int8 NOT NULL CHECK (price_per_part_minor >= 0),
      default_validity_seconds int4 CHECK (default_validity_seconds > 0),
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql`
    CREATE TABLE route_prices (
      route_id text NOT NULL REFERENCES routes (id) ON DELETE CASCADE,
      country text NOT NULL,
      price_per_part_minor int8 NOT NULL CHECK (price_per_part_minor >= 0),
      PRIMARY KEY (route_id, country)
    )`
  yield* sql`
    CREATE TABLE campaigns (
      id uuid PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts (id),
      name text NOT NULL,
      sender text NOT NULL,
      body text NOT NULL,
      group_ids uuid[] NOT NULL,
      status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')),
      pause_reason text,
      start_at timestamptz,
      window_start time,
      window_end time,
      rate_cap int4 CHECK (rate_cap > 0),
      validity_seconds int4,
      cursor jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql`CREATE INDEX campaigns_account ON campaigns (account_id, created_at DESC)`
  yield* sql`
    CREATE TABLE messages (
      id uuid PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts (id),
      campaign_id uuid REFERENCES campaigns (id),
      recipient text NOT NULL,
      sender text NOT NULL,
      body text NOT NULL,
      encoding text NOT NULL CHECK (encoding IN ('GSM7', 'UCS2')),
      parts int2 NOT NULL CHECK (parts > 0),
      route_id text NOT NULL REFERENCES routes (id),
      operator_id text NOT NULL REFERENCES operators (id),
      bind_id text,
      status text NOT NULL CHECK (status IN
        ('QUEUED', 'SUBMITTING', 'ENROUTE', 'DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'FAILED', 'NOREPORT')),
      status_reason text,
      smpp_status int4,
      smsc_message_id text,
      price_per_part_minor int8 NOT NULL,
      charge_minor int8 NOT NULL,
      refunded boolean NOT NULL DEFAULT false,
      attempts int2 NOT NULL DEFAULT 0,
      validity_seconds int4 NOT NULL,
      scheduled_at timestamptz,
      -- When the submit job was last handed to the bus; NULL while a scheduled message waits for its time.
      published_at timestamptz,
      history jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL DEFAULT now(),
      submitted_at timestamptz,
      done_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`
  // One message per recipient per campaign: a restarted scheduler can re-insert a page without duplicates.
  yield* sql`CREATE UNIQUE INDEX messages_campaign_recipient ON messages (campaign_id, recipient)
    WHERE campaign_id IS NOT NULL`
  // Not unique: SMSCs wrap their id counters; correlation takes the newest match.
  yield* sql`CREATE INDEX messages_smsc_id ON messages (operator_id, smsc_message_id)
    WHERE smsc_message_id IS NOT NULL`
  yield* sql`CREATE INDEX messages_account_time ON messages (account_id, created_at DESC, id)`
  // The sweepers look only at the few rows that are not settled yet.
  yield* sql`CREATE INDEX messages_unsettled ON messages (status, updated_at)
    WHERE status IN ('QUEUED', 'SUBMITTING', 'ENROUTE')`
  // Every part of a concatenated message: each gets its own SMSC id and receipt; the message is final
  // when all its parts are. A single-part message keeps its SMSC id on the message row.
  yield* sql`
    CREATE TABLE message_parts (
      message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      seq int2 NOT NULL CHECK (seq >= 1),
      operator_id text NOT NULL,
      smsc_message_id text,
      status text NOT NULL DEFAULT 'ENROUTE',
      smpp_status int4,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (message_id, seq)
    )`
  yield* sql`CREATE INDEX message_parts_smsc_id ON message_parts (operator_id, smsc_message_id)
    WHERE smsc_message_id IS NOT NULL`
  yield* sql`
    CREATE TABLE unmatched_receipts (
      id int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      operator_id text NOT NULL,
      smsc_message_id text NOT NULL,
      stat text NOT NULL,
      reason text NOT NULL CHECK (reason IN ('unknown_id', 'already_final', 'not_applicable')),
      raw text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql`CREATE INDEX unmatched_receipts_id ON unmatched_receipts (operator_id, smsc_message_id)`
  yield* sql`
    CREATE TABLE ledger (
      id int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts (id),
      amount_minor int8 NOT NULL CHECK (amount_minor <> 0),
      balance_after_minor int8 NOT NULL CHECK (balance_after_minor >= 0),
      kind text NOT NULL CHECK (kind IN ('bonus', 'topup', 'charge', 'refund', 'adjustment')),
      reference text,
      note text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql`CREATE INDEX ledger_account_time ON ledger (account_id, id DESC)`
})

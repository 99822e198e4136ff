import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { migrationNames } from "../src/db/Migrations.js"
import { TestDatabase, tableNames } from "./support/TestDatabase.js"

layer(TestDatabase)("migrations on a fresh schema", (it) => {
  it.effect("create every table of the data model", () =>
    Effect.gen(function* () {
      const tables = yield* tableNames
      expect(tables).toEqual(
        expect.arrayContaining([
          "accounts",
          "api_keys",
          "sender_ids",
          "contact_groups",
          "contacts",
          "blacklist",
          "operators",
          "binds",
          "routes",
          "route_prices",
          "campaigns",
          "messages",
          "message_parts",
          "unmatched_receipts",
          "ledger",
          "idempotency_keys",
          "test_mode_usage",
          "webhook_events",
          "webhook_backoff",
          "effect_sql_migrations"
        ])
      )
    })
  )

  it.effect("record the applied migration so a restart applies nothing twice", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const rows = yield* sql<{
        migrationId: number
        name: string
      }>`SELECT migration_id, name FROM effect_sql_migrations ORDER BY migration_id`
      expect(rows.map((r) => `${String(r.migrationId).padStart(4, "0")}_${r.name}`)).toEqual(migrationNames)
    })
  )

  it.effect("refuse a negative balance at the database level", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const error =
        yield* sql`INSERT INTO accounts (id, name, balance_minor) VALUES (gen_random_uuid(), 'x', -1)`.pipe(
          Effect.flip
        )
      expect(error._tag).toBe("SqlError")
    })
  )
})

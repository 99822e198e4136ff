import { NodeContext } from "@effect/platform-node"
import { Migrator } from "@effect/sql"
import { PgMigrator } from "@effect/sql-pg"
import { Layer } from "effect"
import schema from "./migrations/0001_schema.js"
import sendApi from "./migrations/0002_send_api.js"
import webhooks from "./migrations/0003_webhooks.js"
import campaigns from "./migrations/0004_campaigns.js"
import operatorSessions from "./migrations/0005_operator_sessions.js"

/** Every migration, in order. Keys must look like `0001_name`. */
const record = {
  "0001_schema": schema,
  "0002_send_api": sendApi,
  "0003_webhooks": webhooks,
  "0004_campaigns": campaigns,
  "0005_operator_sessions": operatorSessions
}

export const migrationNames = Object.keys(record)
export const migrations = Migrator.fromRecord(record)

/** Runs pending migrations when the layer is built (at start-up, and per test schema). */
export const MigrationsLive = PgMigrator.layer({ loader: migrations }).pipe(Layer.provide(NodeContext.layer))

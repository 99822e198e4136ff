import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Option, type Redacted, String as Str } from "effect"
import pg from "pg"
import { VolleyConfig } from "../config/VolleyConfig.js"
import { startEmbeddedPostgres } from "./EmbeddedPostgres.js"

const INT8_OID = 20
const TIMESTAMPTZ_OID = 1184
const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ_OID) as (value: string) => Date

/**
 * Money and counters are int8 in SQL; they stay well inside 2^53, so they are read as numbers.
 * Timestamps are read as ISO strings: the domain schemas use `Schema.Date`, so one schema decodes a row
 * and encodes the same value for JSON.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (format === "binary") return pg.types.getTypeParser(oid, format)
    if (oid === INT8_OID) return (value: string) => Number(value)
    if (oid === TIMESTAMPTZ_OID) return (value: string) => parseTimestamptz(value).toISOString()
    return pg.types.getTypeParser(oid, "text")
  }) as pg.CustomTypesConfig["getTypeParser"]
}

const common = {
  applicationName: "volley",
  transformResultNames: Str.snakeToCamel,
  transformQueryNames: Str.camelToSnake,
  // jsonb holds user-chosen keys (contact fields like first_name): never rename inside it.
  transformJson: false,
  types
} as const

/** A PgClient on a given connection URL (tests use the URL's `options` to pin a search_path). */
export const pgClientFromUrl = (url: Redacted.Redacted, maxConnections = 10) =>
  PgClient.layer({ url, maxConnections, ...common })

/** The database of DATABASE_URL, or the embedded PGlite when it is unset. */
export const DatabaseLive = Layer.unwrapScoped(
  Effect.gen(function* () {
    const config = yield* VolleyConfig
    if (Option.isSome(config.databaseUrl)) return pgClientFromUrl(config.databaseUrl.value)
    const embedded = yield* startEmbeddedPostgres(config.dataDir)
    return PgClient.layer({
      host: embedded.host,
      port: embedded.port,
      username: "postgres",
      database: "postgres",
      maxConnections: 1,
      ...common
    })
  })
)

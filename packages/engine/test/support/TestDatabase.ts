import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Redacted } from "effect"
import pg from "pg"
import { pgClientFromUrl } from "../../src/db/Database.js"
import { MigrationsLive } from "../../src/db/Migrations.js"

/** The machine's PostgreSQL (DESIGN.md §9); TEST_DATABASE_URL points elsewhere. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"

const withSearchPath = (url: string, schema: string) => {
  const u = new URL(url)
  u.searchParams.set("options", `-c search_path=${schema}`)
  return u.toString()
}

const admin = <A>(f: (client: pg.Client) => Promise<A>) =>
  Effect.promise(async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl })
    await client.connect()
    try {
      return await f(client)
    } finally {
      await client.end()
    }
  })

/**
 * A throw-away schema in the real PostgreSQL, migrated, for one suite: runs never collide, and the
 * schema is dropped when the suite's layer closes.
 */
export const TestDatabase = Layer.unwrapScoped(
  Effect.gen(function* () {
    const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`
    yield* Effect.acquireRelease(
      admin((c) => c.query(`CREATE SCHEMA ${schema}`)),
      () => admin((c) => c.query(`DROP SCHEMA ${schema} CASCADE`))
    )
    return MigrationsLive.pipe(
      Layer.provideMerge(pgClientFromUrl(Redacted.make(withSearchPath(testDatabaseUrl, schema)), 4)),
      Layer.provideMerge(Layer.succeed(TestSchema, schema))
    )
  })
)

export class TestSchema extends Effect.Tag("volley/test/TestSchema")<TestSchema, string>() {}

/** Names of the tables in the suite's schema. */
export const tableNames = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const schema = yield* TestSchema
  const rows = yield* sql<{ tableName: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY table_name`
  return rows.map((r) => r.tableName)
})

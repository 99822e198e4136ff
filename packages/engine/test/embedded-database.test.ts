import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { DatabaseLive } from "../src/db/Database.js"
import { MigrationsLive, migrationNames } from "../src/db/Migrations.js"

const embeddedIn = (dataDir: string) =>
  AccountsRepo.Default.pipe(
    Layer.provideMerge(MigrationsLive),
    Layer.provideMerge(DatabaseLive),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["VOLLEY_DATA_DIR", dataDir]]))))
  )

describe("the embedded default database (no DATABASE_URL)", () => {
  it.live(
    "migrates PGlite through the same SQL code and keeps the data across a restart",
    () =>
      Effect.gen(function* () {
        const dataDir = mkdtempSync(join(tmpdir(), "volley-embedded-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dataDir, { recursive: true, force: true })))
        const created = yield* Effect.gen(function* () {
          const account = yield* (yield* AccountsRepo).create({ name: "Embedded", bonusMinor: 250 })
          return account.id
        }).pipe(Effect.provide(embeddedIn(dataDir)))
        const reopened = yield* Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const [migrations] = yield* sql<{
            n: number
          }>`SELECT count(*)::int8 AS n FROM effect_sql_migrations`
          const account = yield* (yield* AccountsRepo).get(created)
          return { migrations: migrations?.n, balance: account.balanceMinor }
        }).pipe(Effect.provide(embeddedIn(dataDir)))
        expect(reopened).toEqual({ migrations: migrationNames.length, balance: 250 })
      }).pipe(Effect.scoped),
    60_000
  )
})

import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"
import { Health } from "./HealthApi.js"

export const HealthLive = HttpApiBuilder.group(VolleyApi, "health", (handlers) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return handlers.handle("health", () =>
      Effect.gen(function* () {
        const [db] = yield* sql<{ version: string }>`SELECT version()`
        const [migrations] = yield* sql<{
          count: number
        }>`SELECT count(*)::int8 AS count FROM effect_sql_migrations`
        return new Health({
          status: "ok",
          version: "0.1.0",
          database: db?.version.split(" ").slice(0, 2).join(" ") ?? "unknown",
          migrations: migrations?.count ?? 0
        })
      }).pipe(Effect.orDie)
    )
  })
)

import { describeBackends, VolleyConfig } from "@volley/engine/config/VolleyConfig"
import { DatabaseLive } from "@volley/engine/db/Database"
import { seedDemo } from "@volley/engine/db/DemoSeed"
import { MigrationsLive } from "@volley/engine/db/Migrations"
import { Effect, Layer } from "effect"
import { HttpServerLive } from "./Server.js"

const Startup = Layer.effectDiscard(
  Effect.gen(function* () {
    const config = yield* VolleyConfig
    yield* Effect.logInfo("Volley starting", describeBackends(config))
    if (config.seedDemo) yield* seedDemo({ smscHost: "127.0.0.1", smscPort: 2775 })
  })
)

/** Everything `npm start` runs, wired once: database (migrated, seeded), then the HTTP API. */
export const Platform = HttpServerLive.pipe(
  Layer.provide(Startup),
  Layer.provideMerge(MigrationsLive),
  Layer.provideMerge(DatabaseLive)
)

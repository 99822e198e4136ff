import { Config, Option } from "effect"

/**
 * Process configuration. Every service URL is optional: when unset, Volley runs on its embedded default
 * (PGlite over the Postgres wire protocol, an in-process bus, in-memory hot maps) so `npm start` works
 * on a bare machine.
 */
export const VolleyConfig = Config.all({
  databaseUrl: Config.option(Config.redacted("DATABASE_URL")),
  natsUrl: Config.option(Config.string("NATS_URL")),
  redisUrl: Config.option(Config.string("REDIS_URL")),
  host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
  port: Config.port("PORT").pipe(Config.withDefault(3000)),
  dataDir: Config.string("VOLLEY_DATA_DIR").pipe(Config.withDefault(".volley")),
  seedDemo: Config.boolean("VOLLEY_SEED_DEMO").pipe(Config.withDefault(true))
})

export type VolleyConfig = Config.Config.Success<typeof VolleyConfig>

export const describeBackends = (config: VolleyConfig) => ({
  database: Option.isSome(config.databaseUrl)
    ? "postgres (DATABASE_URL)"
    : `embedded PGlite in ${config.dataDir}`,
  bus: Option.isSome(config.natsUrl) ? `nats ${config.natsUrl.value}` : "in-process",
  hotMaps: Option.isSome(config.redisUrl) ? `redis ${config.redisUrl.value}` : "in-memory"
})

import { Config, Effect, Layer, Option } from "effect"
import * as MemoryHotMaps from "./MemoryHotMaps.js"
import * as RedisHotMaps from "./RedisHotMaps.js"

/** Redis when `REDIS_URL` is set, else bounded in-memory maps (DESIGN §10). */
export const HotMapsLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const url = yield* Config.option(Config.string("REDIS_URL"))
    const prefix = yield* Config.string("VOLLEY_BUS_PREFIX").pipe(Config.withDefault("volley"))
    return Option.isSome(url)
      ? RedisHotMaps.layer({ url: url.value, prefix })
      : MemoryHotMaps.layer({ maxEntries: 2_000_000 })
  })
)

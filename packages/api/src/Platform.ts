import { describeBackends, VolleyConfig } from "@volley/engine/config/VolleyConfig"
import { seedDemo } from "@volley/engine/db/DemoSeed"
import { ActorsLive, InfrastructureLive, StorageLive, TracingOff } from "@volley/engine/Engine"
import { BuiltInSimulatorLive, SimulatorConfig } from "@volley/engine/smsc-sim/BuiltInSimulator"
import { Effect, Layer } from "effect"
import { HttpServerLive } from "./Server.js"

/** Before the actors read the catalog: say what runs where, and seed the demo data (idempotent). */
const Startup = Layer.effectDiscard(
  Effect.gen(function* () {
    const config = yield* VolleyConfig
    const simulator = yield* SimulatorConfig
    yield* Effect.logInfo("Volley starting", describeBackends(config))
    if (config.seedDemo) yield* seedDemo({ smscHost: "127.0.0.1", smscPort: simulator.port })
  })
)

/**
 * Everything `npm start` runs, wired once: the services (or their embedded stand-ins), storage, the
 * demo seed and the built-in SMSC simulator, then the engine's actors, then the HTTP API.
 */
export const Platform = HttpServerLive.pipe(
  Layer.provideMerge(ActorsLive.pipe(Layer.provide(Layer.merge(Startup, BuiltInSimulatorLive)))),
  Layer.provideMerge(StorageLive),
  Layer.provideMerge(InfrastructureLive),
  Layer.provide(TracingOff)
)

import { Config, Effect, Layer } from "effect"
import { DEFAULT_ACCOUNTS } from "./SimulatorConfig.js"
import { SmscSimulator } from "./SmscSimulator.js"

export const SimulatorConfig = Config.all({
  enabled: Config.boolean("VOLLEY_SMSC_SIM").pipe(Config.withDefault(true)),
  port: Config.port("SMSC_SIM_PORT").pipe(Config.withDefault(2775))
})

/** The built-in SMSC simulator standing in for the operators (`VOLLEY_SMSC_SIM=false` turns it off). */
export const BuiltInSimulatorLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const config = yield* SimulatorConfig
    if (!config.enabled) return
    const sim = yield* SmscSimulator.scoped({ port: config.port, accounts: DEFAULT_ACCOUNTS })
    yield* Effect.logInfo(`SMSC simulator listening on 127.0.0.1:${sim.port}`)
  }).pipe(Effect.orDie)
)

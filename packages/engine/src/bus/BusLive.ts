import { Config, Effect, Layer, Option } from "effect"
import { BusInProcess } from "./BusInProcess.js"
import { BusNats } from "./BusNats.js"

/**
 * The bus the process runs on: JetStream when `NATS_URL` is set, else the embedded in-process bus
 * (DESIGN §10). `VOLLEY_BUS_PREFIX` separates installations sharing one NATS; `VOLLEY_BUS_ACK_WAIT_MS` sets
 * how long a dead consumer's unacked deliveries wait before redelivery (default 30 s).
 */
export const BusLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const url = yield* Config.option(Config.string("NATS_URL"))
    const prefix = yield* Config.string("VOLLEY_BUS_PREFIX").pipe(Config.withDefault("volley"))
    const ackWaitMs = Option.getOrUndefined(yield* Config.option(Config.integer("VOLLEY_BUS_ACK_WAIT_MS")))
    return Option.isSome(url)
      ? BusNats.layer({ url: url.value, prefix, ackWaitMs })
      : BusInProcess.layerWith({ prefix, ackWaitMs })
  })
)

/**
 * `npm run smsc-sim -- --port 2775 [--host 127.0.0.1] [--config file.json] [--stats-every 5]`
 *
 * Runs the SMSC simulator alone. Without --config the operators of DESIGN.md §5 and "international" may
 * bind with password "secret" and get DELIVRD receipts after 50 ms. The config file is a
 * SimulatorFileConfig: `{ "defaults": {...}, "accounts": { "kyivstar": { "tps": 100 } }, "seed": 1 }`.
 */
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { NodeRuntime } from "@effect/platform-node"
import { Console, Duration, Effect, ParseResult, Schedule, Schema } from "effect"
import type { SimulatorCounters } from "./Counters.js"
import { DEFAULT_ACCOUNTS, SimulatorFileConfig } from "./SimulatorConfig.js"
import { SmscSimulator } from "./SmscSimulator.js"

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "2775" },
    host: { type: "string", default: "127.0.0.1" },
    config: { type: "string" },
    "stats-every": { type: "string", default: "5" }
  }
})

const loadConfig = (path: string | undefined) =>
  path === undefined
    ? Effect.succeed<SimulatorFileConfig>({})
    : Effect.try(() => JSON.parse(readFileSync(path, "utf8")) as unknown).pipe(
        Effect.flatMap(Schema.decodeUnknown(SimulatorFileConfig)),
        Effect.mapError((cause) => {
          const why = ParseResult.isParseError(cause)
            ? ParseResult.ArrayFormatter.formatErrorSync(cause)
                // Optional fields also report "Expected undefined": noise next to the real reason.
                .filter((issue) => !issue.message.startsWith("Expected undefined"))
                .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
                .join("; ")
            : String(cause)
          return new Error(`smsc-sim: bad config ${path}: ${why}`)
        })
      )

const line = (name: string, c: SimulatorCounters): string => {
  const resps = Object.entries(c.submitResps)
    .map(([status, n]) => `0x${Number(status).toString(16).padStart(2, "0")}:${n}`)
    .join(" ")
  return (
    `${name.padEnd(14)} binds ${c.binds} submits ${c.submits} unique ${c.uniqueMessages} dup ${c.duplicates} ` +
    `resps [${resps}] nacks ${c.genericNacks} receipts ${c.receiptsSent} pending ${c.deliveriesPending} ` +
    `mo ${c.moSent} disconnects ${c.disconnects}`
  )
}

const program = Effect.gen(function* () {
  const file = yield* loadConfig(values.config)
  const simulator = yield* SmscSimulator.scoped({
    port: Number(values.port),
    host: values.host,
    accounts: file.accounts ?? DEFAULT_ACCOUNTS,
    defaults: file.defaults,
    seed: file.seed
  })
  const accounts = Object.keys(simulator.counts().bySystemId)
  yield* Console.log(
    `SMSC simulator listening on ${simulator.host}:${simulator.port} (${accounts.join(", ")})`
  )

  const everySeconds = Math.max(1, Number(values["stats-every"]))
  let lastSubmits = 0
  let lastAt = performance.now()
  let lastTotal = JSON.stringify(simulator.counts().total)
  yield* Effect.sync(() => {
    const counts = simulator.counts()
    // Quiet while idle: print only when something happened since the last time.
    const total = JSON.stringify(counts.total)
    if (total === lastTotal) return
    const now = performance.now()
    const rate = (counts.total.submits - lastSubmits) / ((now - lastAt) / 1000)
    lastTotal = total
    lastSubmits = counts.total.submits
    lastAt = now
    console.log(`--- ${new Date().toISOString()} ${rate.toFixed(0)} submits/s`)
    for (const [systemId, c] of Object.entries(counts.bySystemId)) {
      if (c.binds + c.submits + c.disconnects > 0) console.log(line(systemId, c))
    }
  }).pipe(
    // The first report one period after start, then one per period.
    Effect.repeat(Schedule.spaced(Duration.seconds(everySeconds))),
    Effect.delay(Duration.seconds(everySeconds)),
    Effect.forkScoped
  )
  // Runs until SIGINT/SIGTERM: runMain interrupts the program, its scope closes, the simulator stops.
  return yield* Effect.never
})

NodeRuntime.runMain(Effect.scoped(program))

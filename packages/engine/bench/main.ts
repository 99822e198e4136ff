/**
 * `npm run bench -- [--messages 100000] …` (see options.ts): the engine's throughput, latency, CPU and
 * memory on the machine's PostgreSQL, NATS and Redis against the SMSC simulator in a child process, next
 * to the raw node-smpp ceiling measured in the same run. Start the services first
 * (`bash scripts/services-up.sh`). Every process, schema, stream and key it creates is removed when it
 * ends — also on failure, on its deadline and on Ctrl-C.
 */
import { Cause, Duration, Effect, Exit } from "effect"
import { engineRun } from "./engineRun.js"
import { parseOptions } from "./options.js"
import { summariseProfile } from "./profile.js"
import { rawCeiling } from "./rawCeiling.js"
import { printEngine, printMachine, printOptions, printProfile, printRaw, printSummary } from "./report.js"
import { bindSystemId } from "./seed.js"
import { serviceVersions } from "./services.js"
import { startSimProcess } from "./simProcess.js"

const options = parseOptions(process.argv.slice(2))
const startedAt = Date.now()
// The engine phase stops waiting in time to report and clean up before the hard deadline.
const engineDeadline = startedAt + options.deadlineSeconds * 1000 - 20_000

const program = Effect.gen(function* () {
  printMachine(yield* serviceVersions())
  printOptions(options)

  const accounts: Record<string, object> = { raw: {} }
  for (let i = 0; i < options.binds; i++) accounts[bindSystemId(i)] = {}
  const sim = yield* startSimProcess({
    defaults: {
      password: "secret",
      receiptsEnabled: true,
      receiptDelayMs: options.receiptDelayMs,
      receiptMix: { DELIVRD: 1 },
      messageIdFormat: "decimal"
    },
    accounts,
    seed: 1
  })
  console.log(`[bench] simulator child pid ${sim.pid} on 127.0.0.1:${sim.port}`)

  const raw =
    options.rawMessages > 0 ? yield* rawCeiling(sim, options.rawMessages, options.window) : undefined
  if (raw !== undefined) printRaw(raw)

  const engine = yield* engineRun(options, sim, engineDeadline)
  printEngine(engine, raw)
  if (engine.profiles !== undefined) {
    printProfile("accept phase", engine.profiles.accept, summariseProfile(engine.profiles.accept))
    printProfile(
      "after the accepts (submits and receipts)",
      engine.profiles.delivery,
      summariseProfile(engine.profiles.delivery)
    )
  }
  console.log(`[bench] finished in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`)
  printSummary(engine, raw)
  if (!engine.complete) return yield* Effect.fail(new Error("the run did not complete before its deadline"))
}).pipe(
  Effect.scoped,
  Effect.timeoutFail({
    duration: Duration.seconds(options.deadlineSeconds),
    onTimeout: () =>
      new Error(`the bench passed its ${options.deadlineSeconds} s deadline; cleaned up and stopped`)
  })
)

/**
 * Not NodeRuntime.runMain: it handles only the first SIGINT, and one Ctrl-C can arrive more than once
 * (the terminal signals the whole process group and `npm`/`tsx` relay it again), so a second copy would
 * kill the process halfway through its cleanup. Here every signal after the first is ignored while the
 * scope closes (it stops the simulator, drops the schema, deletes the streams and keys); only after
 * 20 s does another Ctrl-C force the exit.
 */
const fiber = Effect.runFork(program)
let interruptedAt = 0
const onSignal = (signal: NodeJS.Signals) => {
  if (interruptedAt === 0) {
    interruptedAt = Date.now()
    console.error(`[bench] ${signal}: stopping and cleaning up…`)
    fiber.unsafeInterruptAsFork(fiber.id())
  } else if (Date.now() - interruptedAt > 20_000) {
    console.error("[bench] cleanup interrupted: the schema, streams or keys of this run may be left behind")
    process.exit(130)
  }
}
process.on("SIGINT", onSignal)
process.on("SIGTERM", onSignal)
fiber.addObserver((exit) => {
  if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) {
    console.error(Cause.pretty(exit.cause))
    process.exit(1)
  }
  process.exit(Exit.isSuccess(exit) ? 0 : 130)
})

import { type ChildProcess, fork } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import type { SimulatorFileConfig } from "../src/smsc-sim/SimulatorConfig.js"
import type { ChildMessage, CountsSnapshot, ParentMessage } from "./simProtocol.js"

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, "..", "..", "..")

export interface SimProcess {
  readonly port: number
  readonly pid: number
  /** The child's counters, RSS and CPU time right now (one IPC round trip). */
  readonly counts: Effect.Effect<CountsSnapshot>
}

const stopChild = (child: ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    const killer = setTimeout(() => child.kill("SIGKILL"), 3_000)
    child.once("exit", () => {
      clearTimeout(killer)
      resume(Effect.void)
    })
    if (child.connected) child.send({ type: "stop" } satisfies ParentMessage)
    else child.kill("SIGTERM")
  })

/**
 * The simulator in a child process (its own event loop: on 2 cores the honest setup), configured by a
 * SimulatorFileConfig written to a temporary file. The scope's end stops it — asked nicely, then SIGKILL —
 * whatever ended the run (success, failure, deadline or Ctrl-C).
 */
export const startSimProcess = (config: SimulatorFileConfig) =>
  Effect.gen(function* () {
    const dir = yield* Effect.acquireRelease(
      Effect.sync(() => mkdtempSync(join(tmpdir(), "volley-bench-"))),
      (d) => Effect.sync(() => rmSync(d, { recursive: true, force: true }))
    )
    const configPath = join(dir, "smsc-sim.json")
    writeFileSync(configPath, JSON.stringify(config, null, 2))

    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        fork(join(here, "simChild.ts"), ["--port", "0", "--config", configPath], {
          cwd: repoRoot,
          execArgv: ["--import", "tsx"],
          stdio: ["ignore", "inherit", "inherit", "ipc"]
        })
      ),
      stopChild
    )

    const waiting = new Map<number, (snapshot: CountsSnapshot) => void>()
    let nextId = 0
    const port = yield* Effect.async<number, Error>((resume) => {
      let settled = false
      const settle = (result: Effect.Effect<number, Error>) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resume(result)
      }
      const timer = setTimeout(
        () => settle(Effect.fail(new Error("simulator child not ready in 30 s"))),
        30_000
      )
      child.on("message", (message: ChildMessage) => {
        if (message.type === "ready") settle(Effect.succeed(message.port))
        else if (message.type === "counts") {
          const done = waiting.get(message.id)
          waiting.delete(message.id)
          done?.(message.snapshot)
        }
      })
      child.once("exit", (code, signal) =>
        settle(Effect.fail(new Error(`simulator child exited (${code ?? signal}) before it was ready`)))
      )
    })
    // A send to a child that is gone fails with EPIPE, emitted here; the pending request times out.
    child.on("error", (error) => console.error(`[bench] simulator child: ${error.message}`))
    child.on("exit", (code, signal) => {
      if (code !== 0 && signal !== "SIGKILL")
        console.error(`[bench] simulator child exited: ${code ?? signal}`)
    })

    const counts = Effect.async<CountsSnapshot, Error>((resume) => {
      if (!child.connected) return resume(Effect.fail(new Error("simulator child is gone")))
      const id = nextId++
      const timer = setTimeout(() => {
        waiting.delete(id)
        resume(Effect.fail(new Error("simulator child did not answer in 5 s")))
      }, 5_000)
      waiting.set(id, (snapshot) => {
        clearTimeout(timer)
        resume(Effect.succeed(snapshot))
      })
      child.send({ type: "counts", id } satisfies ParentMessage, (error) => {
        if (error === null) return
        clearTimeout(timer)
        waiting.delete(id)
        resume(Effect.fail(error))
      })
    }).pipe(Effect.orDie)

    return { port, pid: child.pid ?? -1, counts } satisfies SimProcess
  })

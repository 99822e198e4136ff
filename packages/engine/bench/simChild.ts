/**
 * The SMSC simulator as the bench's child process: `tsx bench/simChild.ts --port P --config file.json`.
 * The same SmscSimulator and config file as `npm run smsc-sim` (src/smsc-sim/main.ts), but it answers the
 * parent's IPC requests with exact counters, its RSS and its CPU time instead of printing them — so the
 * engine and the simulator each get their own event loop (and core) and the bench still reads the
 * simulator's count at any instant. It stops when the parent asks, disconnects or dies.
 */
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { Schema } from "effect"
import type { SimulatorCounters } from "../src/smsc-sim/Counters.js"
import { SimulatorFileConfig } from "../src/smsc-sim/SimulatorConfig.js"
import { startSimulator } from "../src/smsc-sim/SmscSimulator.js"
import type { ChildMessage, CountsSnapshot, ParentMessage } from "./simProtocol.js"

const { values } = parseArgs({
  options: { port: { type: "string", default: "0" }, config: { type: "string" } }
})
if (values.config === undefined || process.send === undefined) {
  console.error("simChild: run by the bench (needs --config and an IPC channel)")
  process.exit(2)
}
const file = Schema.decodeUnknownSync(SimulatorFileConfig)(JSON.parse(readFileSync(values.config, "utf8")))
const send = (message: ChildMessage) => process.send?.(message)

const slim = (c: SimulatorCounters) => ({
  binds: c.binds,
  submits: c.submits,
  uniqueMessages: c.uniqueMessages,
  duplicates: c.duplicates,
  receiptsSent: c.receiptsSent,
  deliverSmResps: c.deliverSmResps,
  deliverSmRespErrors: c.deliverSmRespErrors,
  redeliveries: c.redeliveries,
  deliveriesPending: c.deliveriesPending,
  disconnects: c.disconnects,
  submitResps: { ...c.submitResps }
})

const main = async () => {
  const simulator = await startSimulator({
    port: Number(values.port),
    accounts: file.accounts ?? {},
    defaults: file.defaults,
    seed: file.seed,
    // The bench checks duplicates over the whole run: keep every submit's key.
    maxRecordedSubmits: 2_000_000
  })
  let stopping = false
  const stop = async (code: number) => {
    if (stopping) return
    stopping = true
    await simulator.stop().catch(() => undefined)
    process.exit(code)
  }
  process.on("message", (raw: ParentMessage) => {
    if (raw.type === "stop") void stop(0)
    else if (raw.type === "counts") {
      const counts = simulator.counts()
      const bySystemId: Record<string, CountsSnapshot["total"]> = {}
      for (const [id, c] of Object.entries(counts.bySystemId)) bySystemId[id] = slim(c)
      const cpu = process.cpuUsage()
      send({
        type: "counts",
        id: raw.id,
        snapshot: {
          at: Date.now(),
          total: slim(counts.total),
          bySystemId,
          rss: process.memoryUsage().rss,
          cpuMicros: cpu.user + cpu.system
        }
      })
    }
  })
  // The parent is gone (finished, crashed or killed): nobody reads us any more.
  process.on("disconnect", () => void stop(0))
  process.on("SIGTERM", () => void stop(0))
  // Ctrl-C reaches the whole process group: the bench decides when we stop (it is still cleaning up, and
  // its engine would see its SMSC vanish). If the bench dies instead, "disconnect" stops us.
  process.on("SIGINT", () => undefined)
  send({ type: "ready", port: simulator.port })
}

main().catch((error: unknown) => {
  console.error("simChild: could not start", error)
  process.exit(1)
})

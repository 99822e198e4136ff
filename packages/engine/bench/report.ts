import { readFileSync } from "node:fs"
import { cpus, totalmem } from "node:os"
import type { EngineResult, Latency, Sample } from "./engineRun.js"
import type { BenchOptions } from "./options.js"
import type { ProfileSummary } from "./profile.js"
import type { RawResult } from "./rawCeiling.js"

const MiB = 1024 * 1024
const int = (n: number) => Math.round(n).toLocaleString("en-US")
const f1 = (n: number) => n.toFixed(1)
const mib = (bytes: number) => Math.round(bytes / MiB)
const pct = (n: number) => `${(n * 100).toFixed(0)}%`

export const cpuModel = () => {
  try {
    return /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "?"
  } catch {
    return cpus()[0]?.model ?? "?"
  }
}

export const printMachine = (versions: { postgres: string; nats: string; redis: string }) => {
  console.log("== machine")
  console.log(
    `cores ${cpus().length} (${cpuModel()}), memory ${f1(totalmem() / 1024 ** 3)} GiB, node ${process.version}`
  )
  console.log(`${versions.postgres}, ${versions.nats}, ${versions.redis}`)
}

export const printOptions = (o: BenchOptions) => {
  console.log(
    `== options: ${int(o.messages)} messages (after ${int(o.warmup)} of warm-up), ${o.binds} bind(s) × window ${o.window}, accept batches of ${int(o.batch)} ` +
      `with ${o.inFlight} in flight${o.rate > 0 ? ` at ≤ ${int(o.rate)}/s` : " (as fast as accepted)"}, ` +
      `receipts DELIVRD after ${o.receiptDelayMs} ms, raw ceiling over ${int(o.rawMessages)} messages`
  )
}

export const printRaw = (raw: RawResult) => {
  console.log("== raw ceiling: node-smpp alone, 1 transceiver, window", raw.window, "→ simulator child")
  console.log(
    `${int(raw.messages)} submits in ${raw.submitSeconds.toFixed(2)} s = ${int(raw.submitsPerSecond)} submits/s; ` +
      `${int(raw.receipts)} receipts answered by ${raw.receiptSeconds.toFixed(2)} s = ${int(raw.receiptsPerSecond)}/s` +
      (raw.refusedResps > 0 ? `; ${raw.refusedResps} refused` : "")
  )
  console.log(
    `CPU per message: client ${f1(raw.clientCpuMicrosPerMessage)} µs, simulator ${f1(raw.simCpuMicrosPerMessage)} µs`
  )
}

const lat = (l: Latency) =>
  `p50 ${int(l.p50)} ms, p90 ${int(l.p90)} ms, p99 ${int(l.p99)} ms, max ${int(l.max)} ms`

/** One row per second or so (at most ~40): the stages side by side, CPU and memory. */
export const printSeries = (samples: ReadonlyArray<Sample>) => {
  const first = samples[0]
  const last = samples.at(-1)
  if (first === undefined || last === undefined) return
  const every = Math.max(1_000, Math.ceil(last.t / 40 / 1_000) * 1_000)
  const rows: Array<Sample> = []
  let next = 0
  for (const s of samples) {
    if (s.t >= next || s === last) {
      rows.push(s)
      next = s.t + every - 100
    }
  }
  const head = [
    "t s",
    "accepted",
    "waiting",
    "submitted",
    "ENROUTE",
    "receipts",
    "final",
    "submits/s",
    "finals/s",
    "engine CPU",
    "sim CPU",
    "machine",
    "RSS MiB",
    "heap MiB",
    "sim RSS"
  ]
  const table: Array<Array<string>> = [head]
  let prev: Sample | undefined
  for (const s of rows) {
    const before = prev ?? first
    const span = Math.max(0.001, (s.t - (prev?.t ?? 0)) / 1000)
    const cpuSpan = Math.max(0.001, (s.t - before.t) / 1000)
    const machineTotal = s.machineTotal - before.machineTotal
    table.push([
      f1(s.t / 1000),
      int(s.accepted),
      int(s.accepted - s.simSubmits),
      int(s.simSubmits),
      int(s.enroute),
      int(s.simReceipts),
      int(s.finals),
      int((s.simSubmits - (prev?.simSubmits ?? 0)) / span),
      int((s.finals - (prev?.finals ?? 0)) / span),
      prev === undefined ? "" : pct((s.cpuMicros - before.cpuMicros) / 1e6 / cpuSpan),
      prev === undefined ? "" : pct((s.simCpuMicros - before.simCpuMicros) / 1e6 / cpuSpan),
      prev === undefined || machineTotal <= 0 ? "" : pct((s.machineBusy - before.machineBusy) / machineTotal),
      String(mib(s.rss)),
      String(mib(s.heapUsed)),
      String(mib(s.simRss))
    ])
    prev = s
  }
  const widths = head.map((_, c) => Math.max(...table.map((r) => r[c]!.length)))
  for (const r of table) console.log(r.map((cell, c) => cell.padStart(widths[c]!)).join("  "))
  console.log(
    "(waiting: accepted, not yet at the simulator; submitted and receipts: the simulator's counts; ENROUTE and " +
      `final: the engine's status events; CPU: % of one core; machine: % of all ${cpus().length} cores)`
  )
}

export const printEngine = (e: EngineResult, raw: RawResult | undefined) => {
  console.log(`== engine: InfrastructureLive + StorageLive + ActorsLive on PostgreSQL, NATS JetStream, Redis`)
  if (!e.complete)
    console.log(`!! INCOMPLETE: the deadline came before every message was final (see the series)`)
  printSeries(e.samples)
  console.log("-- stages")
  console.log(
    `accept:   ${int(e.accepted)} accepted (${int(e.refused)} refused) in ${e.acceptSeconds.toFixed(2)} s = ${int(e.acceptedPerSecond)}/s`
  )
  console.log(
    `submit:   ${int(e.simSubmits)} submit_sm at the simulator = ${int(e.submittedPerSecond)}/s over the submit phase ` +
      `(SQL: ${int(e.sql.submitted)} ENROUTE over ${e.sql.submitSpanS.toFixed(2)} s = ${int(e.sql.submitted / Math.max(0.001, e.sql.submitSpanS))}/s)`
  )
  console.log(
    `receipts: ${int(e.sql.receipted)} final statuses applied = ${int(e.receiptsPerSecond)}/s (status events) ` +
      `(SQL: receipts reached the binds over ${e.sql.receiptSpanS.toFixed(2)} s = ${int(e.sql.receipted / Math.max(0.001, e.sql.receiptSpanS))}/s, ` +
      `written over ${e.sql.appliedSpanS.toFixed(2)} s = ${int(e.sql.receipted / Math.max(0.001, e.sql.appliedSpanS))}/s)`
  )
  const st = e.stages
  console.log(
    `while accepting: ${int(st.submitsPerSecondWhileAccepting)} submits/s; after: ${int(st.submitsPerSecondAfterAccepting)} submits/s, ` +
      `${int(st.finalsPerSecondAfterAccepting)} finals/s, the engine process at ${pct(st.engineCoreShareAfterAccepting)} of a core`
  )
  console.log(
    `end to end: every message final ${e.totalSeconds.toFixed(2)} s after the first accept = ${int(e.endToEndPerSecond)}/s`
  )
  console.log("-- latency")
  console.log(`accept → ENROUTE (submit_sm_resp at the bind):    ${lat(e.sql.toEnroute)}`)
  console.log(`accept → DELIVRD (receipt at the bind):           ${lat(e.sql.toDelivrd)}`)
  console.log(`accept → DELIVRD written in PostgreSQL:           ${lat(e.sql.toDelivrdApplied)}`)
  console.log("-- correctness")
  console.log(
    `statuses ${JSON.stringify(e.sql.byStatus)}; simulator: ${int(e.simSubmits)} submits, ${int(e.simDuplicates)} duplicates; ` +
      `${int(e.sql.extraAttempts)} extra attempts; ${int(e.sql.unmatchedReceipts)} unmatched receipts`
  )
  console.log("-- CPU (engine phase)")
  const per = (seconds: number) => f1((seconds * 1e6) / Math.max(1, e.accepted))
  const s = e.services
  const ours = e.engineCpuMicrosPerMessage + e.simCpuMicrosPerMessage
  const otherSeconds =
    s.machineBusySeconds -
    (ours * e.accepted) / 1e6 -
    s.services.postgres -
    s.services["nats-server"] -
    s.services["redis-server"]
  console.log(
    `per message: engine process ${f1(e.engineCpuMicrosPerMessage)} µs, simulator ${f1(e.simCpuMicrosPerMessage)} µs, ` +
      `PostgreSQL ${per(s.ownPostgres)} µs (its backends serving the engine; all backends ${per(s.services.postgres)} µs), ` +
      `NATS ${per(s.services["nats-server"])} µs, Redis ${per(s.services["redis-server"])} µs`
  )
  // The split needs a phase with submits and receipts only: a burst run has one, a paced run barely.
  if (e.paced) console.log("engine process by stage: (a paced run has no receipt-only phase to split on)")
  else
    console.log(
      `engine process by stage: accept ${f1(e.stages.acceptCpuMicrosPerMessage)} µs per message, ` +
        `submit + receipt ${f1(e.stages.deliveryCpuMicrosPerMessage)} µs per message`
    )
  console.log(
    `whole machine ${per(s.machineBusySeconds)} µs per message, ${pct(s.machineUtilisation)} of ${cpus().length} cores busy; ` +
      `other processes (not the bench, not the services) ${per(Math.max(0, otherSeconds))} µs per message` +
      (otherSeconds * 1e6 > 50 * e.accepted ? " — the machine was not quiet: figures are pessimistic" : "")
  )
  console.log(
    `engine event loop delay: p50 ${f1(e.eventLoopDelayMs.p50)} ms, p99 ${f1(e.eventLoopDelayMs.p99)} ms, max ${f1(e.eventLoopDelayMs.max)} ms`
  )
  console.log("-- memory")
  const quart = [0.25, 0.5, 0.75, 1].map(
    (q) => e.samples[Math.min(e.samples.length - 1, Math.floor(q * (e.samples.length - 1)))]
  )
  console.log(
    `engine RSS peak ${mib(e.peakRss)} MiB (at 25/50/75/100% of the run: ${quart.map((x) => mib(x?.rss ?? 0)).join(" / ")} MiB); ` +
      `simulator RSS peak ${mib(e.peakSimRss)} MiB`
  )
  if (raw !== undefined) {
    console.log("-- against the raw ceiling")
    console.log(
      `engine submitted/s ${int(e.submittedPerSecond)} = ${pct(e.submittedPerSecond / raw.submitsPerSecond)} of raw node-smpp ${int(raw.submitsPerSecond)}/s; ` +
        `receipts/s ${pct(e.receiptsPerSecond / raw.submitsPerSecond)}; end to end ${pct(e.endToEndPerSecond / raw.submitsPerSecond)}`
    )
  }
}

export const printProfile = (phase: string, path: string, p: ProfileSummary) => {
  const row = ([name, ms]: readonly [string, number]) =>
    `${f1(ms).padStart(9)} ms ${pct(ms / 1000 / p.seconds).padStart(4)}  ${name}`
  console.log(`== CPU profile, ${phase} (${p.seconds.toFixed(1)} s sampled): ${path}`)
  console.log("-- self time by area")
  for (const r of p.byArea) console.log(row(r))
  console.log("-- self time by function")
  for (const r of p.bySelf) console.log(row(r))
  console.log("-- charged to the nearest own frame (our code plus the library code it calls directly)")
  for (const r of p.byNearestOwn) console.log(row(r))
  console.log("-- our functions, time including what they call synchronously")
  for (const r of p.ownInclusive) console.log(row(r))
}

/** The key figures, then — last — the seven lines a script reads, exactly in this form and order. */
export const printSummary = (e: EngineResult, raw: RawResult | undefined) => {
  console.log("== key figures")
  console.log(`accept→ENROUTE p50 ms: ${Math.round(e.sql.toEnroute.p50)}`)
  console.log(`accept→DELIVRD p50 ms: ${Math.round(e.sql.toDelivrd.p50)}`)
  console.log(`accept→DELIVRD written p99 ms: ${Math.round(e.sql.toDelivrdApplied.p99)}`)
  console.log(`engine CPU µs/message: ${Math.round(e.engineCpuMicrosPerMessage)}`)
  console.log(`simulator submits: ${e.simSubmits}`)
  console.log(`end-to-end/s: ${Math.round(e.endToEndPerSecond)}`)
  console.log(
    `engine/raw: ${raw === undefined ? "n/a" : (e.submittedPerSecond / raw.submitsPerSecond).toFixed(2)}`
  )
  console.log(`complete: ${e.complete}`)
  console.log("== summary")
  console.log(`accepted/s: ${Math.round(e.acceptedPerSecond)}`)
  console.log(`submitted/s: ${Math.round(e.submittedPerSecond)}`)
  console.log(`receipts/s: ${Math.round(e.receiptsPerSecond)}`)
  console.log(`accept→ENROUTE p99 ms: ${Math.round(e.sql.toEnroute.p99)}`)
  console.log(`accept→DELIVRD p99 ms: ${Math.round(e.sql.toDelivrd.p99)}`)
  console.log(`peak RSS MiB: ${mib(e.peakRss)}`)
  console.log(`raw ceiling submits/s: ${raw === undefined ? 0 : Math.round(raw.submitsPerSecond)}`)
}

/**
 * `npm run bench:api -- [--batches 100] [--batch-size 1000] [--batch-concurrency 4] [--singles 20000]
 * [--clients 200]`: the sender API on the machine's PostgreSQL, NATS and Redis, the server in a child
 * process (server.ts), real HTTP from this one. Two figures (issue 4's targets): recipients per second
 * accepted through `POST /v1/messages/batch` end to end into Postgres and the bus, with request latency;
 * and `POST /v1/messages` latency under many concurrent clients — then, for reference, the same clients
 * against `floorServer.ts`, endpoints that answer at once (what the HTTP stack and the client allow at
 * best). No binds run: accepting is measured, not delivery (`npm run bench:engine`). Everything the run
 * creates is removed when it ends.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import { createInterface } from "node:readline"
import { parseArgs } from "node:util"
import type { AccountId } from "@volley/core"
import { ApiKeysRepo } from "@volley/engine/apikey/ApiKeysRepo"
import { InfrastructureLive, StorageLive } from "@volley/engine/Engine"
import { ConfigProvider, Effect, Layer, Logger, LogLevel } from "effect"
import { Pool } from "undici"
import { int } from "../../engine/bench/options.js"
import { ROUTE_PREFIX, seedBenchCatalog } from "../../engine/bench/seed.js"
import {
  benchSchema,
  natsCleanup,
  redisCleanup,
  runNames,
  serviceUrls,
  sweepStaleRuns,
  withSearchPath
} from "../../engine/bench/services.js"

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    batches: { type: "string" },
    "batch-size": { type: "string" },
    "batch-concurrency": { type: "string" },
    singles: { type: "string" },
    clients: { type: "string" },
    "paced-rate": { type: "string" },
    "paced-seconds": { type: "string" }
  },
  strict: true
})
const options = {
  batches: int("batches", values.batches, 100, 1),
  batchSize: int("batch-size", values["batch-size"], 1_000, 1),
  batchConcurrency: int("batch-concurrency", values["batch-concurrency"], 4, 1),
  singles: int("singles", values.singles, 20_000, 1),
  clients: int("clients", values.clients, 200, 1),
  pacedRate: int("paced-rate", values["paced-rate"], 300, 1),
  pacedSeconds: int("paced-seconds", values["paced-seconds"], 10, 1)
}

interface Latencies {
  readonly p50: number
  readonly p99: number
  readonly max: number
}

const percentiles = (ms: Array<number>): Latencies => {
  const sorted = [...ms].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 }
}

/** Unique recipients on the bench route: +38067 and seven digits. */
let nextNumber = 0
const recipient = () => `+${ROUTE_PREFIX}${String(nextNumber++).padStart(7, "0")}`

/**
 * `clients` clients together sending `rate` requests per second for `seconds` (open loop: each client
 * sends on its own schedule whatever the answers' pace); latency is measured from the scheduled time, so
 * a server falling behind shows in it instead of slowing the load down.
 */
const paced = async (clients: number, rate: number, seconds: number, task: () => Promise<void>) => {
  const latencies: Array<number> = []
  const interval = (clients * 1000) / rate
  const start = performance.now() + 50
  const end = start + seconds * 1000
  const client = async (i: number) => {
    for (let at = start + (i * interval) / clients; at < end; at += interval) {
      const wait = at - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      await task()
      latencies.push(performance.now() - at)
    }
  }
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)))
  return latencies
}

/** Runs `total` tasks with `workers` of them in flight; returns each task's latency in ms. */
const load = async (total: number, workers: number, task: () => Promise<void>) => {
  const latencies: Array<number> = []
  let started = 0
  const worker = async () => {
    while (started < total) {
      started++
      const t0 = performance.now()
      await task()
      latencies.push(performance.now() - t0)
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: Math.min(workers, total) }, worker))
  return { latencies, seconds: (performance.now() - t0) / 1000 }
}

/** CPU time (user + system) of a process so far, in ms (Linux; 0 elsewhere). */
const cpuMs = (pid: number | undefined): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return 0
  }
}

const startServer = (script: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  new Promise<{ child: ChildProcess; port: number }>((resolve, reject) => {
    // API_BENCH_PROFILE_DIR=<dir>: the server writes a CPU profile there when it stops.
    const profileDir = process.env.API_BENCH_PROFILE_DIR
    const profile = profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`]
    // the young generation `npm start` gives the platform (package.json)
    const flags = ["--max-semi-space-size=64", ...profile]
    const child = spawn(
      process.execPath,
      [...flags, "--import", "tsx", new URL(script, import.meta.url).pathname, ...args],
      {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "inherit"]
      }
    )
    child.once("exit", (code) => reject(new Error(`the API server exited (${code}) before listening`)))
    // Its logs (a generated operator password at start-up, warnings) share the stream: pass them on, and
    // keep reading so a full pipe never blocks the server.
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const port = /^\{"port":(\d+)\}$/.exec(line)?.[1]
      if (port === undefined) console.log(`[api server] ${line}`)
      else resolve({ child, port: Number(port) })
    })
  })

const stopServer = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.removeAllListeners("exit")
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
    setTimeout(() => child.kill("SIGKILL"), 5_000).unref()
  })

const program = Effect.gen(function* () {
  const { prefix, schema } = runNames()
  const urls = serviceUrls()
  yield* sweepStaleRuns(urls)
  yield* benchSchema(urls.database, schema)
  yield* natsCleanup(urls.nats, prefix)
  yield* redisCleanup(urls.redis, prefix)
  const env = {
    DATABASE_URL: withSearchPath(urls.database, schema),
    NATS_URL: urls.nats,
    REDIS_URL: urls.redis,
    VOLLEY_BUS_PREFIX: prefix,
    VOLLEY_SEED_DEMO: "false",
    VOLLEY_ADMIN_TOKEN: `bench-admin-${randomBytes(16).toString("hex")}`
  }

  // The catalog and a funded account with a key no rate limit gets in the way of.
  const key = yield* Effect.gen(function* () {
    const { accountId } = yield* seedBenchCatalog(1, 0, 1)
    const created = yield* (yield* ApiKeysRepo).create(accountId as AccountId, "bench", {
      rateLimitPerSecond: 1_000_000
    })
    return created.plaintext
  }).pipe(
    Effect.provide(StorageLive.pipe(Layer.provideMerge(InfrastructureLive))),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
    Logger.withMinimumLogLevel(LogLevel.Warning),
    Effect.scoped
  )

  const server = yield* Effect.acquireRelease(
    Effect.promise(() => startServer("./server.ts", [], env)),
    ({ child }) => Effect.promise(() => stopServer(child))
  )
  const base = `http://127.0.0.1:${server.port}`
  console.log(`[bench:api] server pid ${server.child.pid} on ${base}; schema ${schema}, bus prefix ${prefix}`)

  // undici's Pool rather than fetch: fetch spends so much CPU per request that on this 2-core machine the
  // load generator, not the server, set the pace (against a do-nothing node:http server, 200 fetch clients
  // reach 3,700 requests/s; the same Pool 37,000). One connection per client, as separate clients would have.
  const poster = (pool: Pool) => async (path: string, body: unknown) => {
    const response = await pool.request({
      path,
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body)
    })
    const text = await response.body.text()
    if (response.statusCode !== 201)
      throw new Error(`${path} answered ${response.statusCode}: ${text.slice(0, 300)}`)
    return JSON.parse(text) as { accepted?: ReadonlyArray<unknown> }
  }
  const connections = Math.max(options.clients, options.batchConcurrency)
  const pool = new Pool(base, { connections })
  yield* Effect.addFinalizer(() => Effect.promise(() => pool.close()))
  const post = poster(pool)
  const batch = () =>
    post("/v1/messages/batch", {
      text: "Your code is 4711. Volley bench.",
      messages: Array.from({ length: options.batchSize }, () => ({ to: recipient() }))
    })
  const singleTo = (send: typeof post) => async () => {
    await send("/v1/messages", { to: recipient(), text: "Your code is 4711. Volley bench." })
  }
  const single = singleTo(post)

  /** The same closed loop against `floorServer.ts <kind>`: what the stack and the client allow at best. */
  const floor = async (kind: "httpapi" | "node") => {
    const server = await startServer("./floorServer.ts", [kind], {})
    const floorPool = new Pool(`http://127.0.0.1:${server.port}`, { connections })
    try {
      const send = singleTo(poster(floorPool))
      await load(2_000, options.clients, send)
      const run = await load(options.singles, options.clients, send)
      return { perSecond: Math.round(options.singles / run.seconds), latency: percentiles(run.latencies) }
    } finally {
      await floorPool.close()
      await stopServer(server.child)
    }
  }

  return yield* Effect.promise(async () => {
    // Warm-up (JIT, connection pools, prepared plans), not counted.
    await load(4, 2, async () => {
      await batch()
    })
    await load(1_000, 50, single)

    let accepted = 0
    const batchCpu = cpuMs(server.child.pid)
    const batches = await load(options.batches, options.batchConcurrency, async () => {
      const reply = await batch()
      accepted += reply.accepted?.length ?? 0
    })
    const batchCpuUs = ((cpuMs(server.child.pid) - batchCpu) * 1000) / Math.max(1, accepted)
    const batchLatency = percentiles(batches.latencies)
    const recipientsPerSecond = Math.round(accepted / batches.seconds)
    console.log(
      `batch: ${options.batches} × ${options.batchSize} recipients, ${options.batchConcurrency} in flight: ` +
        `${accepted.toLocaleString("en")} accepted in ${batches.seconds.toFixed(2)} s = ${recipientsPerSecond.toLocaleString("en")} recipients/s; ` +
        `request p50 ${batchLatency.p50.toFixed(1)} ms, p99 ${batchLatency.p99.toFixed(1)} ms, max ${batchLatency.max.toFixed(1)} ms; ` +
        `server CPU ${batchCpuUs.toFixed(0)} µs per recipient`
    )

    const singleCpu = cpuMs(server.child.pid)
    const singles = await load(options.singles, options.clients, single)
    const singleCpuUs = ((cpuMs(server.child.pid) - singleCpu) * 1000) / options.singles
    const singleLatency = percentiles(singles.latencies)
    const singlesPerSecond = Math.round(options.singles / singles.seconds)
    console.log(
      `single: ${options.singles.toLocaleString("en")} × POST /v1/messages from ${options.clients} concurrent clients: ` +
        `${singlesPerSecond.toLocaleString("en")} requests/s; p50 ${singleLatency.p50.toFixed(1)} ms, ` +
        `p99 ${singleLatency.p99.toFixed(1)} ms, max ${singleLatency.max.toFixed(1)} ms; server CPU ${singleCpuUs.toFixed(0)} µs per request`
    )
    const pacedLatency = percentiles(
      await paced(options.clients, options.pacedRate, options.pacedSeconds, single)
    )
    console.log(
      `single, paced: ${options.clients} clients sending ${options.pacedRate} requests/s together for ${options.pacedSeconds} s: ` +
        `p50 ${pacedLatency.p50.toFixed(1)} ms, p99 ${pacedLatency.p99.toFixed(1)} ms, max ${pacedLatency.max.toFixed(1)} ms`
    )
    const floors = { httpapi: await floor("httpapi"), node: await floor("node") }
    const floorLine = (what: string, f: (typeof floors)["node"]) =>
      `${what} ${f.perSecond.toLocaleString("en")} requests/s, p50 ${f.latency.p50.toFixed(1)} ms, p99 ${f.latency.p99.toFixed(1)} ms`
    console.log(
      `single, floor (the same ${options.clients} clients, closed loop, answered at once without auth, database or bus): ` +
        `${floorLine("Effect HttpApi endpoint", floors.httpapi)}; ${floorLine("bare node:http", floors.node)}`
    )
    console.log("== api summary")
    console.log(`api batch recipients/s: ${recipientsPerSecond}`)
    console.log(`api batch p50 ms: ${batchLatency.p50.toFixed(1)}`)
    console.log(`api batch p99 ms: ${batchLatency.p99.toFixed(1)}`)
    console.log(`api single requests/s: ${singlesPerSecond}`)
    console.log(`api single p50 ms: ${singleLatency.p50.toFixed(1)}`)
    console.log(`api single p99 ms: ${singleLatency.p99.toFixed(1)}`)
    console.log(`api single paced ${options.pacedRate}/s p99 ms: ${pacedLatency.p99.toFixed(1)}`)
    console.log(`api floor httpapi requests/s: ${floors.httpapi.perSecond}`)
    console.log(`api floor httpapi p99 ms: ${floors.httpapi.latency.p99.toFixed(1)}`)
    console.log(`api floor node:http p99 ms: ${floors.node.latency.p99.toFixed(1)}`)
  })
}).pipe(Effect.scoped)

Effect.runPromise(program).then(
  () => process.exit(0),
  (error) => {
    console.error("[bench:api] failed:", error)
    process.exit(1)
  }
)

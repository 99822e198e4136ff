import { monitorEventLoopDelay } from "node:perf_hooks"
import type { AccountId } from "@volley/core"
import { ConfigProvider, Effect, Fiber, Layer, Logger, LogLevel } from "effect"
import type pg from "pg"
import { ActorsLive, InfrastructureLive, StorageLive } from "../src/Engine.js"
import { SendService } from "../src/send/SendService.js"
import type { BenchOptions } from "./options.js"
import { type CpuDelta, cpuDelta, cpuSnapshot, ownLocalPorts } from "./procCpu.js"
import { startProfiler } from "./profile.js"
import { bindSystemId, ROUTE_PREFIX, seedBenchCatalog } from "./seed.js"
import {
  benchSchema,
  natsCleanup,
  redisCleanup,
  runNames,
  serviceUrls,
  sweepStaleRuns,
  withSearchPath
} from "./services.js"
import type { SimProcess } from "./simProcess.js"
import type { CountsSnapshot } from "./simProtocol.js"
import { watchStatusEvents } from "./statusWatch.js"

const FINALS = ["DELIVRD", "UNDELIV", "EXPIRED", "REJECTD", "FAILED", "NOREPORT"]

/** One look at the pipeline, every `sampleMs`. */
export interface Sample {
  /** ms since the first accept. */
  readonly t: number
  /** Messages whose accept call had returned. */
  readonly accepted: number
  /** Status events the engine published (committed changes): ENROUTE, and final statuses. */
  readonly enroute: number
  readonly finals: number
  /** submit_sm and receipts the simulator counted for the engine's binds (since the engine phase began). */
  readonly simSubmits: number
  readonly simReceipts: number
  readonly rss: number
  readonly heapUsed: number
  readonly simRss: number
  /** CPU time of this process and of the simulator child so far, µs. */
  readonly cpuMicros: number
  readonly simCpuMicros: number
  /** Busy and total jiffies of the machine so far. */
  readonly machineBusy: number
  readonly machineTotal: number
}

export interface Latency {
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
}

export interface SqlFigures {
  readonly total: number
  readonly byStatus: Readonly<Record<string, number>>
  /** From the per-message timestamps: first to last of each. */
  readonly acceptSpanS: number
  readonly submitSpanS: number
  readonly receiptSpanS: number
  readonly appliedSpanS: number
  readonly submitted: number
  readonly receipted: number
  /** accept → ENROUTE (submitted_at: the submit_sm_resp reached the bind). */
  readonly toEnroute: Latency
  /** accept → DELIVRD (done_at: the receipt reached the bind). */
  readonly toDelivrd: Latency
  /** accept → DELIVRD written in PostgreSQL (updated_at of the receipt's transaction). */
  readonly toDelivrdApplied: Latency
  /** Redeliveries and retries: submit attempts above one. */
  readonly extraAttempts: number
  readonly unmatchedReceipts: number
}

export interface EngineResult {
  readonly complete: boolean
  /** Accepts were paced (--rate): no phase of submits and receipts alone. */
  readonly paced: boolean
  readonly messages: number
  readonly accepted: number
  readonly refused: number
  readonly acceptSeconds: number
  /** First accept until every accepted message was final (or the deadline). */
  readonly totalSeconds: number
  readonly acceptedPerSecond: number
  /** From the simulator's counts: first submit to the last. */
  readonly submittedPerSecond: number
  /** Final statuses applied in PostgreSQL (their status events, sampled): first to last. */
  readonly receiptsPerSecond: number
  /** Every accepted message final, over the whole run. */
  readonly endToEndPerSecond: number
  readonly samples: ReadonlyArray<Sample>
  readonly sql: SqlFigures
  readonly sim: CountsSnapshot
  readonly simSubmits: number
  readonly simDuplicates: number
  readonly peakRss: number
  readonly peakSimRss: number
  readonly engineCpuMicrosPerMessage: number
  readonly simCpuMicrosPerMessage: number
  readonly services: CpuDelta
  /** Rates and engine CPU per message of the accept phase and of what follows it (see engineRun). */
  readonly stages: {
    readonly submitsPerSecondWhileAccepting: number
    readonly submitsPerSecondAfterAccepting: number
    readonly finalsPerSecondAfterAccepting: number
    readonly deliveryCpuMicrosPerMessage: number
    readonly acceptCpuMicrosPerMessage: number
    /** Cores of CPU the engine process used once accepting was done (1 = one core saturated). */
    readonly engineCoreShareAfterAccepting: number
  }
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number }
  /** CPU profiles (with --profile) of the accept phase and of the rest of the run. */
  readonly profiles: { readonly accept: string; readonly delivery: string } | undefined
}

/** When a series reached `target`, interpolated between the samples around it (ms since t0). */
export const reachedAt = (
  samples: ReadonlyArray<Sample>,
  value: (s: Sample) => number,
  target: number
): number | undefined => {
  let prev: Sample | undefined
  for (const s of samples) {
    const v = value(s)
    if (v >= target) {
      if (prev === undefined) return s.t
      const pv = value(prev)
      return prev.t + ((target - pv) / Math.max(1, v - pv)) * (s.t - prev.t)
    }
    prev = s
  }
  return undefined
}

/** Rate of a series from its first rise above `base` to `target` (per second). */
const phaseRate = (samples: ReadonlyArray<Sample>, value: (s: Sample) => number, target: number) => {
  if (target <= 0) return 0
  const start = reachedAt(samples, value, 1)
  const end = reachedAt(samples, value, target)
  if (start === undefined || end === undefined) {
    const last = samples.at(-1)
    if (last === undefined || start === undefined || last.t <= start) return 0
    return value(last) / ((last.t - start) / 1000)
  }
  // the first one came some time within the sample period before `start`: count from it
  return target / (Math.max(1, end - start) / 1000)
}

const numbers = (from: number, count: number) =>
  Array.from({ length: count }, (_, k) => {
    const i = from + k
    return {
      to: `+${ROUTE_PREFIX}${String(i).padStart(7, "0")}`,
      text: `Volley bench ${i}: your code is ${String((i * 7919) % 1_000_000).padStart(6, "0")}`
    }
  })

/** Numbers of the warm-up messages start here (the measured ones at 0): at most 9,000,000 messages. */
const WARMUP_OFFSET = 9_000_000
const finalsOf = (counts: Readonly<Record<string, number>>) =>
  FINALS.reduce((sum, f) => sum + (counts[f] ?? 0), 0)

const finalCount = (client: pg.Client, accountId: AccountId) =>
  Effect.promise(() =>
    client.query<{ n: string }>(
      `SELECT count(*) AS n FROM messages
       WHERE account_id = $1 AND status IN (${FINALS.map((f) => `'${f}'`).join(",")})`,
      [accountId]
    )
  ).pipe(Effect.map((r) => Number(r.rows[0]?.n ?? 0)))

const latency = (row: Record<string, unknown>, key: string): Latency => {
  const values = (row[key] as ReadonlyArray<number | null> | null) ?? []
  return { p50: values[0] ?? 0, p90: values[1] ?? 0, p99: values[2] ?? 0, max: values[3] ?? 0 }
}

const sqlFigures = (client: pg.Client, accountId: AccountId) =>
  Effect.promise(async () => {
    const ms = (a: string, b: string) => `extract(epoch FROM ${a} - ${b}) * 1000`
    const pct = (expr: string, filter: string) =>
      `array[percentile_cont(0.5) WITHIN GROUP (ORDER BY ${expr}) FILTER (WHERE ${filter}),
             percentile_cont(0.9) WITHIN GROUP (ORDER BY ${expr}) FILTER (WHERE ${filter}),
             percentile_cont(0.99) WITHIN GROUP (ORDER BY ${expr}) FILTER (WHERE ${filter}),
             max(${expr}) FILTER (WHERE ${filter})]`
    const finals = `status IN (${FINALS.map((s) => `'${s}'`).join(",")})`
    const { rows } = await client.query(
      `SELECT count(*)::int AS total,
        count(submitted_at)::int AS submitted,
        count(done_at)::int AS receipted,
        coalesce(sum(attempts - 1) FILTER (WHERE attempts > 1), 0)::int AS extra_attempts,
        extract(epoch FROM max(created_at) - min(created_at)) AS accept_span,
        extract(epoch FROM max(submitted_at) - min(submitted_at)) AS submit_span,
        extract(epoch FROM max(done_at) - min(done_at)) AS receipt_span,
        extract(epoch FROM max(updated_at) FILTER (WHERE ${finals}) - min(updated_at) FILTER (WHERE ${finals}))
          AS applied_span,
        ${pct(ms("submitted_at", "created_at"), "submitted_at IS NOT NULL")} AS to_enroute,
        ${pct(ms("done_at", "created_at"), "status = 'DELIVRD'")} AS to_delivrd,
        ${pct(ms("updated_at", "created_at"), "status = 'DELIVRD'")} AS to_applied
      FROM messages WHERE account_id = $1`,
      [accountId]
    )
    const row = rows[0] as Record<string, unknown>
    const byStatus = await client.query<{ status: string; n: string }>(
      "SELECT status, count(*) AS n FROM messages WHERE account_id = $1 GROUP BY status",
      [accountId]
    )
    const unmatched = await client.query<{ n: string }>("SELECT count(*) AS n FROM unmatched_receipts")
    return {
      total: Number(row.total),
      byStatus: Object.fromEntries(byStatus.rows.map((r) => [r.status, Number(r.n)])),
      acceptSpanS: Number(row.accept_span ?? 0),
      submitSpanS: Number(row.submit_span ?? 0),
      receiptSpanS: Number(row.receipt_span ?? 0),
      appliedSpanS: Number(row.applied_span ?? 0),
      submitted: Number(row.submitted),
      receipted: Number(row.receipted),
      toEnroute: latency(row, "to_enroute"),
      toDelivrd: latency(row, "to_delivrd"),
      toDelivrdApplied: latency(row, "to_applied"),
      extraAttempts: Number(row.extra_attempts),
      unmatchedReceipts: Number(unmatched.rows[0]?.n ?? 0)
    } satisfies SqlFigures
  })

/** PostgreSQL backends serving this process (the engine's pool and the monitor), by their client ports. */
const ownBackends = (client: pg.Client, port: string) =>
  Effect.promise(async () => {
    const ports = ownLocalPorts(Number(port))
    if (ports.length === 0) return new Set<number>()
    const { rows } = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])",
      [ports]
    )
    return new Set(rows.map((r) => r.pid))
  })

const engineSubmits = (c: CountsSnapshot, binds: number) => {
  let submits = 0
  let receipts = 0
  for (let i = 0; i < binds; i++) {
    const slice = c.bySystemId[bindSystemId(i)]
    submits += slice?.submits ?? 0
    receipts += slice?.receiptsSent ?? 0
  }
  return { submits, receipts }
}

/**
 * The engine as production wires it (Engine.ts: InfrastructureLive → StorageLive → ActorsLive) on the
 * machine's PostgreSQL, NATS and Redis, in a schema, stream prefix and key prefix of its own, against the
 * simulator child: N messages accepted through `SendService.accept` in batches, followed to their final
 * status. Everything the run created is removed when it ends, however it ends.
 */
export const engineRun = (options: BenchOptions, sim: SimProcess, deadlineAt: number) =>
  Effect.gen(function* () {
    const { prefix, schema } = runNames()
    const urls = serviceUrls()
    yield* sweepStaleRuns(urls)
    console.log(`[bench] engine: schema ${schema}, bus/key prefix ${prefix}`)

    // Finalizers run in reverse: the engine's layers close first, then Redis keys, streams, the schema.
    const monitorDb = yield* benchSchema(urls.database, schema, options.keep)
    yield* natsCleanup(urls.nats, prefix)
    yield* redisCleanup(urls.redis, prefix)
    const watch = yield* watchStatusEvents(urls.nats, prefix)

    const provider = ConfigProvider.fromMap(
      new Map([
        ["DATABASE_URL", withSearchPath(urls.database, schema)],
        ["NATS_URL", urls.nats],
        ["REDIS_URL", urls.redis],
        ["VOLLEY_BUS_PREFIX", prefix],
        ["VOLLEY_SEED_DEMO", "false"]
      ])
    )

    const run = (accountId: AccountId, warmupAccountId: AccountId) =>
      Effect.gen(function* () {
        const send = yield* SendService
        // The binds connect in the background: start the clock once every one is bound.
        const bindDeadline = Date.now() + 15_000
        for (;;) {
          const c = yield* sim.counts
          const bound = Array.from(
            { length: options.binds },
            (_, i) => c.bySystemId[bindSystemId(i)]?.binds ?? 0
          )
          if (bound.every((n) => n > 0)) break
          if (Date.now() > bindDeadline)
            return yield* Effect.dieMessage("the engine's binds did not bind in 15 s")
          yield* Effect.sleep("50 millis")
        }

        // Warm-up: a cold process (JIT, connection pools, prepared plans) answers its first thousands of
        // messages several times slower; production engines run warm. Its messages belong to another
        // account and are left out of every figure.
        if (options.warmup > 0) {
          const warmStart = Date.now()
          const before = finalsOf(watch.counts())
          yield* Effect.forEach(
            Array.from({ length: Math.ceil(options.warmup / options.batch) }, (_, b) => b),
            (b) =>
              send
                .accept({
                  accountId: warmupAccountId,
                  sender: "Volley",
                  messages: numbers(
                    WARMUP_OFFSET + b * options.batch,
                    Math.min(options.batch, options.warmup - b * options.batch)
                  )
                })
                .pipe(Effect.catchAll((error) => Effect.dieMessage(`warm-up accept refused: ${error._tag}`))),
            { concurrency: options.inFlight, discard: true }
          )
          while (finalsOf(watch.counts()) - before < options.warmup) {
            if (Date.now() - warmStart > 60_000)
              return yield* Effect.dieMessage("the warm-up did not finish in 60 s")
            yield* Effect.sleep("100 millis")
          }
          console.log(
            `[bench] engine: warmed up with ${options.warmup} messages in ${((Date.now() - warmStart) / 1000).toFixed(1)} s (not counted)`
          )
        }
        const eventsBase = watch.counts()

        const total = options.messages
        const batches = Math.ceil(total / options.batch)
        let accepted = 0
        let refused = 0
        const samples: Array<Sample> = []
        const simBase = yield* sim.counts
        const base = engineSubmits(simBase, options.binds)
        const cpuBefore = process.cpuUsage()
        const procBefore = cpuSnapshot()
        const loopDelay = monitorEventLoopDelay({ resolution: 10 })
        loopDelay.enable()
        let profiler = options.profile ? yield* Effect.promise(() => startProfiler("accept")) : undefined
        const t0 = Date.now()

        const sample = Effect.gen(function* () {
          const c = yield* sim.counts
          const now = watch.counts()
          const events: Record<string, number> = {}
          for (const [k, v] of Object.entries(now)) events[k] = v - (eventsBase[k] ?? 0)
          const mem = process.memoryUsage()
          const cpu = process.cpuUsage()
          const machine = cpuSnapshot(false)
          const e = engineSubmits(c, options.binds)
          const s: Sample = {
            t: Date.now() - t0,
            accepted,
            enroute: events.ENROUTE ?? 0,
            finals: FINALS.reduce((sum, f) => sum + (events[f] ?? 0), 0),
            simSubmits: e.submits - base.submits,
            simReceipts: e.receipts - base.receipts,
            rss: mem.rss,
            heapUsed: mem.heapUsed,
            simRss: c.rss,
            cpuMicros: cpu.user + cpu.system,
            simCpuMicros: c.cpuMicros,
            machineBusy: machine.machineBusy,
            machineTotal: machine.machineTotal
          }
          samples.push(s)
          return s
        })
        const monitor = yield* Effect.gen(function* () {
          for (;;) {
            const started = Date.now()
            yield* sample
            yield* Effect.sleep(`${Math.max(0, options.sampleMs - (Date.now() - started))} millis`)
          }
        }).pipe(Effect.fork)

        const acceptBatch = (b: number) =>
          Effect.gen(function* () {
            if (options.rate > 0) {
              const due = t0 + ((b * options.batch) / options.rate) * 1000
              const wait = due - Date.now()
              if (wait > 0) yield* Effect.sleep(`${wait} millis`)
            }
            const from = b * options.batch
            const count = Math.min(options.batch, total - from)
            const result = yield* send
              .accept({ accountId, sender: "Volley", messages: numbers(from, count) })
              .pipe(Effect.catchAll((error) => Effect.dieMessage(`accept refused a batch: ${error._tag}`)))
            accepted += result.accepted.length
            refused += result.refused.length
          })
        yield* Effect.forEach(
          Array.from({ length: batches }, (_, b) => b),
          acceptBatch,
          {
            concurrency: options.inFlight,
            discard: true
          }
        )
        const acceptSeconds = (Date.now() - t0) / 1000
        const acceptEnd = yield* sample
        let acceptProfile: string | undefined
        if (profiler !== undefined) {
          const running = profiler
          acceptProfile = yield* Effect.promise(() => running.stop())
          profiler = yield* Effect.promise(() => startProfiler("delivery"))
        }
        console.log(
          `[bench] engine: ${accepted} accepted (${refused} refused) in ${acceptSeconds.toFixed(2)} s; waiting for final statuses`
        )

        // Done when every accepted message is final in PostgreSQL, or at the deadline (the report then
        // says so). The status events say when to ask; PostgreSQL is also asked when they stall.
        let complete = false
        let lastFinals = -1
        let lastProgressAt = Date.now()
        for (;;) {
          const finals = samples.at(-1)?.finals ?? 0
          if (finals !== lastFinals) {
            lastFinals = finals
            lastProgressAt = Date.now()
          }
          const stalled = Date.now() - lastProgressAt > 5_000
          if (finals >= accepted || stalled) {
            if ((yield* finalCount(monitorDb, accountId)) >= accepted) {
              complete = true
              break
            }
            lastProgressAt = Date.now()
          }
          if (Date.now() > deadlineAt) break
          yield* Effect.sleep(`${options.sampleMs} millis`)
        }
        yield* Fiber.interrupt(monitor)
        const endSample = yield* sample
        const totalSeconds = (Date.now() - t0) / 1000
        const lastProfiler = profiler
        const deliveryProfile =
          lastProfiler === undefined ? undefined : yield* Effect.promise(() => lastProfiler.stop())
        const profiles =
          acceptProfile === undefined || deliveryProfile === undefined
            ? undefined
            : { accept: acceptProfile, delivery: deliveryProfile }
        loopDelay.disable()
        const cpu = process.cpuUsage(cpuBefore)
        const backends = yield* ownBackends(monitorDb, new URL(urls.database).port || "5432")
        const services = cpuDelta(procBefore, cpuSnapshot(), backends)
        const simEnd = yield* sim.counts
        const simDelta = engineSubmits(simEnd, options.binds)
        const sql = yield* sqlFigures(monitorDb, accountId)

        // Where the engine's CPU goes, by phase: after the accepts only submits and receipts are left, so
        // that phase gives their cost per message; the accept phase's CPU minus the submits and receipts
        // it also carried gives the cost of an accept.
        const afterMessages = endSample.finals - acceptEnd.finals
        const afterSeconds = (endSample.t - acceptEnd.t) / 1000
        const deliveryMicros =
          afterMessages > 0 ? (endSample.cpuMicros - acceptEnd.cpuMicros) / afterMessages : 0
        const acceptCpu = acceptEnd.cpuMicros - (cpuBefore.user + cpuBefore.system)
        const carried = (acceptEnd.simSubmits + acceptEnd.finals) / 2
        const stages = {
          submitsPerSecondWhileAccepting: acceptEnd.simSubmits / Math.max(0.001, acceptSeconds),
          submitsPerSecondAfterAccepting:
            (endSample.simSubmits - acceptEnd.simSubmits) / Math.max(0.001, afterSeconds),
          finalsPerSecondAfterAccepting: afterMessages / Math.max(0.001, afterSeconds),
          deliveryCpuMicrosPerMessage: deliveryMicros,
          acceptCpuMicrosPerMessage:
            Math.max(0, acceptCpu - carried * deliveryMicros) / Math.max(1, accepted),
          engineCoreShareAfterAccepting:
            (endSample.cpuMicros - acceptEnd.cpuMicros) / 1e6 / Math.max(0.001, afterSeconds)
        }

        return {
          complete,
          paced: options.rate > 0,
          messages: total,
          accepted,
          refused,
          acceptSeconds,
          totalSeconds,
          acceptedPerSecond: accepted / acceptSeconds,
          submittedPerSecond: phaseRate(samples, (s) => s.simSubmits, accepted),
          receiptsPerSecond: phaseRate(samples, (s) => s.finals, accepted),
          endToEndPerSecond: complete ? accepted / totalSeconds : endSample.finals / totalSeconds,
          samples,
          sql,
          sim: simEnd,
          simSubmits: simDelta.submits - base.submits,
          simDuplicates: simEnd.total.duplicates - simBase.total.duplicates,
          peakRss: Math.max(...samples.map((s) => s.rss)),
          peakSimRss: Math.max(...samples.map((s) => s.simRss)),
          engineCpuMicrosPerMessage: (cpu.user + cpu.system) / Math.max(1, accepted),
          simCpuMicrosPerMessage: (simEnd.cpuMicros - simBase.cpuMicros) / Math.max(1, accepted),
          services,
          stages,
          eventLoopDelayMs: {
            p50: loopDelay.percentile(50) / 1e6,
            p99: loopDelay.percentile(99) / 1e6,
            max: loopDelay.max / 1e6
          },
          profiles
        } satisfies EngineResult
      })

    const infrastructure = StorageLive.pipe(Layer.provideMerge(InfrastructureLive))
    return yield* Effect.gen(function* () {
      const { accountId, warmupAccountId } = yield* seedBenchCatalog(sim.port, options.binds, options.window)
      return yield* run(accountId, warmupAccountId).pipe(Effect.provide(ActorsLive))
    }).pipe(
      Effect.provide(infrastructure),
      Effect.withConfigProvider(provider),
      Logger.withMinimumLogLevel(options.verbose ? LogLevel.Info : LogLevel.Warning)
    )
  })

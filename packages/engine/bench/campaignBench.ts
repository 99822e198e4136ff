/**
 * `npm run bench:campaign -- [--recipients 1000000] [--page 1000] [--deadline 600]`: one personalised
 * campaign of N recipients through the engine as production wires it (CampaignSupervisor → SendService →
 * JetStream → BindActor → the SMSC simulator in a child process → receipts → PostgreSQL), on the
 * machine's PostgreSQL, NATS and Redis. Prints the scheduler's, the binds' and the receipts' rates, the
 * engine's peak RSS over the run, and summary lines a script can read. Removes what it created.
 */
import { parseArgs } from "node:util"
import type { AccountId, CampaignId, GroupId } from "@volley/core"
import { uuid7 } from "@volley/core"
import { ConfigProvider, Duration, Effect, Layer, Logger, LogLevel } from "effect"
import type pg from "pg"
import { ActorsLive, InfrastructureLive, StorageLive } from "../src/Engine.js"
import { int } from "./options.js"
import { printMachine } from "./report.js"
import { bindSystemId, ROUTE_PREFIX, seedBenchCatalog } from "./seed.js"
import {
  benchSchema,
  natsCleanup,
  redisCleanup,
  runNames,
  serviceUrls,
  serviceVersions,
  sweepStaleRuns,
  withSearchPath
} from "./services.js"
import { type SimProcess, startSimProcess } from "./simProcess.js"

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    recipients: { type: "string" },
    page: { type: "string" },
    deadline: { type: "string" },
    window: { type: "string" }
  },
  strict: true
})
const recipients = int("recipients", values.recipients, 1_000_000, 1)
const pageSize = int("page", values.page, 1_000, 1)
const deadlineSeconds = int("deadline", values.deadline, 600, 10)
const window = int("window", values.window, 100, 1)
const startedAt = Date.now()

/** The group filled in PostgreSQL itself: a million contacts in seconds, each with its own fields. */
const fillGroup = (client: pg.Client, accountId: AccountId, count: number) =>
  Effect.promise(async () => {
    const groupId = uuid7() as GroupId
    await client.query("INSERT INTO contact_groups (id, account_id, name) VALUES ($1, $2, 'bench')", [
      groupId,
      accountId
    ])
    await client.query(
      `INSERT INTO contacts (group_id, msisdn, name, fields)
       SELECT $1, '+${ROUTE_PREFIX}' || lpad(i::text, 7, '0'), 'Name' || i,
              jsonb_build_object('code', lpad(((i::int8 * 7919) % 1000000)::text, 6, '0'))
       FROM generate_series(0, $2 - 1) AS i`,
      [groupId, count]
    )
    return groupId
  })

interface Sample {
  readonly t: number
  readonly processed: number
  readonly messages: number
  readonly submits: number
  readonly receipts: number
  readonly delivered: number
  readonly rss: number
}

const progressOf = (client: pg.Client, campaignId: CampaignId) =>
  Effect.promise(() =>
    client.query<{ status: string; processed: string; messages_created: string }>(
      "SELECT status, processed, messages_created FROM campaigns WHERE id = $1",
      [campaignId]
    )
  ).pipe(Effect.map((r) => r.rows[0]!))

const deliveredCount = (client: pg.Client, campaignId: CampaignId) =>
  Effect.promise(() =>
    client.query<{ n: string }>(
      "SELECT count(*) AS n FROM messages WHERE campaign_id = $1 AND status = 'DELIVRD'",
      [campaignId]
    )
  ).pipe(Effect.map((r) => Number(r.rows[0]?.n ?? 0)))

/** Per second between the first sample above zero and the first reaching `target`. */
const rateOf = (samples: ReadonlyArray<Sample>, value: (s: Sample) => number, target: number) => {
  const first = samples.find((s) => value(s) > 0)
  const last = samples.find((s) => value(s) >= target) ?? samples.at(-1)
  if (first === undefined || last === undefined || last.t <= first.t) return 0
  return (value(last) - value(first)) / ((last.t - first.t) / 1000)
}

const run = (client: pg.Client, sim: SimProcess, campaignId: CampaignId) =>
  Effect.gen(function* () {
    const samples: Array<Sample> = []
    const simBase = (yield* sim.counts).bySystemId[bindSystemId(0)]
    const t0 = Date.now()
    let lastPrint = 0
    for (;;) {
      const progress = yield* progressOf(client, campaignId)
      const c = (yield* sim.counts).bySystemId[bindSystemId(0)]
      const sample: Sample = {
        t: Date.now() - t0,
        processed: Number(progress.processed),
        messages: Number(progress.messages_created),
        submits: (c?.submits ?? 0) - (simBase?.submits ?? 0),
        receipts: (c?.receiptsSent ?? 0) - (simBase?.receiptsSent ?? 0),
        delivered: progress.status === "completed" ? yield* deliveredCount(client, campaignId) : 0,
        rss: process.memoryUsage().rss
      }
      samples.push(sample)
      if (sample.t - lastPrint >= 10_000) {
        lastPrint = sample.t
        console.log(
          `[bench] t=${(sample.t / 1000).toFixed(0)} s  created ${sample.messages}  submitted ${sample.submits}  receipts ${sample.receipts}  RSS ${(sample.rss / 2 ** 20).toFixed(0)} MiB`
        )
      }
      if (sample.delivered >= recipients) break
      if (Date.now() > startedAt + (deadlineSeconds - 20) * 1000)
        return yield* Effect.dieMessage("the campaign did not finish before the deadline")
      yield* Effect.sleep(progress.status === "completed" ? "1 second" : "500 millis")
    }
    const end = samples.at(-1)!
    const createdRate = rateOf(samples, (s) => s.messages, recipients)
    const submitRate = rateOf(samples, (s) => s.submits, recipients)
    const receiptRate = rateOf(samples, (s) => s.receipts, recipients)
    const endToEnd = recipients / (end.t / 1000)
    const peakRss = Math.max(...samples.map((s) => s.rss)) / 2 ** 20
    const simCounts = (yield* sim.counts).bySystemId[bindSystemId(0)]
    console.log(`[bench] campaign of ${recipients} recipients, pages of ${pageSize}, 1 bind window ${window}`)
    console.log(`[bench]   messages created (scheduler) ${createdRate.toFixed(0)}/s`)
    console.log(`[bench]   submitted ${submitRate.toFixed(0)}/s, receipts ${receiptRate.toFixed(0)}/s`)
    console.log(
      `[bench]   all ${recipients} DELIVRD in ${(end.t / 1000).toFixed(1)} s: ${endToEnd.toFixed(0)}/s end to end`
    )
    console.log(`[bench]   simulator duplicates: ${simCounts?.duplicates ?? 0}`)
    const rssAt = (fraction: number) => samples[Math.floor((samples.length - 1) * fraction)]!.rss / 2 ** 20
    console.log(
      `[bench]   engine RSS MiB at 25/50/75/100%: ${[0.25, 0.5, 0.75, 1].map((f) => rssAt(f).toFixed(0)).join(" / ")}, peak ${peakRss.toFixed(0)}`
    )
    console.log(`campaign recipients: ${recipients}`)
    console.log(`campaign created/s: ${createdRate.toFixed(0)}`)
    console.log(`campaign submitted/s: ${submitRate.toFixed(0)}`)
    console.log(`campaign receipts/s: ${receiptRate.toFixed(0)}`)
    console.log(`campaign end to end/s: ${endToEnd.toFixed(0)}`)
    console.log(`campaign peak RSS MiB: ${peakRss.toFixed(0)}`)
  })

const program = Effect.gen(function* () {
  printMachine(yield* serviceVersions())
  const sim = yield* startSimProcess({
    defaults: {
      password: "secret",
      receiptsEnabled: true,
      receiptDelayMs: 50,
      receiptMix: { DELIVRD: 1 },
      messageIdFormat: "decimal"
    },
    accounts: { [bindSystemId(0)]: {} },
    seed: 1
  })
  const { prefix, schema } = runNames()
  const urls = serviceUrls()
  yield* sweepStaleRuns(urls)
  const client = yield* benchSchema(urls.database, schema)
  yield* natsCleanup(urls.nats, prefix)
  yield* redisCleanup(urls.redis, prefix)
  const provider = ConfigProvider.fromMap(
    new Map([
      ["DATABASE_URL", withSearchPath(urls.database, schema)],
      ["NATS_URL", urls.nats],
      ["REDIS_URL", urls.redis],
      ["VOLLEY_BUS_PREFIX", prefix],
      ["VOLLEY_SEED_DEMO", "false"],
      ["VOLLEY_CAMPAIGN_PAGE_SIZE", String(pageSize)]
    ])
  )
  yield* Effect.gen(function* () {
    const { accountId } = yield* seedBenchCatalog(sim.port, 1, window)
    const filled = Date.now()
    const groupId = yield* fillGroup(client, accountId, recipients)
    console.log(
      `[bench] group of ${recipients} contacts written in ${((Date.now() - filled) / 1000).toFixed(1)} s`
    )
    const campaignId = uuid7() as CampaignId
    // Running from the start: the supervisor picks it up on its first poll once the actors are up.
    yield* Effect.promise(() =>
      client.query(
        `INSERT INTO campaigns (id, account_id, name, sender, body, group_ids, status, started_at)
         VALUES ($1, $2, 'bench', 'Volley', 'Hi {name}, your code is {code}', ARRAY[$3::uuid], 'running', now())`,
        [campaignId, accountId, groupId]
      )
    )
    yield* run(client, sim, campaignId).pipe(Effect.provide(ActorsLive))
  }).pipe(
    Effect.provide(StorageLive.pipe(Layer.provideMerge(InfrastructureLive))),
    Effect.withConfigProvider(provider),
    Logger.withMinimumLogLevel(LogLevel.Warning)
  )
  console.log(`[bench] finished in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`)
}).pipe(
  Effect.scoped,
  Effect.timeoutFail({
    duration: Duration.seconds(deadlineSeconds),
    onTimeout: () => new Error(`the campaign bench passed its ${deadlineSeconds} s deadline`)
  })
)

Effect.runPromise(program).then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)

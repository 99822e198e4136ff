/**
 * `npm run bench:import -- [--rows 1000000] [--batch 5000] [--invalid-every 100] [--repeat-every 50]`:
 * issue 5's import target (1,000,000 CSV rows at ≥ 50,000 rows/s in bounded memory). A CSV is generated
 * as a stream (never held whole) with invalid rows and rows repeating a number from an earlier batch,
 * and imported through `ContactImport` — what `POST /v1/groups/:id/imports` runs after the HTTP layer —
 * into a fresh schema of the machine's PostgreSQL, dropped at the end. Prints rows/s, CPU and peak RSS.
 */
import { Readable } from "node:stream"
import { parseArgs } from "node:util"
import { AccountsRepo } from "@volley/engine/account/AccountsRepo"
import { ContactImport } from "@volley/engine/contacts/ContactImport"
import { GroupsRepo } from "@volley/engine/contacts/GroupsRepo"
import { pgClientFromUrl } from "@volley/engine/db/Database"
import { MigrationsLive } from "@volley/engine/db/Migrations"
import { RepositoriesLive } from "@volley/engine/db/Repositories"
import { Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import { int } from "../../engine/bench/options.js"
import {
  benchSchema,
  runNames,
  serviceUrls,
  sweepStaleRuns,
  withSearchPath
} from "../../engine/bench/services.js"

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    rows: { type: "string" },
    batch: { type: "string" },
    "invalid-every": { type: "string" },
    "repeat-every": { type: "string" }
  },
  strict: true
})
const options = {
  rows: int("rows", values.rows, 1_000_000, 1),
  batch: int("batch", values.batch, 5_000, 1),
  invalidEvery: int("invalid-every", values["invalid-every"], 100, 1),
  repeatEvery: int("repeat-every", values["repeat-every"], 50, 1)
}

/** Rows back that a repeated row copies: always an earlier batch, so the database tells it apart. */
const REPEAT_DISTANCE = 9_973

/** The CSV, ~64 KiB per chunk; what each row is meant to be is counted as it is produced. */
const csvStream = (rows: number) => {
  const expected = { invalid: 0, repeats: 0 }
  const numberOf = (i: number) => `+38067${String(i % 10_000_000).padStart(7, "0")}`
  async function* chunks() {
    let text = "phone,name,city\n"
    for (let i = 1; i <= rows; i++) {
      if (i % options.invalidEvery === 0) {
        expected.invalid++
        text += `n/a ${i},Row ${i},Kyiv\n`
      } else if (
        i % options.repeatEvery === 0 &&
        i > REPEAT_DISTANCE &&
        (i - REPEAT_DISTANCE) % options.invalidEvery !== 0
      ) {
        expected.repeats++
        text += `${numberOf(i - REPEAT_DISTANCE)},Again ${i},Lviv\n`
      } else {
        text += `${numberOf(i)},Row ${i},Odesa\n`
      }
      if (text.length >= 65_536) {
        yield Buffer.from(text)
        text = ""
      }
    }
    if (text.length > 0) yield Buffer.from(text)
  }
  return { source: Readable.from(chunks(), { objectMode: false }), expected }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`

const program = Effect.gen(function* () {
  const urls = serviceUrls()
  yield* sweepStaleRuns(urls)
  const { schema } = runNames()
  yield* benchSchema(urls.database, schema)
  const storage = ContactImport.Default.pipe(
    Layer.provideMerge(RepositoriesLive),
    Layer.provideMerge(MigrationsLive),
    Layer.provideMerge(pgClientFromUrl(Redacted.make(withSearchPath(urls.database, schema)), 4))
  )
  yield* Effect.gen(function* () {
    const account = yield* (yield* AccountsRepo).create({ name: "Import bench" })
    const group = yield* (yield* GroupsRepo).create(account.id, "Bench")
    const { source, expected } = csvStream(options.rows)

    let peakRss = process.memoryUsage().rss
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss)
    }, 20)
    const rssBefore = process.memoryUsage().rss
    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    const report = yield* (yield* ContactImport)
      .run(account.id, group.id, source, { format: "csv", batchSize: options.batch })
      .pipe(Effect.ensuring(Effect.sync(() => clearInterval(sampler))))
    const seconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    peakRss = Math.max(peakRss, process.memoryUsage().rss)

    const exact =
      report.rowsRead === options.rows &&
      report.invalid === expected.invalid &&
      report.duplicatesInFile === expected.repeats &&
      report.added === options.rows - expected.invalid - expected.repeats
    console.log(`[bench:import] ${options.rows.toLocaleString("en")} CSV rows, batches of ${options.batch}`)
    console.log(
      `  report: read ${report.rowsRead}, added ${report.added}, duplicates in file ${report.duplicatesInFile}, ` +
        `already in group ${report.alreadyInGroup}, invalid ${report.invalid} — ${exact ? "exact" : "MISMATCH"}`
    )
    console.log(
      `  time: ${seconds.toFixed(2)} s → ${Math.round(options.rows / seconds).toLocaleString("en")} rows/s`
    )
    console.log(
      `  process CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s ` +
        `(${((cpu.user + cpu.system) / options.rows).toFixed(1)} µs/row); PostgreSQL works in its own processes`
    )
    console.log(
      `  RSS: ${mib(rssBefore)} before, peak ${mib(peakRss)} (max RSS ${mib(process.resourceUsage().maxRSS * 1024)})`
    )
    if (!exact)
      return yield* Effect.die(new Error(`the report does not match the file: ${JSON.stringify(expected)}`))
  }).pipe(Effect.provide(storage))
})

program
  .pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.Warning), Effect.runPromise)
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })

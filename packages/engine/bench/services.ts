import { randomBytes } from "node:crypto"
import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { Effect } from "effect"
import { Redis } from "ioredis"
import pg from "pg"
import { deleteBusStreams } from "../src/bus/nats/provision.js"

/** Where the services are (DESIGN.md §9); the usual variables point elsewhere. */
export const serviceUrls = () => ({
  database: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  nats: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
  redis: process.env.REDIS_URL ?? "redis://127.0.0.1:6379"
})

export const withSearchPath = (url: string, schema: string) => {
  const u = new URL(url)
  u.searchParams.set("options", `-c search_path=${schema}`)
  return u.toString()
}

/**
 * Names of one run: `bench<t>x<r>` (bus subjects, stream names upper-cased, Redis keys) and
 * `bench_<t>x<r>` (schema), where t is the start time in base 36 — so a later run can tell a leftover of
 * a killed run (SIGKILL leaves no chance to clean up) from a run still going.
 */
export const runNames = () => {
  const tag = `${Date.now().toString(36)}x${randomBytes(3).toString("hex")}`
  return { prefix: `bench${tag}`, schema: `bench_${tag}` }
}

const STALE_MS = 15 * 60_000
const startedAtOf = (name: string) => {
  const m = /^bench_?([0-9a-z]+)x[0-9a-f]+/i.exec(name)
  return m?.[1] === undefined ? undefined : Number.parseInt(m[1].toLowerCase(), 36)
}
const isStale = (name: string) => {
  const at = startedAtOf(name)
  return at !== undefined && Number.isFinite(at) && Date.now() - at > STALE_MS
}

/** Removes what runs older than 15 minutes (the deadline is 5) left behind: they were killed. */
export const sweepStaleRuns = (urls: ReturnType<typeof serviceUrls>) =>
  Effect.promise(async () => {
    const removed: Array<string> = []
    const client = new pg.Client({ connectionString: urls.database })
    await client.connect().catch(() => undefined)
    try {
      const { rows } = await client.query<{ name: string }>(
        "SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'bench\\_%'"
      )
      for (const { name } of rows) {
        if (!isStale(name)) continue
        await client.query(`DROP SCHEMA ${name} CASCADE`)
        removed.push(`schema ${name}`)
      }
    } catch {
      // best effort
    } finally {
      await client.end().catch(() => undefined)
    }
    try {
      const nc = await connect({ servers: urls.nats, name: "volley-bench-sweep" })
      try {
        const jsm = await jetstreamManager(nc)
        for await (const info of jsm.streams.list()) {
          const name = info.config.name
          if (!name.startsWith("BENCH") || !isStale(name)) continue
          await jsm.streams.delete(name)
          removed.push(`stream ${name}`)
        }
      } finally {
        await nc.close()
      }
    } catch {
      // best effort
    }
    try {
      const redis = new Redis(urls.redis, { lazyConnect: true, maxRetriesPerRequest: 1 })
      await redis.connect()
      try {
        let cursor = "0"
        let keys = 0
        do {
          const [next, found] = await redis.scan(cursor, "MATCH", "bench*:*", "COUNT", 1_000)
          cursor = next
          const stale = found.filter((k) => isStale(k))
          if (stale.length > 0) await redis.unlink(...stale)
          keys += stale.length
        } while (cursor !== "0")
        if (keys > 0) removed.push(`${keys} Redis keys`)
      } finally {
        redis.disconnect()
      }
    } catch {
      // best effort
    }
    if (removed.length > 0) console.log(`[bench] removed leftovers of killed runs: ${removed.join(", ")}`)
  })

const warn = (what: string) => (cause: unknown) =>
  Effect.sync(() => console.error(`[bench] cleanup: ${what} failed: ${String(cause)}`))

/**
 * A schema of its own in the database, and a client on it for the bench's own queries (monitoring,
 * latencies). Released last: the schema (and every row of the run) is dropped.
 */
export const benchSchema = (url: string, schema: string, keep = false) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const client = new pg.Client({ connectionString: url, application_name: "volley-bench" })
      await client.connect()
      await client.query(`CREATE SCHEMA ${schema}`)
      await client.query(`SET search_path TO ${schema}`)
      return client
    }),
    (client) =>
      Effect.tryPromise(async () => {
        if (keep) console.log(`[bench] --keep: schema ${schema} left in place`)
        else await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        await client.end()
      }).pipe(Effect.catchAll(warn(`DROP SCHEMA ${schema}`)))
  )

/** On release: the run's JetStream streams (and their consumers) are deleted. */
export const natsCleanup = (url: string, prefix: string) =>
  Effect.addFinalizer(() =>
    Effect.tryPromise(() => deleteBusStreams(url, prefix)).pipe(
      Effect.catchAll(warn(`deleting the NATS streams of ${prefix}`))
    )
  )

/** On release: every Redis key of the run's prefix is deleted. */
export const redisCleanup = (url: string, prefix: string) =>
  Effect.addFinalizer(() =>
    Effect.tryPromise(async () => {
      const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
      await redis.connect()
      try {
        let cursor = "0"
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000)
          cursor = next
          if (keys.length > 0) await redis.unlink(...keys)
        } while (cursor !== "0")
      } finally {
        redis.disconnect()
      }
    }).pipe(Effect.catchAll(warn(`deleting the Redis keys of ${prefix}`)))
  )

/** What the services say they are, for the report (best effort: "?" when one does not answer). */
export const serviceVersions = () =>
  Effect.promise(async () => {
    const urls = serviceUrls()
    const attempt = async (f: () => Promise<string>) => {
      try {
        return await f()
      } catch {
        return "?"
      }
    }
    const postgres = await attempt(async () => {
      const client = new pg.Client({ connectionString: urls.database })
      await client.connect()
      try {
        const r = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")
        return `PostgreSQL ${r.rows[0]?.v ?? "?"}`
      } finally {
        await client.end()
      }
    })
    const nats = await attempt(async () => {
      const nc = await connect({ servers: urls.nats, name: "volley-bench-info" })
      try {
        return `nats-server ${nc.info?.version ?? "?"}`
      } finally {
        await nc.close()
      }
    })
    const redis = await attempt(async () => {
      const r = new Redis(urls.redis, { lazyConnect: true, maxRetriesPerRequest: 1 })
      await r.connect()
      try {
        const info = await r.info("server")
        return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? "?"}`
      } finally {
        r.disconnect()
      }
    })
    return { postgres, nats, redis }
  })

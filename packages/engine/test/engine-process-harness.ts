import { type ChildProcess, spawn } from "node:child_process"
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net"
import { fileURLToPath } from "node:url"
import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer } from "effect"
import { Redis } from "ioredis"
import { BusNats } from "../src/bus/BusNats.js"
import { deleteBusStreams } from "../src/bus/nats/provision.js"
import { RoutingCatalog } from "../src/catalog/RoutingCatalog.js"
import { StorageLive } from "../src/Engine.js"
import { SendService } from "../src/send/SendService.js"
import { uniquePrefix } from "./support/EngineHarness.js"
import { TestDatabase, TestSchema, testDatabaseUrl } from "./support/TestDatabase.js"

/**
 * The engine as a separate OS process (`packages/engine/src/main.ts` under tsx) on the machine's real
 * PostgreSQL, NATS and Redis, for tests that kill it. The test process shares the same schema, bus
 * prefix and Redis prefix, accepts messages through its own SendService (no actors) and runs the SMSC
 * simulator, so what the simulator saw survives the engine's death.
 */

const natsUrl = process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222"
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379"
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))
const engineMain = fileURLToPath(new URL("../src/main.ts", import.meta.url))

/** What a child engine needs to find this suite's schema, streams and keys. */
export interface EngineEnvShape {
  readonly prefix: string
  readonly schema: string
  /** DATABASE_URL, NATS_URL, REDIS_URL and VOLLEY_BUS_PREFIX for the child. */
  readonly env: Readonly<Record<string, string>>
}

export class EngineEnv extends Context.Tag("volley/test/EngineEnv")<EngineEnv, EngineEnvShape>() {}

const deleteStreams = (prefix: string) => Effect.promise(() => deleteBusStreams(natsUrl, prefix))

const deleteRedisKeys = (prefix: string) =>
  Effect.promise(async () => {
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
    try {
      await redis.connect()
      let cursor = "0"
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000)
        if (keys.length > 0) await redis.unlink(keys)
        cursor = next
      } while (cursor !== "0")
    } catch {
      // Cleanup is best effort: a Redis hiccup here must not fail a test that passed.
    } finally {
      redis.disconnect()
    }
  })

/**
 * One suite's infrastructure: a throw-away schema, a bus prefix of its own (streams deleted at the end)
 * and the same prefix for the child's Redis keys (unlinked at the end), plus the repositories the test
 * process needs to seed the catalog, accept messages and read statuses.
 */
export const engineProcessSuite = () => {
  const prefix = uniquePrefix("proc")
  const bus = Layer.unwrapScoped(
    Effect.gen(function* () {
      // Registered first, so it runs after the bus layer has closed (finalizers run in reverse).
      yield* Effect.addFinalizer(() => Effect.zipRight(deleteStreams(prefix), deleteRedisKeys(prefix)))
      return BusNats.layer({ url: natsUrl, prefix })
    })
  )
  const env = Layer.effect(
    EngineEnv,
    Effect.gen(function* () {
      const schema = yield* TestSchema
      const db = new URL(testDatabaseUrl)
      db.searchParams.set("options", `-c search_path=${schema}`)
      return {
        prefix,
        schema,
        env: {
          DATABASE_URL: db.toString(),
          NATS_URL: natsUrl,
          REDIS_URL: redisUrl,
          VOLLEY_BUS_PREFIX: prefix
        }
      }
    })
  )
  // The production storage layers, on the test schema.
  const repos = StorageLive
  return Layer.mergeAll(repos, env).pipe(Layer.provideMerge(bus), Layer.provideMerge(TestDatabase))
}

/** The send path alone (no actors): build it after seeding, the routing catalog is read when it starts. */
export const sendPath = SendService.Default.pipe(Layer.provide(RoutingCatalog.Default))

/** `count` distinct recipients: every message is told apart by its destination at the simulator. */
export const numbers = (prefix: string, count: number, offset = 0) =>
  Array.from({ length: count }, (_, i) => `+${prefix}${String(1_000_000 + offset + i).slice(-7)}`)

export interface MessageRow {
  readonly id: string
  readonly recipient: string
  readonly status: string
  readonly smscMessageId: string | null
  readonly updatedAt: string
  readonly attempts: number
}

/** Every message of the account, with what the accounting needs. */
export const messageRows = (accountId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<MessageRow>`
      SELECT id, recipient, status, smsc_message_id, updated_at, attempts
      FROM messages WHERE account_id = ${accountId}`
  }).pipe(Effect.orDie)

// ---- the child process ----

/** Every engine started and not yet exited, killed if the test process itself goes away first. */
const live = new Set<number>()
process.once("exit", () => {
  for (const pid of live) killGroup(pid, "SIGKILL")
})

const killGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    // Negative pid: the whole process group the child leads (it was spawned detached).
    process.kill(-pid, signal)
  } catch {
    // ESRCH: already gone.
  }
}

export interface EngineExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** Date.now() when the exit was observed. */
  readonly at: number
}

export interface EngineProcess {
  readonly name: string
  readonly pid: number
  /** Sends `signal` to the engine's process group. */
  readonly signal: (signal: NodeJS.Signals) => void
  /** The exit, or undefined while it runs. */
  readonly exited: () => EngineExit | undefined
  /** Waits for the exit at most `timeoutMs`; undefined if it is still running then. */
  readonly awaitExit: (timeoutMs: number) => Effect.Effect<EngineExit | undefined>
  /** The last lines it wrote (stdout and stderr), for diagnostics. */
  readonly tail: (lines?: number) => string
}

const MAX_LINES = 400

/**
 * Starts `node --import tsx packages/engine/src/main.ts` as the leader of its own process group, with the
 * suite's env and `extra` on top. Its output is read continuously (a full pipe would block the engine)
 * and kept for diagnostics. Released by SIGKILL to the whole group, reaped before the scope goes on —
 * also when the test failed.
 */
export const startEngine = (name: string, extra: Readonly<Record<string, string>> = {}) =>
  Effect.gen(function* () {
    const { env } = yield* EngineEnv
    return yield* Effect.acquireRelease(
      Effect.sync(() => spawnEngine(name, { ...env, ...extra })),
      ({ child, engine }) =>
        Effect.gen(function* () {
          // Only while the leader is unreaped: after that its pid (and group id) may belong to someone else.
          // The engine starts no processes of its own, so its group is gone with it.
          if (engine.exited() === undefined) killGroup(child.pid!, "SIGKILL")
          const exit = yield* engine.awaitExit(10_000)
          if (exit === undefined)
            yield* Effect.logWarning(`${name} (pid ${child.pid}) did not exit after SIGKILL`)
        })
    ).pipe(Effect.map(({ engine }) => engine))
  })

const spawnEngine = (name: string, env: Readonly<Record<string, string>>) => {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env }
  // The worker's own loader settings are not the engine's business.
  delete childEnv.NODE_OPTIONS
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", engineMain], {
    cwd: repoRoot,
    env: childEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"]
  })
  if (child.pid === undefined) throw new Error(`${name}: spawn failed`)
  live.add(child.pid)
  const lines: Array<string> = []
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.length === 0) continue
      lines.push(line)
      if (lines.length > MAX_LINES) lines.shift()
    }
  }
  child.stdout?.on("data", keep)
  child.stderr?.on("data", keep)
  let exit: EngineExit | undefined
  const exitPromise = new Promise<EngineExit>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal, at: Date.now() }
      live.delete(child.pid!)
      resolve(exit)
    })
  })
  const engine: EngineProcess = {
    name,
    pid: child.pid,
    signal: (signal) => killGroup(child.pid!, signal),
    exited: () => exit,
    awaitExit: (timeoutMs) =>
      Effect.promise(() => exitPromise).pipe(
        Effect.timeoutTo({ duration: timeoutMs, onTimeout: () => undefined, onSuccess: (e) => e })
      ),
    tail: (n = 60) => lines.slice(-n).join("\n")
  }
  return { child, engine }
}

/**
 * Polls `probe` until `check` holds; dies after `timeoutMs` with the last value and the engines' last
 * output, so a failure on a loaded machine says what the engine was doing. Also dies early when one of
 * `engines` exits on its own.
 */
export const waitUntil = <A, E, R>(
  what: string,
  probe: Effect.Effect<A, E, R>,
  check: (a: A) => boolean,
  options: {
    readonly timeoutMs: number
    readonly everyMs?: number
    readonly engines?: ReadonlyArray<EngineProcess>
  }
) =>
  Effect.gen(function* () {
    const deadline = Date.now() + options.timeoutMs
    for (;;) {
      const value = yield* probe
      if (check(value)) return value
      const died = options.engines?.find((e) => e.exited() !== undefined)
      if (died !== undefined || Date.now() > deadline) {
        const why = died
          ? `${died.name} exited (${JSON.stringify(died.exited())})`
          : `${options.timeoutMs} ms passed`
        const logs = (options.engines ?? []).map((e) => `--- ${e.name} output ---\n${e.tail()}`).join("\n")
        return yield* Effect.dieMessage(`${what}: ${why}; last value ${JSON.stringify(value)}\n${logs}`)
      }
      yield* Effect.sleep(`${options.everyMs ?? 100} millis`)
    }
  })

// ---- an SMPP sniffer between the engine and the simulator ----

export const SMPP = {
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  generic_nack: 0x80000000
} as const

/** One PDU header as it passed through: "out" from the engine to the SMSC, "in" back. */
export interface PduSeen {
  readonly direction: "out" | "in"
  readonly commandId: number
  readonly status: number
  readonly sequence: number
  readonly at: number
}

export interface SniffedConnection {
  readonly id: number
  /** Both directions, in the order the proxy forwarded them (causal: a reply follows what it answers). */
  readonly pdus: ReadonlyArray<PduSeen>
  /** Date.now() when the engine's side closed; undefined while open. */
  readonly closedAt: number | undefined
}

interface Sniffed {
  readonly id: number
  readonly pdus: Array<PduSeen>
  closedAt: number | undefined
}

/** Cuts a byte stream into PDU headers (length, command id, status, sequence), across chunk borders. */
const pduReader = (direction: "out" | "in", onPdu: (pdu: PduSeen) => void) => {
  let pending: Buffer | undefined
  return (chunk: Buffer) => {
    let bytes = pending === undefined ? chunk : Buffer.concat([pending, chunk])
    let offset = 0
    while (bytes.length - offset >= 16) {
      const length = bytes.readUInt32BE(offset)
      if (length < 16 || bytes.length - offset < length) break
      onPdu({
        direction,
        commandId: bytes.readUInt32BE(offset + 4),
        status: bytes.readUInt32BE(offset + 8),
        sequence: bytes.readUInt32BE(offset + 12),
        at: Date.now()
      })
      offset += length
    }
    bytes = bytes.subarray(offset)
    pending = bytes.length > 0 ? bytes : undefined
  }
}

/**
 * A TCP proxy to the simulator that forwards bytes untouched and records every PDU header per
 * connection, so a test can check the order of things on the wire (e.g. every submit_sm_resp reached
 * the engine before its unbind left). Closed with the scope.
 */
export const smppSniffer = (target: { readonly host: string; readonly port: number }) =>
  Effect.acquireRelease(
    Effect.async<{ server: Server; sockets: Set<Socket>; connections: Array<Sniffed> }>((resume) => {
      const sockets = new Set<Socket>()
      const connections: Array<Sniffed> = []
      const track = (socket: Socket) => {
        sockets.add(socket)
        socket.setNoDelay(true)
        socket.on("close", () => sockets.delete(socket))
        socket.on("error", () => {})
      }
      const server = createServer((client) => {
        const sniffed: Sniffed = { id: connections.length + 1, pdus: [], closedAt: undefined }
        const pdus = sniffed.pdus
        connections.push(sniffed)
        const upstream = tcpConnect(target.port, target.host)
        track(client)
        track(upstream)
        const out = pduReader("out", (p) => pdus.push(p))
        const back = pduReader("in", (p) => pdus.push(p))
        client.on("data", (chunk) => {
          out(chunk)
          upstream.write(chunk)
        })
        upstream.on("data", (chunk) => {
          back(chunk)
          client.write(chunk)
        })
        // Half-closes travel on (the SMPP client ends after unbind_resp); a hard close ends both.
        client.on("end", () => upstream.end())
        upstream.on("end", () => client.end())
        client.on("close", () => {
          sniffed.closedAt = Date.now()
          upstream.destroy()
        })
        upstream.on("close", () => client.destroy())
      })
      server.on("error", () => {})
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, sockets, connections })))
    }),
    ({ server, sockets }) =>
      Effect.async<void>((resume) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resume(Effect.void))
      })
  ).pipe(
    Effect.map(({ server, connections }) => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      return {
        port,
        connections: (): ReadonlyArray<SniffedConnection> => connections,
        /** submit_sm sent and not answered yet, over every connection. */
        inFlight: () => {
          let n = 0
          for (const c of connections) n += unanswered(c.pdus).size
          return n
        }
      }
    })
  )

/** Sequence numbers of the submit_sm in `pdus` that no submit_sm_resp or generic_nack answered. */
export const unanswered = (pdus: ReadonlyArray<PduSeen>) => {
  const open = new Set<number>()
  for (const p of pdus) {
    if (p.direction === "out" && p.commandId === SMPP.submit_sm) open.add(p.sequence)
    else if (
      p.direction === "in" &&
      (p.commandId === SMPP.submit_sm_resp || p.commandId === SMPP.generic_nack)
    )
      open.delete(p.sequence)
  }
  return open
}

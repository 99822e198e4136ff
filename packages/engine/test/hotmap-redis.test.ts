import { connect, createServer, type Server, type Socket } from "node:net"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Schedule } from "effect"
import { Redis } from "ioredis"
import { CorrelationStore } from "../src/hotmap/CorrelationStore.js"
import { HotMapError } from "../src/hotmap/errors.js"
import { RateLimiter } from "../src/hotmap/RateLimiter.js"
import * as RedisHotMaps from "../src/hotmap/RedisHotMaps.js"
import { hotMapSuite, measure } from "./hotmap-suite.js"

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"
// one prefix per run: runs (and the two test files' forks) never collide, and cleanup finds every key
const runPrefix = `volley-test-hotmap-${process.pid}-${Date.now().toString(36)}`

afterAll(async () => {
  const redis = new Redis(url)
  try {
    let cursor = "0"
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${runPrefix}:*`, "COUNT", 1000)
      if (keys.length > 0) await redis.unlink(keys)
      cursor = next
    } while (cursor !== "0")
  } finally {
    redis.disconnect()
  }
})

hotMapSuite("redis hot maps", (namespace) => RedisHotMaps.layer({ url, prefix: `${runPrefix}:${namespace}` }))

/** A TCP server on a free port that does `onSocket` with each connection; closed with the scope. */
const tcpServer = (onSocket: (socket: Socket) => void) =>
  Effect.acquireRelease(
    Effect.async<{ server: Server; sockets: Set<Socket>; port: number }>((resume) => {
      const sockets = new Set<Socket>()
      const server = createServer((socket) => {
        sockets.add(socket)
        socket.on("close", () => sockets.delete(socket))
        socket.on("error", () => {})
        onSocket(socket)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        resume(
          Effect.succeed({ server, sockets, port: typeof address === "object" && address ? address.port : 0 })
        )
      })
    }),
    ({ server, sockets }) =>
      Effect.async<void>((resume) => {
        for (const s of sockets) s.destroy()
        server.close(() => resume(Effect.void))
      })
  )

describe("redis hot maps: layout and failures", () => {
  it.live("keys follow <prefix>:corr:<operator>:<smsc id> → messageId:part, with the TTL set", () =>
    Effect.gen(function* () {
      const store = yield* CorrelationStore
      yield* store.putMany([
        { operatorId: "kyivstar", smscMessageId: "0A1B", messageId: "m-42", part: 2, ttlSeconds: 90 }
      ])
      const key = `${runPrefix}:layout:corr:kyivstar:0A1B`
      const raw = yield* Effect.acquireUseRelease(
        Effect.sync(() => new Redis(url)),
        (redis) => Effect.promise(() => Promise.all([redis.get(key), redis.pttl(key)])),
        (redis) => Effect.sync(() => redis.disconnect())
      )
      expect(raw[0]).toBe("m-42:2")
      expect(raw[1]).toBeGreaterThan(85_000)
      expect(raw[1]).toBeLessThanOrEqual(90_000)
    }).pipe(Effect.provide(RedisHotMaps.layer({ url, prefix: `${runPrefix}:layout` })))
  )

  it.live("an unreachable Redis fails the layer with HotMapError instead of hanging", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.scoped(RedisHotMaps.layer({ url: "redis://127.0.0.1:1", prefix: runPrefix }).pipe(Layer.build))
      )
      expect(error).toBeInstanceOf(HotMapError)
      expect(error.reason).toBe("Unavailable")
    })
  )

  it.live("a server that accepts but never answers fails the layer with a Timeout", () =>
    Effect.gen(function* () {
      const { port } = yield* tcpServer(() => {})
      const error = yield* Effect.flip(
        Effect.scoped(
          RedisHotMaps.layer({
            url: `redis://127.0.0.1:${port}`,
            prefix: runPrefix,
            connectTimeoutMs: 300
          }).pipe(Layer.build)
        )
      )
      expect(error.reason).toBe("Timeout")
    }).pipe(Effect.scoped)
  )

  it.live("when Redis goes away, calls fail with HotMapError (no hang, no defect) and recover after", () =>
    Effect.gen(function* () {
      // a proxy to the real Redis that the test can cut and restore
      const target = new URL(url)
      let up = true
      const { sockets, port } = yield* tcpServer((socket) => {
        if (!up) return socket.destroy()
        const upstream = connect(Number(target.port || 6379), target.hostname)
        upstream.on("error", () => socket.destroy())
        socket.on("close", () => upstream.destroy())
        upstream.on("close", () => socket.destroy())
        socket.pipe(upstream).pipe(socket)
      })
      const context = yield* Layer.build(
        RedisHotMaps.layer({
          url: `redis://127.0.0.1:${port}`,
          prefix: `${runPrefix}:cut`,
          commandTimeoutMs: 500
        })
      )
      const store = Context.get(context, CorrelationStore)
      const limiter = Context.get(context, RateLimiter)
      const key = { operatorId: "op", smscMessageId: "cut" }
      yield* store.putMany([{ ...key, messageId: "m", part: 1, ttlSeconds: 60 }])

      up = false
      for (const s of sockets) s.destroy()
      yield* Effect.sleep("50 millis")
      const failures = yield* Effect.all([
        Effect.flip(store.getMany([key])),
        Effect.flip(store.putMany([{ ...key, messageId: "m", part: 1, ttlSeconds: 60 }])),
        Effect.flip(store.takeParked([key])),
        Effect.flip(limiter.take("cut", { ratePerSecond: 1, burst: 1 }))
      ])
      for (const f of failures) expect(f).toBeInstanceOf(HotMapError)

      up = true
      // ioredis reconnects in the background (100 ms, 200 ms, ...); poll until the store answers again
      const back = yield* store
        .getMany([key])
        .pipe(Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("5 seconds"))))
      expect(back).toEqual([{ messageId: "m", part: 1 }])
    }).pipe(Effect.scoped)
  )

  it.live("measured: putMany + getMany of 100,000 entries in batches of 1,000", () =>
    measure("redis", 100_000, 1_000).pipe(
      Effect.tap((found) => Effect.sync(() => expect(found).toBe(100_000))),
      Effect.provide(RedisHotMaps.layer({ url, prefix: `${runPrefix}:bench` }))
    )
  )
})

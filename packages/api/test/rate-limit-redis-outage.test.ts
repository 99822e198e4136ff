import { connect, createServer, type Socket } from "node:net"
import { layer } from "@effect/vitest"
import * as RedisHotMaps from "@volley/engine/hotmap/RedisHotMaps"
import { Context, Effect, Layer } from "effect"
import { apiTest, expectStatus, newSender, testRedisPrefix, testRedisUrl } from "./support/ApiHarness.js"

/** A TCP proxy to the real Redis that the test can cut: Redis going away, as the API sees it. */
class RedisLink extends Context.Tag("volley/test/RedisLink")<
  RedisLink,
  { readonly cut: Effect.Effect<void> }
>() {}

const proxiedRedis = Layer.unwrapScoped(
  Effect.gen(function* () {
    const target = new URL(testRedisUrl)
    const sockets = new Set<Socket>()
    let up = true
    const server = createServer((socket) => {
      if (!up) return socket.destroy()
      sockets.add(socket)
      const upstream = connect(Number(target.port || 6379), target.hostname)
      upstream.on("error", () => socket.destroy())
      socket.on("error", () => upstream.destroy())
      socket.on("close", () => {
        sockets.delete(socket)
        upstream.destroy()
      })
      upstream.on("close", () => socket.destroy())
      socket.pipe(upstream).pipe(socket)
    })
    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resume(Effect.succeed(typeof address === "object" && address ? address.port : 0))
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          for (const s of sockets) s.destroy()
          server.close(() => resume(Effect.void))
        })
    )
    const cut = Effect.sync(() => {
      up = false
      for (const s of sockets) s.destroy()
    })
    return Layer.merge(
      RedisHotMaps.layer({
        url: `redis://127.0.0.1:${port}`,
        prefix: testRedisPrefix(),
        commandTimeoutMs: 500
      }),
      Layer.succeed(RedisLink, { cut })
    )
  })
)

layer(apiTest(proxiedRedis), { excludeTestServices: true })("rate limit when Redis is away", (it) => {
  it.effect("requests are let through (the limiter fails open) rather than refused", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Outage", { rateLimitPerSecond: 1 })
      expectStatus(yield* sender.as("GET", "/v1/balance"), 200)
      expectStatus(yield* sender.as("GET", "/v1/balance"), 429)
      yield* Effect.flatMap(RedisLink, (link) => link.cut)
      for (let i = 0; i < 3; i++) expectStatus(yield* sender.as("GET", "/v1/balance"), 200)
    })
  )
})

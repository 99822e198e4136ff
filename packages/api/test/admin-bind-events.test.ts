import { HttpClient, HttpClientRequest } from "@effect/platform"
import { expect, layer } from "@effect/vitest"
import { SmscSimulator } from "@volley/engine/smsc-sim/SmscSimulator"
import { Chunk, ConfigProvider, Deferred, Effect, Fiber, Layer, Option, Stream } from "effect"
import { ApiWithEngineTest } from "./support/ApiEngineHarness.js"
import { asOperator, call, expectStatus, TEST_ADMIN_TOKEN } from "./support/ApiHarness.js"

// An operator account of the suite's own, so a test can read the stream with a session cookie.
const ApiWithOperator = ApiWithEngineTest.pipe(
  Layer.provide(
    Layer.setConfigProvider(
      ConfigProvider.fromMap(new Map([["VOLLEY_OPERATORS", "eve:live binds"]])).pipe(
        ConfigProvider.orElse(() => ConfigProvider.fromEnv())
      )
    )
  )
)

interface Frame {
  readonly at: number
  readonly binds: ReadonlyArray<{
    readonly bindId: string
    readonly state: string
    readonly [k: string]: unknown
  }>
}

/** Opens the SSE stream and collects `binds` frames until `done` holds for one (bounded by the caller). */
const framesUntil = (done: (frame: Frame) => boolean) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(
      HttpClientRequest.get("/v1/admin/bind-events").pipe(HttpClientRequest.bearerToken(TEST_ADMIN_TOKEN))
    )
    expect(response.status).toBe(200)
    expect(response.headers["content-type"]).toContain("text/event-stream")
    const frames = yield* response.stream.pipe(
      Stream.decodeText(),
      Stream.splitLines,
      // Every event of this endpoint is a `binds` one, so its `data:` line is the frame.
      Stream.filterMap((line) =>
        line.startsWith("data: ")
          ? Option.some(JSON.parse(line.slice("data: ".length)) as Frame)
          : Option.none()
      ),
      Stream.takeUntil(done),
      Stream.runCollect
    )
    return Chunk.toReadonlyArray(frames)
  }).pipe(Effect.scoped, Effect.timeout("10 seconds"))

layer(ApiWithOperator, { excludeTestServices: true })("live bind events (SSE)", (it) => {
  it.scoped("streams every bind with its state, at once and then every second", () =>
    Effect.gen(function* () {
      const sim = yield* SmscSimulator.scoped({ accounts: { ev: {} } })
      expectStatus(
        yield* asOperator("POST", "/v1/admin/operators", {
          id: "op-ev",
          name: "ev",
          defaultValiditySeconds: 86_400
        }),
        201
      )
      expectStatus(
        yield* asOperator("POST", "/v1/admin/routes", {
          id: "op-ev-route",
          name: "ev",
          operatorId: "op-ev",
          prefixes: ["38093"],
          pricePerPartMinor: 10
        }),
        201
      )
      expectStatus(
        yield* asOperator("POST", "/v1/admin/binds", {
          id: "ev-1",
          operatorId: "op-ev",
          host: "127.0.0.1",
          port: sim.port,
          systemId: "ev",
          password: "secret",
          windowSize: 7,
          tps: 50,
          enquireLinkSeconds: 30
        }),
        201
      )
      yield* Effect.gen(function* () {
        const boundIn = (frame: Frame) => frame.binds.some((b) => b.bindId === "ev-1" && b.state === "bound")
        const frames = yield* framesUntil(boundIn)
        const last = frames[frames.length - 1]!
        expect(last.binds.find((b) => b.bindId === "ev-1")).toMatchObject({
          operatorId: "op-ev",
          enabled: true,
          state: "bound",
          tpsCap: 50,
          window: 7,
          lastError: null
        })

        // Nothing changes now, yet frames keep coming at least once a second.
        const quiet = yield* framesUntil(
          (() => {
            let seen = 0
            return () => ++seen === 3
          })()
        )
        const gaps = quiet.slice(1).map((f, i) => f.at - quiet[i]!.at)
        for (const gap of gaps) expect(gap).toBeLessThanOrEqual(1_200)
      }).pipe(Effect.ensuring(Effect.asVoid(asOperator("POST", "/v1/admin/binds/ev-1/disable"))))
    })
  )

  it.effect("refuses a reader without the admin token or a session", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(HttpClientRequest.get("/v1/admin/bind-events"))
      expect(response.status).toBe(401)
    }).pipe(Effect.scoped)
  )

  it.effect("a session cookie's stream ends when its operator signs out", () =>
    Effect.gen(function* () {
      const signedIn = expectStatus(
        yield* call("POST", "/v1/admin/session", { json: { username: "eve", password: "live binds" } }),
        200
      )
      const cookie = String(signedIn.headers["set-cookie"]).split(";")[0]!
      expect(cookie).toMatch(/^volley_operator_session=./)

      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.get("/v1/admin/bind-events").pipe(HttpClientRequest.setHeader("cookie", cookie))
      )
      expect(response.status).toBe(200)
      const firstFrame = yield* Deferred.make<void>()
      const reading = yield* response.stream.pipe(
        Stream.decodeText(),
        Stream.splitLines,
        Stream.filter((line) => line.startsWith("data: ")),
        Stream.tap(() => Deferred.succeed(firstFrame, undefined)),
        Stream.runCount,
        Effect.fork
      )
      yield* Deferred.await(firstFrame)

      expectStatus(yield* call("DELETE", "/v1/admin/session", { headers: { cookie } }), 204)
      // frames go out at least once a second: the next one finds the session gone and the stream ends
      const frames = yield* Fiber.join(reading).pipe(Effect.timeout("5 seconds"))
      expect(frames).toBeGreaterThanOrEqual(1)
      expect((yield* call("GET", "/v1/admin/bind-events", { headers: { cookie } })).status).toBe(401)
    }).pipe(Effect.scoped)
  )
})

import { HttpClient, HttpClientRequest } from "@effect/platform"
import { expect, layer } from "@effect/vitest"
import { SmscSimulator } from "@volley/engine/smsc-sim/SmscSimulator"
import { Chunk, Effect, Option, Stream } from "effect"
import { ApiWithEngineTest } from "./support/ApiEngineHarness.js"
import { asOperator, expectStatus, TEST_ADMIN_TOKEN } from "./support/ApiHarness.js"

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

layer(ApiWithEngineTest, { excludeTestServices: true })("live bind events (SSE)", (it) => {
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
})

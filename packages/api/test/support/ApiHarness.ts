import { randomBytes } from "node:crypto"
import { HttpApiBuilder, HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Bus } from "@volley/engine/bus/Bus"
import { BusInProcess } from "@volley/engine/bus/BusInProcess"
import { CatalogRepo } from "@volley/engine/catalog/CatalogRepo"
import { RoutingCatalog } from "@volley/engine/catalog/RoutingCatalog"
import { RepositoriesLive } from "@volley/engine/db/Repositories"
import type { RateLimiter } from "@volley/engine/hotmap/RateLimiter"
import * as RedisHotMaps from "@volley/engine/hotmap/RedisHotMaps"
import { MessagesRepo } from "@volley/engine/message/MessagesRepo"
import { SendService } from "@volley/engine/send/SendService"
import { Effect, Layer, Redacted } from "effect"
import { TestDatabase } from "../../../engine/test/support/TestDatabase.js"
import { AdminToken } from "../../src/auth/AdminToken.js"
import { HttpRoutes } from "../../src/Server.js"

export const TEST_ADMIN_TOKEN = "test-admin-token-not-for-production"

/** The machine's Redis under a key prefix of this suite's own (rate buckets expire by themselves). */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379"
export const testRedisPrefix = () => `volley-test-api-${randomBytes(4).toString("hex")}`

/**
 * The API on a real listening server (NodeHttpServer.layerTest: port 0, with an HttpClient pointed at
 * it), over the real PostgreSQL (a throw-away schema) and Redis, with the engine's send path publishing
 * to an in-process bus of the suite's own (no binds: sent messages stay QUEUED, their jobs on the bus).
 * Also provides the repositories, the bus and the routing catalog, for setting up and checking what the
 * API can't, and whatever else `hotMaps` provides.
 */
export const apiTest = <A, E>(hotMaps: Layer.Layer<A | RateLimiter, E>) =>
  HttpApiBuilder.serve().pipe(
    Layer.provide(HttpRoutes),
    Layer.provideMerge(NodeHttpServer.layerTest),
    Layer.provideMerge(SendService.Default.pipe(Layer.provideMerge(RoutingCatalog.Default))),
    Layer.provideMerge(
      Layer.mergeAll(
        RepositoriesLive,
        MessagesRepo.Default,
        BusInProcess.layerWith({ prefix: `api${randomBytes(4).toString("hex")}` }),
        hotMaps,
        Layer.succeed(AdminToken, Redacted.make(TEST_ADMIN_TOKEN))
      ).pipe(Layer.provideMerge(TestDatabase))
    )
  )

export const ApiTest = apiTest(RedisHotMaps.layer({ url: testRedisUrl, prefix: testRedisPrefix() }))

export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies of many shapes
  readonly body: any
}

export interface CallOptions {
  readonly token?: string | undefined
  /** A value sent as JSON. */
  readonly json?: unknown
  /** A raw body sent as `application/json` (for malformed JSON). */
  readonly raw?: string | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
}

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/** One real HTTP request; the reply's body parsed as JSON when there is one. */
export const call = (method: Method, path: string, options: CallOptions = {}) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method)(path)
    if (options.token !== undefined) request = HttpClientRequest.bearerToken(request, options.token)
    if (options.json !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, options.json)
    if (options.raw !== undefined)
      request = HttpClientRequest.bodyText(request, options.raw, "application/json")
    if (options.headers !== undefined) request = HttpClientRequest.setHeaders(request, options.headers)
    const response = yield* client.execute(request)
    const text = yield* response.text
    const json = response.headers["content-type"]?.startsWith("application/json") ?? false
    return {
      status: response.status,
      headers: response.headers,
      body: text === "" ? undefined : json ? JSON.parse(text) : text
    }
  }).pipe(Effect.scoped, Effect.orDie) as Effect.Effect<Reply, never, HttpClient.HttpClient>

export const asOperator = (method: Method, path: string, json?: unknown) =>
  call(method, path, { token: TEST_ADMIN_TOKEN, json })

export const asSender = (key: string) => (method: Method, path: string, json?: unknown) =>
  call(method, path, { token: key, json })

/** Fails the test with the reply when the status is not the expected one. */
export const expectStatus = (reply: Reply, status: number): Reply => {
  if (reply.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`)
  }
  return reply
}

export interface Sender {
  readonly accountId: string
  readonly key: string
  readonly keyId: string
  readonly as: ReturnType<typeof asSender>
}

/** An account opened by the operator, with a key minted for it: what a new customer gets. */
export const newSender = (name: string, options: { bonusMinor?: number; rateLimitPerSecond?: number } = {}) =>
  Effect.gen(function* () {
    const account = expectStatus(
      yield* asOperator("POST", "/v1/admin/accounts", { name, bonusMinor: options.bonusMinor }),
      201
    ).body
    const created = expectStatus(
      yield* asOperator("POST", `/v1/admin/accounts/${account.id}/keys`, {
        name: "test",
        rateLimitPerSecond: options.rateLimitPerSecond ?? 1_000
      }),
      201
    ).body
    const key: string = created.plaintext
    return { accountId: account.id, key, keyId: created.key.id, as: asSender(key) } satisfies Sender
  })

/** The one route the send tests use: Ukrainian numbers, priced per part. */
export const UA_ROUTE = "ua-kyivstar"
export const PRICE_PER_PART = 17

/** Seeds the route (idempotent) and recompiles the in-memory catalog the send path reads. */
export const seedRoute = Effect.gen(function* () {
  const catalog = yield* CatalogRepo
  yield* catalog.upsertOperator({ id: "kyivstar", name: "Kyivstar", defaultValiditySeconds: 259_200 })
  yield* catalog.upsertRoute({
    id: UA_ROUTE,
    name: "Ukraine via Kyivstar",
    operatorId: "kyivstar",
    prefixes: ["380"],
    pricePerPartMinor: PRICE_PER_PART
  })
  yield* (yield* RoutingCatalog).reload
}).pipe(Effect.orDie)

/** An activated account with `balanceMinor` to spend (its bonus), a key, and the route seeded. */
export const newActiveSender = (name: string, balanceMinor: number) =>
  Effect.gen(function* () {
    yield* seedRoute
    const sender = yield* newSender(name, { bonusMinor: balanceMinor })
    expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/activate`), 200)
    return sender
  })

/** Submit jobs waiting on the route's queue (nothing consumes them in these suites). */
export const queuedJobs = Effect.flatMap(Bus, (bus) => bus.queueDepth(UA_ROUTE)).pipe(
  Effect.map((depth) => depth.pending + depth.inFlight),
  Effect.orDie
)

/** The balance as the account itself reads it. */
export const balanceOf = (sender: Sender) =>
  Effect.map(sender.as("GET", "/v1/balance"), (reply) => expectStatus(reply, 200).body.balanceMinor as number)

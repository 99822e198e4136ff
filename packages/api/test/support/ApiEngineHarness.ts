import { randomBytes } from "node:crypto"
import { HttpApiBuilder } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { BusNats } from "@volley/engine/bus/BusNats"
import { StorageLive } from "@volley/engine/Engine"
import * as RedisHotMaps from "@volley/engine/hotmap/RedisHotMaps"
import { Layer, Redacted } from "effect"
import { bindActors } from "../../../engine/test/support/BindScenario.js"
import { TestDatabase } from "../../../engine/test/support/TestDatabase.js"
import { AdminToken } from "../../src/auth/AdminToken.js"
import { HttpRoutes } from "../../src/Server.js"
import { TEST_ADMIN_TOKEN, testRedisUrl } from "./ApiHarness.js"

// The layers below provide TestSchema: other packages' test declarations (the admin UI's) name it from here.
export type { TestSchema } from "../../../engine/test/support/TestDatabase.js"

/**
 * The API in one process with the engine's `actors`, as `npm start` runs them (e.g. `bindActors()`, or
 * `campaignActors(...)` for the campaign supervisor too), on the machine's PostgreSQL (a throw-away
 * schema), JetStream and Redis under a prefix of the suite's own: `suite` and a random suffix, so
 * suites never see each other's messages. Binds are started from the catalog the tests write through
 * the API.
 */
export const apiWithEngine = <A, E, R>(suite: string, actors: Layer.Layer<A, E, R>) => {
  const prefix = `${suite}${randomBytes(4).toString("hex")}`
  return HttpApiBuilder.serve().pipe(
    Layer.provide(HttpRoutes),
    Layer.provideMerge(NodeHttpServer.layerTest),
    Layer.provideMerge(actors),
    Layer.provideMerge(
      StorageLive.pipe(
        Layer.provideMerge(
          Layer.mergeAll(
            BusNats.layer({ url: process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222", prefix }),
            RedisHotMaps.layer({ url: testRedisUrl, prefix }),
            Layer.succeed(AdminToken, Redacted.make(TEST_ADMIN_TOKEN))
          )
        ),
        Layer.provideMerge(TestDatabase)
      )
    )
  )
}

/** The API with the bind supervisor (fast test tuning), the send path and the receipt correlator. */
export const ApiWithEngineTest = apiWithEngine("tapi", bindActors())

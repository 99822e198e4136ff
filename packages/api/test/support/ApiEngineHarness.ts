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

const prefix = `tapi${randomBytes(4).toString("hex")}`

/**
 * The API in one process with the engine's actors, as `npm start` runs them: the bind supervisor (fast
 * test tuning), the send path and the receipt correlator, on the machine's PostgreSQL (a throw-away
 * schema), JetStream and Redis under a prefix of the suite's own. Binds are started from the catalog the
 * tests write through the API.
 */
export const ApiWithEngineTest = HttpApiBuilder.serve().pipe(
  Layer.provide(HttpRoutes),
  Layer.provideMerge(NodeHttpServer.layerTest),
  Layer.provideMerge(bindActors()),
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

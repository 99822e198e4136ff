import { randomBytes } from "node:crypto"
import { HttpApiBuilder } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { BusNats } from "@volley/engine/bus/BusNats"
import { CampaignSupervisor } from "@volley/engine/campaign/CampaignSupervisor"
import { CampaignTuning } from "@volley/engine/campaign/CampaignTuning"
import { StorageLive } from "@volley/engine/Engine"
import * as RedisHotMaps from "@volley/engine/hotmap/RedisHotMaps"
import { SendService } from "@volley/engine/send/SendService"
import { ConfigProvider, Layer, Redacted } from "effect"
import { AdminToken } from "../../../api/src/auth/AdminToken.js"
import { HttpRoutes } from "../../../api/src/Server.js"
import { TEST_ADMIN_TOKEN, testRedisUrl } from "../../../api/test/support/ApiHarness.js"
import { bindActors } from "../../../engine/test/support/BindScenario.js"
import { TestDatabase } from "../../../engine/test/support/TestDatabase.js"

export const OPERATOR = { username: "e2e-operator", password: "e2e-password-1234" }

const prefix = `tui${randomBytes(4).toString("hex")}`

// The test's operator account; everything else as the environment says.
const config = ConfigProvider.fromMap(
  new Map([["VOLLEY_OPERATORS", `${OPERATOR.username}:${OPERATOR.password}`]])
).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))

/**
 * What `npm start` runs, on the machine's services under names of this suite's own (a throw-away
 * Postgres schema, a NATS stream and Redis key prefix), listening on a free port: the API with the built
 * admin UI, the bind supervisor with the tests' fast reconnects, the send path, the receipt correlator and
 * the campaign supervisor (small pages, so a rate cap spreads a campaign over seconds). The bind's
 * connect-and-bind may take 5 s, so a test can hold it in "connecting".
 */
export const PlatformUnderTest = HttpApiBuilder.serve().pipe(
  Layer.provide(HttpRoutes),
  Layer.provideMerge(NodeHttpServer.layerTest),
  Layer.provideMerge(
    CampaignSupervisor.layer.pipe(
      Layer.provide(SendService.Default),
      Layer.provide(CampaignTuning.layer({ pageSize: 5, pollIntervalMs: 100 })),
      Layer.provideMerge(bindActors({ connectTimeoutMs: 5_000 }))
    )
  ),
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
  ),
  Layer.provide(Layer.setConfigProvider(config))
)

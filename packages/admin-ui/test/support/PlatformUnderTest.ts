import { ConfigProvider, Layer } from "effect"
import { apiWithEngine } from "../../../api/test/support/ApiEngineHarness.js"
import { campaignActors } from "../../../engine/test/support/CampaignFixtures.js"

export const OPERATOR = { username: "e2e-operator", password: "e2e-password-1234" }

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
export const PlatformUnderTest = apiWithEngine(
  "tui",
  campaignActors({ pageSize: 5, pollIntervalMs: 100 }, { connectTimeoutMs: 5_000 })
).pipe(Layer.provide(Layer.setConfigProvider(config)))

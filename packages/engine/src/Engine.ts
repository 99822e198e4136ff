import { Config, Duration, Effect, Layer, Option } from "effect"
import { BindSupervisor } from "./bind/BindSupervisor.js"
import { BindTuning } from "./bind/BindTuning.js"
import { BusLive } from "./bus/BusLive.js"
import { CampaignSupervisor } from "./campaign/CampaignSupervisor.js"
import { CampaignTuning } from "./campaign/CampaignTuning.js"
import { CatalogChanges } from "./catalog/CatalogChanges.js"
import { RoutingCatalog } from "./catalog/RoutingCatalog.js"
import { DatabaseLive } from "./db/Database.js"
import { MigrationsLive } from "./db/Migrations.js"
import { RepositoriesLive } from "./db/Repositories.js"
import { DlrCorrelator } from "./dlr/DlrCorrelator.js"
import { HotMapsLive } from "./hotmap/HotMapsLive.js"
import { IdempotencyKeySweeper } from "./idempotency/IdempotencyKeySweeper.js"
import { MessagesRepo } from "./message/MessagesRepo.js"
import { MessageTransitions } from "./message/MessageTransitions.js"
import { Recovery } from "./recovery/Recovery.js"
import { SendService } from "./send/SendService.js"
import { WebhookDispatcher } from "./webhook/WebhookDispatcher.js"

/** Postgres (migrated), the bus and the hot maps: real services when their URLs are set, else embedded. */
export const InfrastructureLive = Layer.mergeAll(BusLive, HotMapsLive).pipe(
  Layer.provideMerge(MigrationsLive),
  Layer.provideMerge(DatabaseLive)
)

/**
 * Effect's tracer, off in the processes we run: nothing exports spans (no OpenTelemetry layer is wired),
 * and making them cost ≈ 13% of a single send's CPU in `npm run bench:api`. The spans stay in the code:
 * wire an exporter instead of this layer to see them.
 */
export const TracingOff = Layer.setTracerEnabled(false)

/** Repositories and the batched status writes, on whatever SqlClient is provided. */
export const StorageLive = Layer.mergeAll(RepositoriesLive, MessagesRepo.Default, MessageTransitions.Default)

/** An optional duration in milliseconds from the environment; unset leaves the worker's own default. */
const optionalMillis = (name: string) =>
  Config.option(Config.integer(name)).pipe(
    Config.map((ms) => Option.getOrUndefined(Option.map(ms, Duration.millis)))
  )

/**
 * The recovery sweepers, timed from the environment when asked (operators tune them; the process tests
 * need a crash's leftovers re-published in seconds, not after the 2-minute production timeout).
 */
const RecoveryLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const outboxInterval = yield* optionalMillis("VOLLEY_OUTBOX_INTERVAL_MS")
    const outboxTimeout = yield* optionalMillis("VOLLEY_OUTBOX_TIMEOUT_MS")
    const noReportInterval = yield* optionalMillis("VOLLEY_NOREPORT_INTERVAL_MS")
    const noReportGrace = yield* optionalMillis("VOLLEY_NOREPORT_GRACE_MS")
    return Recovery.layer({
      outbox: { interval: outboxInterval, publishTimeout: outboxTimeout },
      noReport: { interval: noReportInterval, grace: noReportGrace }
    })
  })
)

/**
 * The engine's actors (DESIGN.md §1): a BindActor per enabled bind, a CampaignScheduler per running
 * campaign, the DLR correlator, the recovery sweepers, the idempotency-key sweeper, and the send path
 * that feeds them; CatalogChanges applies catalog changes announced by other processes to the binds.
 * Needs storage and infrastructure; the catalog must be seeded before it is built (the routing catalog
 * and the binds are read at start).
 */
export const ActorsLive = Layer.mergeAll(
  SendService.Default,
  BindSupervisor.Default,
  CatalogChanges.Default.pipe(Layer.provide(BindSupervisor.Default)),
  DlrCorrelator.layer(),
  RecoveryLive,
  WebhookDispatcher.layer(),
  IdempotencyKeySweeper.layer,
  CampaignSupervisor.layer.pipe(Layer.provide(SendService.Default))
).pipe(
  Layer.provideMerge(RoutingCatalog.Default),
  Layer.provide(BindTuning.fromEnv),
  Layer.provide(CampaignTuning.fromEnv)
)

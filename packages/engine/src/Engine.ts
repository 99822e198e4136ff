import { Layer } from "effect"
import { BindSupervisor } from "./bind/BindSupervisor.js"
import { BusLive } from "./bus/BusLive.js"
import { RoutingCatalog } from "./catalog/RoutingCatalog.js"
import { DatabaseLive } from "./db/Database.js"
import { MigrationsLive } from "./db/Migrations.js"
import { RepositoriesLive } from "./db/Repositories.js"
import { DlrCorrelator } from "./dlr/DlrCorrelator.js"
import { HotMapsLive } from "./hotmap/HotMapsLive.js"
import { MessagesRepo } from "./message/MessagesRepo.js"
import { MessageTransitions } from "./message/MessageTransitions.js"
import { Recovery } from "./recovery/Recovery.js"
import { SendService } from "./send/SendService.js"

/** Postgres (migrated), the bus and the hot maps: real services when their URLs are set, else embedded. */
export const InfrastructureLive = Layer.mergeAll(BusLive, HotMapsLive).pipe(
  Layer.provideMerge(MigrationsLive),
  Layer.provideMerge(DatabaseLive)
)

/** Repositories and the batched status writes, on whatever SqlClient is provided. */
export const StorageLive = Layer.mergeAll(RepositoriesLive, MessagesRepo.Default, MessageTransitions.Default)

/**
 * The engine's actors (DESIGN.md §1): a BindActor per enabled bind, the DLR correlator, the recovery
 * sweepers, and the send path that feeds them. Needs storage and infrastructure; the catalog must be
 * seeded before it is built (the routing catalog and the binds are read at start).
 */
export const ActorsLive = Layer.mergeAll(
  SendService.Default,
  BindSupervisor.Default,
  DlrCorrelator.layer(),
  Recovery.layer()
).pipe(Layer.provideMerge(RoutingCatalog.Default))

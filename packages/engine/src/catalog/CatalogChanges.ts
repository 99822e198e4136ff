import { randomUUID } from "node:crypto"
import { Config, Duration, Effect, Fiber, Option, Stream } from "effect"
import { BindSupervisor } from "../bind/BindSupervisor.js"
import { Bus } from "../bus/Bus.js"
import { supervise } from "../recovery/supervise.js"
import { RoutingCatalog } from "./RoutingCatalog.js"

/**
 * Makes a stored catalog change live: in this process, the send path's routing snapshot is recompiled,
 * then the bind supervisor (when binds run here) starts new binds, restarts changed ones and stops
 * disabled ones; then every other process on the bus is told, and does the same (a separate engine
 * process, other API instances). One change at a time per process: two overlapping reconciles could each
 * start the same bind. Each runs in a fiber of its own that the caller only awaits, so a client hanging
 * up can't leave actors half swapped (and not `uninterruptible`: actors forked there would inherit it).
 *
 * Announcements are fire and forget, so every process also reads the catalog again every
 * `VOLLEY_CATALOG_RESYNC_SECONDS` (60): one that was cut off from NATS when a change was announced, or a
 * change made by hand in SQL, is caught up within that.
 */
export class CatalogChanges extends Effect.Service<CatalogChanges>()("volley/CatalogChanges", {
  scoped: Effect.gen(function* () {
    const catalog = yield* RoutingCatalog
    const bus = yield* Bus
    const supervisor = yield* Effect.serviceOption(BindSupervisor)
    const oneAtATime = yield* Effect.makeSemaphore(1)
    const origin = randomUUID()
    const resyncEvery = yield* Config.integer("VOLLEY_CATALOG_RESYNC_SECONDS").pipe(
      Config.withDefault(60),
      Config.validate({ message: "a whole number of seconds, at least 1", validation: (n) => n >= 1 })
    )

    // The change is already stored: a bus failure here is logged, and the next change or restart retries.
    const reconcile = Option.match(supervisor, {
      onNone: () => Effect.void,
      onSome: (binds) =>
        binds.reconcile.pipe(
          Effect.asVoid,
          Effect.catchAll((error) => Effect.logError("binds not reconciled after a catalog change", error))
        )
    })

    const serialized = <A, E>(effect: Effect.Effect<A, E>) =>
      oneAtATime.withPermits(1)(effect).pipe(Effect.forkDaemon, Effect.flatMap(Fiber.join))

    const applyHere = serialized(Effect.zipRight(catalog.reload, reconcile))

    const announce = bus
      .announce("catalog", origin)
      .pipe(
        Effect.catchAll((error) =>
          Effect.logWarning(
            "catalog change not announced: other processes see it at their next change",
            error
          )
        )
      )

    // Changes announced by other processes, and the periodic resync; a failed reload is retried by the
    // supervisor's restart.
    const resyncs = Stream.tick(Duration.seconds(resyncEvery)).pipe(Stream.drop(1))
    yield* Effect.forkScoped(
      supervise(
        "catalog-changes",
        Stream.merge(bus.announcements("catalog", origin), resyncs).pipe(Stream.runForEach(() => applyHere))
      )
    )

    return {
      /** After every catalog write: live here when it returns, and announced to the other processes. */
      apply: Effect.zipRight(applyHere, announce).pipe(Effect.withSpan("CatalogChanges.apply")),
      /** Drops and re-establishes a running bind's session; false when no actor runs it here. */
      restartBind: (bindId: string) =>
        Option.match(supervisor, {
          onNone: () => Effect.succeed(false),
          onSome: (binds) =>
            serialized(
              binds
                .restart(bindId)
                .pipe(
                  Effect.catchAll((error) => Effect.as(Effect.logError("bind not restarted", error), false))
                )
            )
        }).pipe(Effect.withSpan("CatalogChanges.restartBind"))
    } as const
  })
}) {}

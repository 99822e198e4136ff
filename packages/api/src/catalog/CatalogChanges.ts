import { BindSupervisor } from "@volley/engine/bind/BindSupervisor"
import { RoutingCatalog } from "@volley/engine/catalog/RoutingCatalog"
import { Effect, Fiber, Option } from "effect"

/**
 * Makes a stored catalog change live in this process: the send path's routing snapshot is recompiled,
 * then the bind supervisor (when the engine runs here, as under `npm start`) starts new binds, restarts
 * changed ones and stops disabled ones. One change at a time: two overlapping reconciles could each
 * start the same bind. Each runs in a fiber of its own that the request only awaits, so a client hanging
 * up can't leave actors half swapped (and not `uninterruptible`: actors forked there would inherit it).
 */
export class CatalogChanges extends Effect.Service<CatalogChanges>()("volley/api/CatalogChanges", {
  effect: Effect.gen(function* () {
    const catalog = yield* RoutingCatalog
    const supervisor = yield* Effect.serviceOption(BindSupervisor)
    const oneAtATime = yield* Effect.makeSemaphore(1)

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

    return {
      /** After every catalog write. */
      apply: serialized(Effect.zipRight(catalog.reload, reconcile)).pipe(
        Effect.withSpan("CatalogChanges.apply")
      ),
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

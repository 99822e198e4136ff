import type { BindId, RouteId } from "@volley/core"
import type { Bind, Route } from "@volley/core/catalog/Catalog"
import type { BindDiagnostics } from "@volley/engine/bind/BindActor"
import { BindSupervisor } from "@volley/engine/bind/BindSupervisor"
import { Bus } from "@volley/engine/bus/Bus"
import { CatalogRepo } from "@volley/engine/catalog/CatalogRepo"
import { RouteBacklog } from "@volley/engine/catalog/RouteBacklog"
import { Effect, Option } from "effect"
import { BindActorView, BindStateView, RouteQueueView } from "./BindsApi.js"

const actorView = ({ bindId: _, state: __, ...counts }: BindDiagnostics) => new BindActorView(counts)

/**
 * The catalog as it runs: each bind's supervisor diagnostics (when the engine runs in this process) joined
 * with its stored settings and the backlog of each route of its operator.
 */
export class CatalogState extends Effect.Service<CatalogState>()("volley/api/CatalogState", {
  effect: Effect.gen(function* () {
    const repo = yield* CatalogRepo
    const backlog = yield* RouteBacklog
    const bus = yield* Bus
    const supervisor = yield* Effect.serviceOption(BindSupervisor)

    const queues = (routes: ReadonlyArray<Route>) =>
      Effect.gen(function* () {
        const counts = yield* backlog.of(routes.map((r) => r.id))
        // A bus that does not answer leaves its figures null; the Postgres counts still say enough.
        const depths = yield* Effect.forEach(
          routes,
          (route) => bus.queueDepth(route.id).pipe(Effect.option, Effect.map(Option.getOrNull)),
          { concurrency: 8 }
        )
        return routes.map(
          (route, i) =>
            new RouteQueueView({
              routeId: route.id,
              routeEnabled: route.enabled,
              queuedMessages: counts[i]?.queued ?? 0,
              submittingMessages: counts[i]?.submitting ?? 0,
              busEntriesPending: depths[i]?.pending ?? null,
              busEntriesInFlight: depths[i]?.inFlight ?? null
            })
        )
      })

    const views = (binds: ReadonlyArray<Bind>) =>
      Effect.gen(function* () {
        const [running, diagnostics] = Option.isSome(supervisor)
          ? yield* Effect.all([supervisor.value.running, supervisor.value.diagnostics])
          : [[], []]
        const byBind = new Map(diagnostics.map((d) => [d.bindId, d]))
        const operators = new Set(binds.map((b) => b.operatorId))
        const routes = (yield* repo.listRoutes()).filter((r) => operators.has(r.operatorId))
        const routeQueues = yield* queues(routes)
        const queueOf = new Map<RouteId, RouteQueueView>(routeQueues.map((q) => [q.routeId, q]))
        return binds.map((bind) => {
          const diagnostic = byBind.get(bind.id)
          // Started but not yet reporting: its first session is being opened.
          const state = diagnostic?.state ?? (running.includes(bind.id) ? "connecting" : undefined)
          return new BindStateView({
            bindId: bind.id,
            operatorId: bind.operatorId,
            enabled: bind.enabled,
            windowSize: bind.windowSize,
            tps: bind.tps,
            state: state ?? (bind.enabled ? "stopped" : "disabled"),
            actor: diagnostic === undefined ? null : actorView(diagnostic),
            routes: routes
              .filter((r) => r.operatorId === bind.operatorId)
              .flatMap((r) => queueOf.get(r.id) ?? [])
          })
        })
      })

    return {
      binds: Effect.flatMap(repo.listBinds(), views).pipe(Effect.withSpan("CatalogState.binds")),
      bind: (bindId: BindId) =>
        repo.getBind(bindId).pipe(
          Effect.flatMap((bind) => views([bind])),
          Effect.map((views) => views[0]!),
          Effect.withSpan("CatalogState.bind")
        ),
      routeQueue: (routeId: RouteId) =>
        repo.getRoute(routeId).pipe(
          Effect.flatMap((route) => queues([route])),
          Effect.map((queues) => queues[0]!),
          Effect.withSpan("CatalogState.routeQueue")
        )
    } as const
  })
}) {}

import { createHash } from "node:crypto"
import type { Bind } from "@volley/core/catalog/Catalog"
import { Effect, Exit, Fiber, Redacted, Ref, Scope } from "effect"
import { Bus } from "../bus/Bus.js"
import { type CatalogSnapshot, RoutingCatalog } from "../catalog/RoutingCatalog.js"
import type { CorrelationStore } from "../hotmap/CorrelationStore.js"
import type { MessageTransitions } from "../message/MessageTransitions.js"
import {
  type BindActorConfig,
  type BindDiagnostics,
  type DiagnosticsCell,
  runBindActor
} from "./BindActor.js"
import { BindTuning, type BindTuningSettings } from "./BindTuning.js"

interface Running {
  readonly key: string
  readonly scope: Scope.CloseableScope
  readonly fiber: Fiber.RuntimeFiber<void, never>
  readonly diagnostics: DiagnosticsCell
}

/** What makes a running actor stale: any change to its bind, its operator's routes or id format. */
const configKey = (config: BindActorConfig) =>
  JSON.stringify({
    ...config.bind,
    // A digest, so a changed password restarts the bind without the key holding the secret.
    password: createHash("sha256").update(Redacted.value(config.bind.password)).digest("hex"),
    createdAt: undefined,
    updatedAt: undefined,
    routes: config.routes,
    format: config.messageIdFormat
  })

const actorConfigs = (
  snapshot: CatalogSnapshot,
  tuning: BindTuningSettings
): ReadonlyArray<BindActorConfig> =>
  snapshot.binds
    .filter((bind: Bind) => bind.enabled && bind.bindType !== "receiver")
    .map((bind) => ({
      bind,
      routes: [...snapshot.routes.values()]
        .filter((route) => route.operatorId === bind.operatorId && route.enabled)
        .map((route) => route.id),
      messageIdFormat: snapshot.operators.get(bind.operatorId)?.messageIdFormat ?? "string",
      tuning
    }))

/**
 * One supervised BindActor per enabled bind of the catalog (DESIGN.md §1). `reconcile` starts new binds,
 * restarts changed ones and stops removed or disabled ones, without touching the others — so an admin's
 * change takes effect without restarting the process. Each actor runs in its own scope: stopping it
 * drains its in-flight submits and unbinds. Closing the supervisor stops them all, in parallel.
 */
export class BindSupervisor extends Effect.Service<BindSupervisor>()("volley/BindSupervisor", {
  scoped: Effect.gen(function* () {
    const catalog = yield* RoutingCatalog
    const bus = yield* Bus
    const context = yield* Effect.context<Bus | MessageTransitions | CorrelationStore>()
    const running = yield* Ref.make(new Map<string, Running>())
    /** Each route's consumer as last ensured (its max-ack-pending). */
    const ensured = new Map<string, number>()
    // Production defaults unless a BindTuning layer says otherwise (tests: short timeouts).
    const tuning = yield* BindTuning

    const stop = (id: string, actor: Running) =>
      Effect.gen(function* () {
        yield* Scope.close(actor.scope, Exit.void)
        yield* Fiber.interrupt(actor.fiber)
        yield* Effect.logInfo("bind actor stopped").pipe(Effect.annotateLogs("bind", id))
      })

    const start = (config: BindActorConfig) =>
      Effect.gen(function* () {
        const scope = yield* Scope.make()
        const diagnostics: DiagnosticsCell = { read: undefined }
        const fiber = yield* runBindActor(config, diagnostics).pipe(
          Effect.provide(context),
          Scope.extend(scope),
          Effect.catchAllCause((cause) => Effect.logError("bind actor died", cause)),
          Effect.annotateLogs({ actor: "BindActor", bind: config.bind.id }),
          Effect.forkDaemon
        )
        return { key: configKey(config), scope, fiber, diagnostics } satisfies Running
      })

    const reconcile = Effect.gen(function* () {
      const snapshot = yield* catalog.snapshot
      const desired = actorConfigs(snapshot, tuning)
      const windows = new Map<string, number>()
      for (const config of desired)
        for (const route of config.routes)
          windows.set(route, (windows.get(route) ?? 0) + config.bind.windowSize * 4)
      // only what changed: reconcile also runs on every periodic catalog resync
      yield* Effect.forEach(
        windows,
        ([route, maxAckPending]) =>
          ensured.get(route) === maxAckPending
            ? Effect.void
            : Effect.tap(bus.ensureRoute(route, { maxAckPending }), () => ensured.set(route, maxAckPending)),
        { discard: true }
      )
      const current = yield* Ref.get(running)
      const next = new Map(current)
      const wanted = new Map(desired.map((c) => [c.bind.id as string, c]))
      for (const [id, actor] of current) {
        const config = wanted.get(id)
        if (!config || configKey(config) !== actor.key) {
          yield* stop(id, actor)
          next.delete(id)
        }
      }
      for (const [id, config] of wanted) {
        if (!next.has(id)) next.set(id, yield* start(config))
      }
      yield* Ref.set(running, next)
      return { running: [...next.keys()] }
    }).pipe(Effect.withSpan("BindSupervisor.reconcile"))

    /** Drop and re-establish one bind's session now (an operator's "force reconnect"). */
    const restart = (bindId: string) =>
      Effect.gen(function* () {
        const current = yield* Ref.get(running)
        const actor = current.get(bindId)
        if (!actor) return false
        yield* stop(bindId, actor)
        current.delete(bindId)
        yield* reconcile
        return true
      })

    yield* Effect.addFinalizer(() =>
      Ref.get(running).pipe(
        Effect.flatMap((current) =>
          Effect.forEach(current, ([id, actor]) => stop(id, actor), {
            concurrency: "unbounded",
            discard: true
          })
        )
      )
    )
    yield* reconcile
    /** A read-only look inside every running actor (see BindDiagnostics). */
    const diagnostics: Effect.Effect<ReadonlyArray<BindDiagnostics>> = Ref.get(running).pipe(
      Effect.map((m) =>
        [...m.values()].flatMap((actor) => (actor.diagnostics.read ? [actor.diagnostics.read()] : []))
      )
    )

    return {
      reconcile,
      restart,
      running: Ref.get(running).pipe(Effect.map((m) => [...m.keys()])),
      diagnostics
    } as const
  })
}) {}

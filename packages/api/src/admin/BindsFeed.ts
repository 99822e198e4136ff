import { BindTelemetry } from "@volley/core"
import type { Bind } from "@volley/core/catalog/Catalog"
import type { BindDiagnostics } from "@volley/engine/bind/BindActor"
import { BindSupervisor } from "@volley/engine/bind/BindSupervisor"
import { Bus } from "@volley/engine/bus/Bus"
import { RoutingCatalog } from "@volley/engine/catalog/RoutingCatalog"
import { Effect, Either, Option, Schedule, Schema, Stream } from "effect"
import { BindLiveView, BindsFrame } from "./BindEventsApi.js"

const decodeSample = Schema.decodeUnknownEither(Schema.parseJson(BindTelemetry))
const textDecoder = new TextDecoder()

/** A sample older than this means no engine reports the bind any more (its process is gone). */
const STALE_AFTER_MS = 5_000
/** How often the feed looks for a state change; frames go out at least every second regardless. */
export const POLL_MS = 200
const HEARTBEAT_MS = 1_000

interface Seen {
  readonly state: string
  readonly since: number
  /** While reconnecting (down ⇄ connecting), when the bind first went down. */
  readonly downSince: number | undefined
}

const reconnecting = (state: string) => state === "connecting" || state === "binding"

/**
 * Every bind as it runs now, for the admin UI's live screen. Joins three sources: the catalog (every
 * bind, disabled ones too), the telemetry the bind actors publish every second on the bus (works when
 * the engine runs in another process) and, when the engine runs in this process, the supervisor's
 * diagnostics, which show a state change at once instead of at the next sample.
 */
export class BindsFeed extends Effect.Service<BindsFeed>()("volley/api/BindsFeed", {
  scoped: Effect.gen(function* () {
    const catalog = yield* RoutingCatalog
    const bus = yield* Bus
    const supervisor = yield* Effect.serviceOption(BindSupervisor)
    const samples = new Map<string, BindTelemetry>()
    const seen = new Map<string, Seen>()

    // The bus keeps the last sample of each bind, so this starts with the full picture.
    yield* bus.telemetry().pipe(
      Stream.runForEach((sample) =>
        Effect.sync(() => {
          const decoded = decodeSample(textDecoder.decode(sample.data))
          if (Either.isRight(decoded)) samples.set(sample.bindId, decoded.right)
        })
      ),
      Effect.catchAllCause((cause) => Effect.logWarning("bind telemetry interrupted, resubscribing", cause)),
      Effect.repeat(Schedule.spaced("1 second")),
      Effect.forkScoped
    )

    const stateOf = (
      bind: Bind,
      diagnostic: BindDiagnostics | undefined,
      running: boolean,
      sample: BindTelemetry | undefined,
      now: number
    ): BindLiveView["state"] => {
      if (!bind.enabled) return "disabled"
      if (Option.isSome(supervisor)) return diagnostic?.state ?? (running ? "connecting" : "stopped")
      return sample !== undefined && now - sample.at < STALE_AFTER_MS ? sample.state : "stopped"
    }

    /**
     * When the bind entered `state`: the actor's own time when its sample agrees, else when we saw it. A
     * bind failing to reconnect flips between down and connecting: its "down" keeps the outage's start.
     */
    const sinceOf = (bindId: string, state: string, sample: BindTelemetry | undefined, now: number) => {
      const previous = seen.get(bindId)
      if (previous?.state === state) return previous.since
      let downSince: number | undefined
      if (previous?.state === "down") downSince = previous.since
      else if (previous !== undefined && reconnecting(previous.state)) downSince = previous.downSince
      const since =
        state === "down" && downSince !== undefined ? downSince : sample?.state === state ? sample.since : now
      seen.set(bindId, { state, since, downSince: reconnecting(state) ? downSince : undefined })
      return since
    }

    const frame = Effect.gen(function* () {
      const snapshot = yield* catalog.snapshot
      const [running, diagnostics] = Option.isSome(supervisor)
        ? yield* Effect.all([supervisor.value.running, supervisor.value.diagnostics])
        : [[], []]
      const byBind = new Map(diagnostics.map((d) => [d.bindId, d]))
      const now = Date.now()
      const binds = snapshot.binds.map((bind) => {
        const diagnostic = byBind.get(bind.id)
        const sample = samples.get(bind.id)
        const state = stateOf(bind, diagnostic, running.includes(bind.id), sample, now)
        return new BindLiveView({
          bindId: bind.id,
          operatorId: bind.operatorId,
          enabled: bind.enabled,
          state,
          since: sinceOf(bind.id, state, sample, now),
          // The sample may be from before the session dropped: a bind that is not bound sends nothing.
          tpsNow: state === "bound" || state === "draining" ? (sample?.tpsNow ?? 0) : 0,
          tpsCap: bind.tps,
          inFlight: diagnostic?.smppInFlight ?? sample?.inFlight ?? 0,
          window: bind.windowSize,
          submits: sample?.submits ?? 0,
          errors: sample?.errors ?? 0,
          reconnects: diagnostic?.reconnects ?? sample?.reconnects ?? 0,
          lastError: diagnostic?.lastError ?? sample?.lastError ?? null,
          sampledAt: sample?.at ?? null
        })
      })
      return new BindsFrame({ at: now, binds: [...binds].sort((a, b) => a.bindId.localeCompare(b.bindId)) })
    })

    const statesOf = (f: BindsFrame) => f.binds.map((b) => `${b.bindId}=${b.state}`).join(",")

    /**
     * Frames for one reader: the first at once, then one whenever a bind's state changes (looked for
     * every 200 ms) and at least one a second.
     */
    const frames: Stream.Stream<BindsFrame> = Stream.repeatEffectWithSchedule(
      frame,
      Schedule.spaced(`${POLL_MS} millis`)
    ).pipe(
      Stream.mapAccum({ states: "", sentAt: 0 }, (last, f) => {
        const states = statesOf(f)
        const due = states !== last.states || f.at - last.sentAt >= HEARTBEAT_MS - POLL_MS / 2
        return due ? [{ states, sentAt: f.at }, Option.some(f)] : [last, Option.none<BindsFrame>()]
      }),
      Stream.filterMap((f) => f)
    )

    return { frame, frames } as const
  })
}) {}

import { HttpApiBuilder } from "@effect/platform"
import type { BindId } from "@volley/core"
import type { Bind } from "@volley/core/catalog/Catalog"
import { CatalogChanges } from "@volley/engine/catalog/CatalogChanges"
import { CatalogRepo } from "@volley/engine/catalog/CatalogRepo"
import { Effect, Redacted } from "effect"
import { VolleyApi } from "../Api.js"
import { BindRestarted, BindView } from "./BindsApi.js"
import { CatalogState } from "./CatalogState.js"

export const BindsAdminLive = HttpApiBuilder.group(VolleyApi, "bindsAdmin", (handlers) =>
  Effect.gen(function* () {
    const repo = yield* CatalogRepo
    const changes = yield* CatalogChanges
    const state = yield* CatalogState
    // Every write is made live before the reply, so the reply describes what runs.
    const applied = <E>(write: Effect.Effect<Bind, E>) =>
      write.pipe(
        Effect.tap(() => changes.apply),
        Effect.map(BindView.fromBind)
      )
    const setEnabled = (bindId: BindId, enabled: boolean) => applied(repo.setBindEnabled(bindId, enabled))
    return handlers
      .handle("create", ({ payload }) => applied(repo.createBind(payload)))
      .handle("list", () => Effect.map(repo.listBinds(), (binds) => binds.map(BindView.fromBind)))
      .handle("get", ({ path }) => Effect.map(repo.getBind(path.bindId), BindView.fromBind))
      .handle("change", ({ path, payload }) =>
        Effect.gen(function* () {
          const current = yield* repo.getBind(path.bindId)
          const password = Redacted.value(current.password)
          const changed = yield* repo.upsertBind({
            id: current.id,
            operatorId: payload.operatorId ?? current.operatorId,
            host: payload.host ?? current.host,
            port: payload.port ?? current.port,
            systemId: payload.systemId ?? current.systemId,
            password: payload.password ?? password,
            systemType: payload.systemType ?? current.systemType,
            bindType: payload.bindType ?? current.bindType,
            windowSize: payload.windowSize ?? current.windowSize,
            tps: payload.tps ?? current.tps,
            enquireLinkSeconds: payload.enquireLinkSeconds ?? current.enquireLinkSeconds,
            enabled: payload.enabled ?? current.enabled
          })
          // A changed setting, the password included, restarts the bind.
          yield* changes.apply
          return BindView.fromBind(changed)
        })
      )
      .handle("enable", ({ path }) => setEnabled(path.bindId, true))
      .handle("disable", ({ path }) => setEnabled(path.bindId, false))
      .handle("restart", ({ path }) =>
        Effect.gen(function* () {
          yield* repo.getBind(path.bindId)
          const restarted = yield* changes.restartBind(path.bindId)
          return new BindRestarted({ bindId: path.bindId, restarted })
        })
      )
      .handle("states", () => state.binds)
      .handle("state", ({ path }) => state.bind(path.bindId))
  })
)

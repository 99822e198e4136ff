import { HttpApiBuilder } from "@effect/platform"
import { CatalogChanges } from "@volley/engine/catalog/CatalogChanges"
import { CatalogRepo } from "@volley/engine/catalog/CatalogRepo"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"

export const OperatorsAdminLive = HttpApiBuilder.group(VolleyApi, "operatorsAdmin", (handlers) =>
  Effect.gen(function* () {
    const repo = yield* CatalogRepo
    const changes = yield* CatalogChanges
    return handlers
      .handle("create", ({ payload }) => Effect.tap(repo.createOperator(payload), () => changes.apply))
      .handle("list", () => repo.listOperators())
      .handle("get", ({ path }) => repo.getOperator(path.operatorId))
      .handle("change", ({ path, payload }) =>
        Effect.gen(function* () {
          const current = yield* repo.getOperator(path.operatorId)
          const changed = yield* repo.upsertOperator({
            id: current.id,
            name: payload.name ?? current.name,
            defaultValiditySeconds: payload.defaultValiditySeconds ?? current.defaultValiditySeconds,
            messageIdFormat: payload.messageIdFormat ?? current.messageIdFormat
          })
          yield* changes.apply
          return changed
        })
      )
  })
)

import { HttpApiBuilder } from "@effect/platform"
import { GroupSummary } from "@volley/core"
import { GroupsRepo } from "@volley/engine/contacts/GroupsRepo"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"
import { DEFAULT_PAGE_LIMIT, toPage } from "../http/Page.js"

export const GroupsLive = HttpApiBuilder.group(VolleyApi, "groups", (handlers) =>
  Effect.gen(function* () {
    const groups = yield* GroupsRepo
    return handlers
      .handle("create", ({ payload }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const group = yield* groups
            .create(accountId, payload.name)
            .pipe(Effect.catchTag("AccountNotFound", Effect.die))
          return new GroupSummary({ id: group.id, name: group.name, contacts: 0, createdAt: group.createdAt })
        })
      )
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const limit = urlParams.limit ?? DEFAULT_PAGE_LIMIT
          const rows = yield* groups.summaries(accountId, { after: urlParams.cursor, limit: limit + 1 })
          return toPage(rows, limit, (group) => group.name)
        })
      )
      .handle("get", ({ path }) =>
        Effect.flatMap(CurrentAccount, (a) => groups.summary(a.accountId, path.groupId))
      )
      .handle("rename", ({ path, payload }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          yield* groups.rename(accountId, path.groupId, payload.name)
          return yield* groups.summary(accountId, path.groupId)
        })
      )
      .handle("delete", ({ path }) =>
        Effect.flatMap(CurrentAccount, (a) => groups.delete(a.accountId, path.groupId))
      )
  })
)

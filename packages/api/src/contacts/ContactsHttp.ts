import { HttpApiBuilder } from "@effect/platform"
import { parsePhoneNumber } from "@volley/core"
import { ContactsRepo } from "@volley/engine/contacts/ContactsRepo"
import { GroupsRepo } from "@volley/engine/contacts/GroupsRepo"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"
import { DEFAULT_PAGE_LIMIT, toPage } from "../http/Page.js"

export const ContactsLive = HttpApiBuilder.group(VolleyApi, "contacts", (handlers) =>
  Effect.gen(function* () {
    const groups = yield* GroupsRepo
    const contacts = yield* ContactsRepo
    return handlers
      .handle("add", ({ path, payload }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const msisdn = yield* parsePhoneNumber(payload.number)
          const name = payload.name?.trim()
          return yield* contacts.add(accountId, path.groupId, {
            msisdn,
            name: name === "" ? undefined : name,
            fields: payload.fields
          })
        })
      )
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          yield* groups.get(accountId, path.groupId)
          const limit = urlParams.limit ?? DEFAULT_PAGE_LIMIT
          const rows = yield* contacts.page(path.groupId, urlParams.cursor ?? 0, limit + 1)
          return toPage(rows, limit, (contact) => String(contact.id))
        })
      )
      .handle("remove", ({ path }) =>
        Effect.flatMap(CurrentAccount, (a) => contacts.removeOne(a.accountId, path.groupId, path.contactId))
      )
  })
)

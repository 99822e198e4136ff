import { HttpApiBuilder } from "@effect/platform"
import { parsePhoneNumber } from "@volley/core"
import { storedStatuses } from "@volley/core/status/DeliveryStatus"
import { MessagesRepo } from "@volley/engine/message/MessagesRepo"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"
import { DEFAULT_PAGE_LIMIT, toPage } from "../http/Page.js"
import { AdminMessage, AdminMessageDetail } from "./MessagesAdminApi.js"

/** As for senders: ENROUTE covers SUBMITTING, which they never see. */
export const MessagesAdminLive = HttpApiBuilder.group(VolleyApi, "messagesAdmin", (handlers) =>
  Effect.gen(function* () {
    const messages = yield* MessagesRepo
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const limit = urlParams.limit ?? DEFAULT_PAGE_LIMIT
          const recipient =
            urlParams.recipient === undefined
              ? undefined
              : yield* parsePhoneNumber(urlParams.recipient, urlParams.country)
          const rows = yield* messages.listAll(
            {
              id: urlParams.id,
              accountId: urlParams.accountId,
              since: urlParams.since,
              until: urlParams.until,
              statuses: urlParams.status === undefined ? undefined : storedStatuses(urlParams.status),
              recipient,
              campaignId: urlParams.campaignId
            },
            { after: urlParams.cursor, limit: limit + 1 }
          )
          const items = rows.map((row) => AdminMessage.fromStored(row.message, row.accountName))
          return toPage(items, limit, (m) => m.id)
        })
      )
      .handle("get", ({ path }) =>
        Effect.gen(function* () {
          const { message, accountName } = yield* messages.find(path.id)
          const parts = yield* messages.parts(path.id)
          return new AdminMessageDetail(
            { ...AdminMessage.fromStored(message, accountName), partDetails: parts },
            true
          )
        })
      )
  })
)

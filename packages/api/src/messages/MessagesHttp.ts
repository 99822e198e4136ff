import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { type AccountId, type MessageId, parsePhoneNumber } from "@volley/core"
import { storedStatuses } from "@volley/core/status/DeliveryStatus"
import type { PublicStatus } from "@volley/core/status/statuses"
import { type MessageFilter, MessagesRepo } from "@volley/engine/message/MessagesRepo"
import { Effect, Option, Stream } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"
import { DEFAULT_PAGE_LIMIT, toPage } from "../http/Page.js"
import { csvRow } from "./csv.js"
import { MessageView } from "./MessagesApi.js"

/** Rows per query while streaming an export: bounded memory whatever the export's size. */
const EXPORT_PAGE = 1_000

interface FilterParams {
  readonly since?: Date | undefined
  readonly until?: Date | undefined
  readonly status?: PublicStatus | undefined
  readonly recipient?: string | undefined
  readonly campaignId?: MessageFilter["campaignId"]
}

/** Senders see SUBMITTING as ENROUTE, so asking for ENROUTE finds both. */
const toFilter = (params: FilterParams) =>
  Effect.gen(function* () {
    const recipient = params.recipient === undefined ? undefined : yield* parsePhoneNumber(params.recipient)
    return {
      since: params.since,
      until: params.until,
      statuses: params.status === undefined ? undefined : storedStatuses(params.status),
      recipient,
      campaignId: params.campaignId
    } satisfies MessageFilter
  })

const CSV_HEADER = [
  "id",
  "created_at",
  "to",
  "sender",
  "status",
  "status_reason",
  "parts",
  "charge_minor",
  "refunded",
  "campaign_id",
  "scheduled_at",
  "submitted_at",
  "done_at",
  "text"
]

const csvLine = (m: MessageView) =>
  csvRow([
    m.id,
    m.createdAt.toISOString(),
    m.to,
    m.sender,
    m.status,
    m.statusReason,
    m.parts,
    m.chargeMinor,
    m.refunded,
    m.campaignId,
    m.scheduledAt?.toISOString(),
    m.submittedAt?.toISOString(),
    m.doneAt?.toISOString(),
    m.text
  ])

export const MessagesLive = HttpApiBuilder.group(VolleyApi, "messages", (handlers) =>
  Effect.gen(function* () {
    const messages = yield* MessagesRepo

    /** Every matching message as CSV, newest first: one query and one write per page of rows. */
    const exportPages = (accountId: AccountId, filter: MessageFilter) =>
      Stream.paginateEffect(undefined as MessageId | undefined, (after) =>
        messages.list(accountId, filter, { after, limit: EXPORT_PAGE }).pipe(
          Effect.map((rows) => {
            const last = rows.at(-1)
            return [
              rows.map((m) => csvLine(MessageView.fromMessage(m))).join(""),
              rows.length === EXPORT_PAGE && last !== undefined ? Option.some(last.id) : Option.none()
            ] as const
          })
        )
      )

    return handlers
      .handle("get", ({ path }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          return MessageView.fromMessage(yield* messages.get(accountId, path.id))
        })
      )
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const limit = urlParams.limit ?? DEFAULT_PAGE_LIMIT
          const filter = yield* toFilter(urlParams)
          const rows = yield* messages.list(accountId, filter, { after: urlParams.cursor, limit: limit + 1 })
          return toPage(rows.map(MessageView.fromMessage), limit, (m) => m.id)
        })
      )
      .handle("export", ({ urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const filter = yield* toFilter(urlParams)
          const encoder = new TextEncoder()
          const body = Stream.concat(Stream.make(csvRow(CSV_HEADER)), exportPages(accountId, filter)).pipe(
            Stream.filter((text) => text.length > 0),
            Stream.map((text) => encoder.encode(text))
          )
          return HttpServerResponse.stream(body, {
            contentType: "text/csv; charset=utf-8",
            headers: { "content-disposition": 'attachment; filename="messages.csv"' }
          })
        })
      )
  })
)

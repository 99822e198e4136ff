import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import type { AccountId, CampaignId } from "@volley/core"
import { AccountsRepo } from "@volley/engine/account/AccountsRepo"
import { Bus } from "@volley/engine/bus/Bus"
import { CampaignControl } from "@volley/engine/campaign/CampaignControl"
import {
  CampaignReports,
  type RecipientLine,
  type RecipientStatus
} from "@volley/engine/campaign/CampaignReports"
import { CampaignsRepo } from "@volley/engine/campaign/CampaignsRepo"
import { SenderIdsRepo } from "@volley/engine/sender/SenderIdsRepo"
import { Effect, Option, Stream } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"
import { DEFAULT_PAGE_LIMIT, toPage } from "../http/Page.js"
import { csvRow } from "../messages/csv.js"
import { AccountSuspended, TestModeLimit } from "../messages/SendApi.js"
import { CampaignPreviewer } from "./CampaignPreviewer.js"
import { CampaignRecipient, CleanGroupsResult, GroupCleaned } from "./CampaignsApi.js"
import { announceCancelled, reportOf } from "./campaignResponses.js"

/** Rows per query while streaming an export: bounded memory whatever the campaign's size. */
const EXPORT_PAGE = 1_000

const CSV_HEADER = [
  "to",
  "status",
  "reason",
  "detail",
  "message_id",
  "parts",
  "charge_minor",
  "refunded",
  "updated_at"
]

const csvLine = (line: RecipientLine) =>
  csvRow([
    line.msisdn,
    line.status,
    line.reason,
    line.detail,
    line.messageId,
    line.parts,
    line.chargeMinor,
    line.refunded,
    line.updatedAt.toISOString()
  ])

/** A create or update request as the repository takes it: what the API calls `text` is stored as `body`. */
const asDraft = <Request extends { readonly text?: string | undefined }>({
  text,
  ...settings
}: Request): Omit<Request, "text"> & { readonly body: Request["text"] } => ({ ...settings, body: text })

const toRecipient = (line: RecipientLine) =>
  new CampaignRecipient(
    {
      to: line.msisdn,
      status: line.status,
      reason: line.reason,
      detail: line.detail,
      messageId: line.messageId,
      parts: line.parts,
      chargeMinor: line.chargeMinor,
      refunded: line.refunded,
      updatedAt: line.updatedAt
    },
    true
  )

export const CampaignsLive = HttpApiBuilder.group(VolleyApi, "campaigns", (handlers) =>
  Effect.gen(function* () {
    const accounts = yield* AccountsRepo
    const senderIds = yield* SenderIdsRepo
    const campaigns = yield* CampaignsRepo
    const control = yield* CampaignControl
    const reports = yield* CampaignReports
    const previewer = yield* CampaignPreviewer
    const bus = yield* Bus

    /** The account's rules for sending (DESIGN.md §6), as the send API applies them. */
    const mayStart = (accountId: AccountId, campaignId: CampaignId) =>
      Effect.gen(function* () {
        const campaign = yield* campaigns.get(accountId, campaignId)
        const account = yield* accounts.get(accountId).pipe(Effect.catchTag("AccountNotFound", Effect.die))
        if (account.mode === "suspended")
          return yield* new AccountSuspended({ message: "This account is suspended: it can't send" })
        if (account.mode === "test")
          return yield* new TestModeLimit({
            limit: "singleMessagesOnly",
            message:
              "In test mode only single messages can be sent (POST /v1/messages): campaigns start once the account is activated"
          })
        // an approval can be withdrawn between creating the draft and starting it
        yield* senderIds.requireApproved(accountId, campaign.sender)
      })

    /** Every recipient line as CSV in number order: one query and one write per page of rows. */
    /** Unchecked: the caller has checked the campaign is the account's, once, before the stream starts. */
    const exportPages = (campaignId: CampaignId, status: RecipientStatus | undefined) =>
      Stream.paginateEffect(undefined as string | undefined, (after) =>
        reports.recipientLines(campaignId, { status, after, limit: EXPORT_PAGE }).pipe(
          Effect.map((lines) => {
            const last = lines.at(-1)
            return [
              lines.map(csvLine).join(""),
              lines.length === EXPORT_PAGE && last !== undefined ? Option.some(last.msisdn) : Option.none()
            ] as const
          })
        )
      )

    return handlers
      .handle("create", ({ payload }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          yield* senderIds.requireApproved(accountId, payload.sender)
          return yield* campaigns.create(accountId, asDraft(payload))
        })
      )
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const limit = urlParams.limit ?? DEFAULT_PAGE_LIMIT
          const rows = yield* campaigns.list(accountId, {
            after: urlParams.cursor,
            status: urlParams.status,
            limit: limit + 1
          })
          return toPage(rows, limit, (c) => c.id)
        })
      )
      .handle("get", ({ path }) =>
        Effect.flatMap(CurrentAccount, ({ accountId }) => campaigns.get(accountId, path.campaignId))
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          if (payload.sender !== undefined) yield* senderIds.requireApproved(accountId, payload.sender)
          return yield* campaigns.updateDraft(accountId, path.campaignId, asDraft(payload))
        })
      )
      .handle("preview", ({ path }) =>
        Effect.flatMap(CurrentAccount, ({ account }) => previewer.preview(account, path.campaignId))
      )
      .handle("start", ({ path }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          yield* mayStart(accountId, path.campaignId)
          return yield* control.start(accountId, path.campaignId)
        })
      )
      .handle("pause", ({ path }) =>
        Effect.flatMap(CurrentAccount, ({ accountId }) => control.pause(accountId, path.campaignId))
      )
      .handle("resume", ({ path }) =>
        Effect.flatMap(CurrentAccount, ({ accountId }) => control.resume(accountId, path.campaignId))
      )
      .handle("cancel", ({ path }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          return yield* announceCancelled(bus, yield* control.cancel(accountId, path.campaignId))
        })
      )
      .handle("report", ({ path }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const s = yield* reports.summary(accountId, path.campaignId)
          const account = yield* accounts.get(accountId).pipe(Effect.catchTag("AccountNotFound", Effect.die))
          return reportOf(s, account.currency)
        })
      )
      .handle("recipients", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const limit = urlParams.limit ?? DEFAULT_PAGE_LIMIT
          const lines = yield* reports.recipients(accountId, path.campaignId, {
            status: urlParams.status,
            after: urlParams.cursor === undefined ? undefined : `+${urlParams.cursor}`,
            limit: limit + 1
          })
          // the cursor is the number without its "+", which a query string would read as a space
          return toPage(lines.map(toRecipient), limit, (r) => r.to.slice(1))
        })
      )
      .handle("recipientsCsv", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          // checked before the stream starts, so another account's campaign is a 404, not an empty file
          yield* campaigns.get(accountId, path.campaignId)
          const encoder = new TextEncoder()
          const body = Stream.concat(
            Stream.make(csvRow(CSV_HEADER)),
            exportPages(path.campaignId, urlParams.status)
          ).pipe(
            Stream.filter((text) => text.length > 0),
            Stream.map((text) => encoder.encode(text))
          )
          return HttpServerResponse.stream(body, {
            contentType: "text/csv; charset=utf-8",
            headers: { "content-disposition": `attachment; filename="campaign-${path.campaignId}.csv"` }
          })
        })
      )
      .handle("cleanGroups", ({ path }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const groups = yield* reports.cleanGroups(accountId, path.campaignId)
          return new CleanGroupsResult({
            groups: groups.map((g) => new GroupCleaned(g)),
            removed: groups.reduce((sum, g) => sum + g.removed, 0)
          })
        })
      )
  })
)

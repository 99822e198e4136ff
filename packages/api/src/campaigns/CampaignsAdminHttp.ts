import { HttpApiBuilder } from "@effect/platform"
import type { Campaign } from "@volley/core"
import { AccountsRepo } from "@volley/engine/account/AccountsRepo"
import { Bus } from "@volley/engine/bus/Bus"
import { CampaignControl } from "@volley/engine/campaign/CampaignControl"
import {
  CampaignReports,
  type LiveCounts,
  liveCountsOf,
  RATE_WINDOW_SECONDS
} from "@volley/engine/campaign/CampaignReports"
import { type CampaignOfAccount, CampaignsRepo } from "@volley/engine/campaign/CampaignsRepo"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"
import { DEFAULT_PAGE_LIMIT, toPage } from "../http/Page.js"
import { AdminCampaign, AdminCampaignDetail, CampaignCounts } from "./CampaignsAdminApi.js"
import { announceCancelled, reportOf } from "./campaignResponses.js"

const NO_COUNTS: LiveCounts = {
  recipients: 0,
  messages: 0,
  sent: 0,
  delivered: 0,
  failed: 0,
  skipped: 0,
  recent: 0
}

/** The pace over the rate window and, while running, the time left at it. */
const pace = (campaign: Campaign, counts: LiveCounts) => {
  // In its first seconds a campaign has run for less than the window: divide by what it has run.
  const ranSeconds =
    campaign.startedAt === null ? RATE_WINDOW_SECONDS : (Date.now() - campaign.startedAt.getTime()) / 1000
  const messagesPerSecond = counts.recent / Math.min(RATE_WINDOW_SECONDS, Math.max(1, ranSeconds))
  const remaining = Math.max(0, counts.recipients - campaign.progress.processed)
  const etaSeconds =
    campaign.status === "running" && messagesPerSecond > 0 ? Math.ceil(remaining / messagesPerSecond) : null
  return { messagesPerSecond, etaSeconds }
}

const toAdminCampaign = ({ campaign, accountName }: CampaignOfAccount, counts: LiveCounts) =>
  new AdminCampaign(
    {
      ...campaign,
      accountName,
      counts: new CampaignCounts({
        recipients: counts.recipients,
        messages: counts.messages,
        sent: counts.sent,
        delivered: counts.delivered,
        failed: counts.failed,
        skipped: counts.skipped
      }),
      ...pace(campaign, counts)
    },
    true
  )

export const CampaignsAdminLive = HttpApiBuilder.group(VolleyApi, "campaignsAdmin", (handlers) =>
  Effect.gen(function* () {
    const accounts = yield* AccountsRepo
    const campaigns = yield* CampaignsRepo
    const control = yield* CampaignControl
    const reports = yield* CampaignReports
    const bus = yield* Bus

    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const limit = urlParams.limit ?? DEFAULT_PAGE_LIMIT
          const rows = yield* campaigns.listAll({
            accountId: urlParams.accountId,
            status: urlParams.status,
            after: urlParams.cursor,
            limit: limit + 1
          })
          const page = toPage(rows, limit, (row) => row.campaign.id)
          // one statement counts the whole page
          const counts = yield* reports.liveCounts(page.items.map((row) => row.campaign.id))
          return {
            items: page.items.map((row) => toAdminCampaign(row, counts.get(row.campaign.id) ?? NO_COUNTS)),
            nextCursor: page.nextCursor
          }
        })
      )
      .handle("get", ({ path }) =>
        Effect.gen(function* () {
          const row = yield* campaigns.getOfAccount(path.campaignId)
          // one read of the row, one count of its messages: the list's counts come from the summary
          const [summary, recent, account] = yield* Effect.all(
            [
              reports.summaryOf(row.campaign),
              reports.recentMessages(path.campaignId),
              accounts.get(row.campaign.accountId)
            ],
            { concurrency: "unbounded" }
          ).pipe(Effect.catchTag("AccountNotFound", Effect.die))
          const listed = toAdminCampaign(row, liveCountsOf(summary, recent))
          return new AdminCampaignDetail({ ...listed, report: reportOf(summary, account.currency) }, true)
        })
      )
      .handle("pause", ({ path }) => control.pauseByOperator(path.campaignId))
      .handle("resume", ({ path }) => control.resumeByOperator(path.campaignId))
      .handle("cancel", ({ path }) =>
        Effect.gen(function* () {
          return yield* announceCancelled(bus, yield* control.cancelByOperator(path.campaignId))
        })
      )
  })
)

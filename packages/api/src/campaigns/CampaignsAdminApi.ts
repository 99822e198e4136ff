import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { AccountId, Campaign, CampaignId, CampaignStatus } from "@volley/core"
import { RATE_WINDOW_SECONDS } from "@volley/engine/campaign/CampaignReports"
import { Schema } from "effect"
import { OperatorAuth } from "../auth/AuthApi.js"
import { Page, PageLimit } from "../http/Page.js"
import { CampaignReport } from "./CampaignsApi.js"
import { campaignCancel, campaignEndpoint, campaignTransition } from "./campaignEndpoints.js"

/** What the operators' progress bars are drawn from, counted over the campaign's rows when asked. */
export class CampaignCounts extends Schema.Class<CampaignCounts>("CampaignCounts")({
  recipients: Schema.Int.annotations({
    description:
      "Contacts in the campaign's groups now: the total to go through (a number in two groups counts twice)"
  }),
  messages: Schema.Int.annotations({ description: "Messages created" }),
  sent: Schema.Int.annotations({
    description: "Messages handed to a bind or settled: ENROUTE (in flight included) and every final status"
  }),
  delivered: Schema.Int.annotations({ description: "DELIVRD" }),
  failed: Schema.Int.annotations({ description: "UNDELIV, REJECTD, FAILED, EXPIRED or NOREPORT" }),
  skipped: Schema.Int.annotations({
    description: "Recipients left out (blacklisted, missing field, no route…)"
  })
}) {}

/** A campaign as operators list it: whose it is, how far it got, and how fast it goes. */
export class AdminCampaign extends Campaign.extend<AdminCampaign>("AdminCampaign")({
  accountName: Schema.String,
  counts: CampaignCounts,
  messagesPerSecond: Schema.Number.annotations({
    description: `Messages created per second over the last ${RATE_WINDOW_SECONDS} seconds`
  }),
  etaSeconds: Schema.NullOr(Schema.Int).annotations({
    description:
      "Recipients still to go through (recipients − progress.processed) at messagesPerSecond; null unless running at a rate above 0"
  })
}) {}

export class AdminCampaignDetail extends AdminCampaign.extend<AdminCampaignDetail>("AdminCampaignDetail")({
  report: CampaignReport
}) {}

export const AdminCampaignsPage = Page(AdminCampaign).annotations({ identifier: "AdminCampaignsPage" })

/** Operators watch every account's campaigns and can pause, resume or cancel any of them. */
export class CampaignsAdminApi extends HttpApiGroup.make("campaignsAdmin")
  .add(
    HttpApiEndpoint.get("list", "/v1/admin/campaigns")
      .setUrlParams(
        Schema.Struct({
          status: Schema.optional(CampaignStatus),
          accountId: Schema.optional(AccountId).annotations({ description: "Only this account's campaigns" }),
          limit: Schema.optional(PageLimit),
          cursor: Schema.optional(
            CampaignId.annotations({ description: "`nextCursor` of the previous page" })
          )
        })
      )
      .addSuccess(AdminCampaignsPage)
      .annotate(
        OpenApi.Description,
        "Every account's campaigns, newest first, optionally of one status or one account; each with its " +
          "account's name, its counts (read from its messages and skips, one query for the whole page), " +
          `its pace over the last ${RATE_WINDOW_SECONDS} seconds and the time left at that pace`
      )
  )
  .add(
    campaignEndpoint(
      "GET",
      "get",
      "/v1/admin/campaigns/:campaignId",
      AdminCampaignDetail,
      "Any account's campaign as listed, with its report: messages per status, skips per reason, cost"
    )
  )
  .add(
    campaignTransition(
      "pause",
      "/v1/admin/campaigns/:campaignId/pause",
      "Pauses a scheduled or running campaign of any account, with status reason 'paused by operator': " +
        "no new messages after the page in progress. 409 from any other status."
    )
  )
  .add(
    campaignTransition(
      "resume",
      "/v1/admin/campaigns/:campaignId/resume",
      "Resumes a paused campaign of any account where it stopped (a balance pause needs a top-up " +
        "first, or it pauses again). 409 unless paused."
    )
  )
  .add(
    campaignCancel(
      "/v1/admin/campaigns/:campaignId/cancel",
      "Cancels any account's campaign that has not completed ('cancelled by operator'): its messages " +
        "not yet handed to a bind end FAILED and are refunded in the same transaction. Final."
    )
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Campaigns (operators)")
  .annotate(
    OpenApi.Description,
    "Every account's campaigns with live progress; pause, resume or cancel any"
  ) {}

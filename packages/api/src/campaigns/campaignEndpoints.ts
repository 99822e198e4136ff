import { HttpApiEndpoint, OpenApi } from "@effect/platform"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import { Campaign, CampaignId, CampaignNotFound, CampaignStateConflict } from "@volley/core"
import { Schema } from "effect"
import { withMessage } from "../http/withMessage.js"

// What senders' and operators' campaign groups share: both address one campaign by `:campaignId`, and
// both pause, resume and cancel it with the same responses.

export const CampaignPath = Schema.Struct({ campaignId: CampaignId })
export const CampaignNotFoundResponse = withMessage(CampaignNotFound)
export const CampaignConflictResponse = withMessage(CampaignStateConflict)

/** What a cancel did to the messages no bind had picked up yet. */
export class CampaignCancelled extends Schema.Class<CampaignCancelled>("CampaignCancelled")({
  campaign: Campaign,
  failedMessages: Schema.Int.annotations({
    description: "Messages still waiting to be sent: now FAILED with reason 'campaign cancelled'"
  }),
  refundedMinor: Schema.Int.annotations({ description: "Their charges, credited back in one ledger entry" })
}) {}

/** An endpoint on one campaign: a campaign that is missing (or another account's) is a 404. */
export const campaignEndpoint = <
  const Method extends HttpMethod,
  const Name extends string,
  Success extends Schema.Schema.Any
>(
  method: Method,
  name: Name,
  path: HttpApiEndpoint.PathSegment,
  success: Success,
  description: string
) =>
  HttpApiEndpoint.make(method)(name, path)
    .setPath(CampaignPath)
    .addSuccess(success)
    .addError(CampaignNotFoundResponse, { status: 404 })
    .annotate(OpenApi.Description, description)

/** A move between statuses (start, pause, resume): the campaign after it, or 409 from the wrong status. */
export const campaignTransition = <const Name extends string>(
  name: Name,
  path: HttpApiEndpoint.PathSegment,
  description: string
) =>
  campaignEndpoint("POST", name, path, Campaign, description).addError(CampaignConflictResponse, {
    status: 409
  })

/** Cancel: what it failed and refunded, or 409 once the campaign is completed or cancelled. */
export const campaignCancel = (path: HttpApiEndpoint.PathSegment, description: string) =>
  campaignEndpoint("POST", "cancel", path, CampaignCancelled, description).addError(
    CampaignConflictResponse,
    { status: 409 }
  )

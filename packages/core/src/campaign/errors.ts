import { Schema } from "effect"
import { CampaignId } from "../schema/ids.js"
import { CampaignStatus } from "./Campaign.js"

/** The campaign does not exist, or belongs to another account (indistinguishable on purpose). */
export class CampaignNotFound extends Schema.TaggedError<CampaignNotFound>()("CampaignNotFound", {
  campaignId: CampaignId
}) {
  override get message() {
    return `Campaign ${this.campaignId} does not exist`
  }
}

/** Start, pause, resume, cancel or edit asked of a campaign whose status does not allow it. */
export class CampaignStateConflict extends Schema.TaggedError<CampaignStateConflict>()(
  "CampaignStateConflict",
  {
    campaignId: CampaignId,
    status: CampaignStatus,
    action: Schema.String
  }
) {
  override get message() {
    return `Campaign ${this.campaignId} is ${this.status}: it cannot ${this.action}`
  }
}

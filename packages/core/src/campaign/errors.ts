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

/** Which rule a campaign's settings broke. */
const CampaignProblem = Schema.Literal(
  "EMPTY_NAME",
  "EMPTY_TEXT",
  "NO_GROUPS",
  "TOO_MANY_GROUPS",
  "DUPLICATE_GROUP",
  "INVALID_RATE_CAP",
  "INVALID_VALIDITY"
)
type CampaignProblem = typeof CampaignProblem.Type

const problemExplanations: Record<CampaignProblem, string> = {
  EMPTY_NAME: "needs a name",
  EMPTY_TEXT: "needs a text",
  NO_GROUPS: "needs at least one group",
  TOO_MANY_GROUPS: "can send to at most 20 groups",
  DUPLICATE_GROUP: "names a group twice",
  INVALID_RATE_CAP: "needs a rate cap of at least 1 message per second",
  INVALID_VALIDITY: "needs a validity period between 60 seconds and 7 days"
}

/** Settings a campaign cannot have; the HTTP schema refuses most of them first, this guards the engine. */
export class InvalidCampaign extends Schema.TaggedError<InvalidCampaign>()("InvalidCampaign", {
  reason: CampaignProblem,
  /** The offending value, when there is one (e.g. the repeated group id). */
  value: Schema.optional(Schema.String)
}) {
  override get message() {
    return `A campaign ${problemExplanations[this.reason]}${this.value === undefined ? "" : ` (${this.value})`}`
  }
}

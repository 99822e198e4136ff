import { Schema } from "effect"
import { E164 } from "../phone/PhoneNumber.js"
import { AccountId, CampaignId, MessageId } from "../schema/ids.js"
import { PublicStatus } from "../status/statuses.js"

/**
 * A status change a sender may hear about (`volley.status.<account>`): webhooks and live reports. One bus
 * message carries a JSON array of these (a batch per account), see engine `bus/statusEvents.ts`.
 */
export class StatusEvent extends Schema.Class<StatusEvent>("StatusEvent")({
  messageId: MessageId,
  accountId: AccountId,
  campaignId: Schema.NullOr(CampaignId),
  recipient: E164,
  status: PublicStatus,
  smppStatus: Schema.optional(Schema.Int),
  err: Schema.optional(Schema.String),
  at: Schema.Number
}) {}

import { Schema } from "effect"
import { E164 } from "../phone/PhoneNumber.js"
import { RouteId } from "../routing/RouteId.js"
import { AccountId, CampaignId, MessageId, OperatorId } from "../schema/ids.js"
import { DeliveryStatus } from "../status/statuses.js"

export const MessageEncoding = Schema.Literal("GSM7", "UCS2")

/** Who moved a message to a status: kept in its history so a report can say why. */
export const HistorySource = Schema.Literal("api", "campaign", "bind", "receipt", "sweeper", "policy")
export type HistorySource = typeof HistorySource.Type

/** One step of a message's life: accepted, each submit attempt with its SMPP status, each receipt. */
export class HistoryEntry extends Schema.Class<HistoryEntry>("HistoryEntry")({
  at: Schema.Date,
  status: DeliveryStatus,
  source: HistorySource,
  smppStatus: Schema.optional(Schema.Int),
  bindId: Schema.optional(Schema.String),
  detail: Schema.optional(Schema.String)
}) {}

/** A message as stored: the truth about one recipient's SMS and its charge. */
export class Message extends Schema.Class<Message>("Message")({
  id: MessageId,
  accountId: AccountId,
  campaignId: Schema.NullOr(CampaignId),
  recipient: E164,
  sender: Schema.String,
  body: Schema.String,
  encoding: MessageEncoding,
  parts: Schema.Int,
  routeId: RouteId,
  operatorId: OperatorId,
  bindId: Schema.NullOr(Schema.String),
  status: DeliveryStatus,
  statusReason: Schema.NullOr(Schema.String),
  smppStatus: Schema.NullOr(Schema.Int),
  smscMessageId: Schema.NullOr(Schema.String),
  pricePerPartMinor: Schema.Int,
  chargeMinor: Schema.Int,
  refunded: Schema.Boolean,
  attempts: Schema.Int,
  validitySeconds: Schema.Int,
  scheduledAt: Schema.NullOr(Schema.Date),
  history: Schema.Array(HistoryEntry),
  createdAt: Schema.Date,
  submittedAt: Schema.NullOr(Schema.Date),
  doneAt: Schema.NullOr(Schema.Date)
}) {}

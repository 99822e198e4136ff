import { Schema } from "effect"
import { AccountId, CampaignId, GroupId } from "../schema/ids.js"
import { campaignStatuses } from "./campaignStatuses.js"

/** The statuses' order and meaning: see campaignStatuses.ts. */
export const CampaignStatus = Schema.Literal(...campaignStatuses)
export type CampaignStatus = typeof CampaignStatus.Type

/**
 * What a placeholder without a value does: "skip" (default) leaves that recipient out with reason
 * MISSING_FIELD in the report, since "Dear ," to a million people is worse than not sending; "empty"
 * renders it as "".
 */
export const OnMissingField = Schema.Literal("skip", "empty")
export type OnMissingField = typeof OnMissingField.Type

/** Why a recipient of a campaign got no message (listed in the campaign's report). */
export const SkipReason = Schema.Literal(
  "BLACKLISTED",
  "MISSING_FIELD",
  "INVALID_NUMBER",
  "NO_ROUTE",
  "NO_PRICE",
  "TOO_MANY_PARTS",
  "EMPTY_TEXT",
  "INVALID_VALIDITY"
)
export type SkipReason = typeof SkipReason.Type

/** Where a scheduler is: the group (index into `groupIds`) and the last contact id done in it. */
export class CampaignCursor extends Schema.Class<CampaignCursor>("CampaignCursor")({
  groupIndex: Schema.Int,
  afterContactId: Schema.Int
}) {
  static readonly start = new CampaignCursor({ groupIndex: 0, afterContactId: 0 })
}

/** A daily window of local time ("HH:MM", 24 h) in the account's time zone; end before start wraps midnight. */
export const LocalTime = Schema.String.pipe(
  Schema.pattern(/^([01]\d|2[0-3]):[0-5]\d$/),
  Schema.annotations({ description: "Local time of day, HH:MM (24-hour)", examples: ["09:00", "21:00"] })
)

export class SendWindow extends Schema.Class<SendWindow>("SendWindow")({
  start: LocalTime,
  end: LocalTime
}) {}

/** Progress counters, each written in the same transaction as the page it counts. */
export class CampaignProgress extends Schema.Class<CampaignProgress>("CampaignProgress")({
  /** Contacts read from the groups so far. */
  processed: Schema.Int,
  /** Messages created (charged and queued). */
  messages: Schema.Int,
  /** Recipients left out, each with a reason in the report. */
  skipped: Schema.Int,
  /** Numbers met again (in another group, or twice in one): they get one message only. */
  duplicates: Schema.Int,
  /** Money debited for the messages created, in minor units (refunds are not subtracted here). */
  chargedMinor: Schema.Int
}) {}

export class Campaign extends Schema.Class<Campaign>("Campaign")({
  id: CampaignId,
  accountId: AccountId,
  name: Schema.String,
  sender: Schema.String,
  body: Schema.String,
  groupIds: Schema.Array(GroupId),
  status: CampaignStatus,
  /** Why it is paused or cancelled (a person's or the scheduler's: "insufficient balance: …"). */
  statusReason: Schema.NullOr(Schema.String),
  startAt: Schema.NullOr(Schema.Date),
  sendWindow: Schema.NullOr(SendWindow),
  /** Messages per second at most, over the whole campaign. */
  rateCap: Schema.NullOr(Schema.Int),
  validitySeconds: Schema.NullOr(Schema.Int),
  onMissingField: OnMissingField,
  cursor: CampaignCursor,
  progress: CampaignProgress,
  createdAt: Schema.Date,
  startedAt: Schema.NullOr(Schema.Date),
  finishedAt: Schema.NullOr(Schema.Date)
}) {}

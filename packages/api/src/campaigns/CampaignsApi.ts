import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  Campaign,
  CampaignId,
  CampaignStatus,
  GroupId,
  GroupNotFound,
  InvalidCampaign,
  InvalidSenderId,
  InvalidTemplate,
  MessageEncoding,
  MessageId,
  OnMissingField,
  SendWindow,
  SkipReason
} from "@volley/core"
import { DEFAULT_SENDER_ID, SenderIdNotApproved } from "@volley/core/sender/SenderIdRequest"
import { PublicStatus } from "@volley/core/status/statuses"
import { MAX_VALIDITY, MIN_VALIDITY } from "@volley/core/validity/Validity"
import { MAX_CAMPAIGN_GROUPS } from "@volley/engine/campaign/CampaignsRepo"
import { Duration, Schema } from "effect"
import { SenderAuth } from "../auth/AuthApi.js"
import { Page, PageLimit } from "../http/Page.js"
import { withMessage } from "../http/withMessage.js"
import { AccountSuspended, TestModeLimit } from "../messages/SendApi.js"
import {
  CampaignConflictResponse,
  CampaignNotFoundResponse,
  CampaignPath,
  campaignCancel,
  campaignEndpoint,
  campaignTransition
} from "./campaignEndpoints.js"

/** How many recipients a preview renders. */
export const PREVIEW_SAMPLES = 5
/** Up to this many distinct numbers the estimate renders and prices every one; above, a sample. */
export const EXACT_ESTIMATE_LIMIT = 100_000
/** Recipients rendered and priced for the estimate of a larger campaign. */
export const ESTIMATE_SAMPLE = 5_000

const Name = Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(200)).annotations({
  description: "1–200 characters after trimming"
})
const Sender = Schema.String.pipe(Schema.maxLength(64)).annotations({
  description: `An approved sender ID of this account (default "${DEFAULT_SENDER_ID}")`
})
const Text = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(20_000)).annotations({
  description:
    "The message, with placeholders: {name} (the contact's name), {phone} (the number) and any custom field " +
    "of the contacts, e.g. {city}; {{ and }} are literal braces"
})
const GroupIds = Schema.Array(GroupId)
  .pipe(
    Schema.minItems(1),
    Schema.maxItems(MAX_CAMPAIGN_GROUPS),
    Schema.filter((ids) => new Set(ids).size === ids.length || "each group at most once")
  )
  .annotations({
    description: `1–${MAX_CAMPAIGN_GROUPS} distinct groups of this account; a number in several gets one message`
  })
const StartAt = Schema.Date.annotations({
  description: "ISO 8601 time to start at when started; by default at once"
})
const Window = SendWindow.annotations({
  description:
    "Send only between these local times (HH:MM, 24-hour) in the account's time zone; end before start wraps midnight"
})
const RateCap = Schema.Int.pipe(Schema.between(1, 100_000)).annotations({
  description: "Messages per second at most, over the whole campaign"
})
const Validity = Schema.Int.pipe(
  Schema.between(Duration.toSeconds(MIN_VALIDITY), Duration.toSeconds(MAX_VALIDITY))
).annotations({ description: "How long operators keep trying each message; their default when unset" })
const MissingFieldRule = OnMissingField.annotations({
  description:
    '"skip" (default): a recipient without a field the text uses gets nothing (MISSING_FIELD in the report); "empty": the placeholder renders as ""'
})

export class CreateCampaignRequest extends Schema.Class<CreateCampaignRequest>("CreateCampaignRequest")({
  name: Name,
  sender: Schema.optionalWith(Sender, { default: () => DEFAULT_SENDER_ID }),
  text: Text,
  groupIds: GroupIds,
  startAt: Schema.optional(StartAt),
  sendWindow: Schema.optional(Window),
  rateCap: Schema.optional(RateCap),
  validitySeconds: Schema.optional(Validity),
  onMissingField: Schema.optionalWith(MissingFieldRule, { default: () => "skip" as const })
}) {}

/** A draft's changes: a field left out keeps its value, null clears an optional one. */
export class UpdateCampaignRequest extends Schema.Class<UpdateCampaignRequest>("UpdateCampaignRequest")({
  name: Schema.optional(Name),
  sender: Schema.optional(Sender),
  text: Schema.optional(Text),
  groupIds: Schema.optional(GroupIds),
  startAt: Schema.optional(Schema.NullOr(StartAt)),
  sendWindow: Schema.optional(Schema.NullOr(Window)),
  rateCap: Schema.optional(Schema.NullOr(RateCap)),
  validitySeconds: Schema.optional(Schema.NullOr(Validity)),
  onMissingField: Schema.optional(MissingFieldRule)
}) {}

export const CampaignsPage = Page(Campaign).annotations({ identifier: "CampaignsPage" })

export class StatusCounts extends Schema.Class<StatusCounts>("CampaignStatusCounts")({
  QUEUED: Schema.Int,
  ENROUTE: Schema.Int,
  DELIVRD: Schema.Int,
  UNDELIV: Schema.Int,
  EXPIRED: Schema.Int,
  REJECTD: Schema.Int,
  FAILED: Schema.Int,
  NOREPORT: Schema.Int
}) {}

export class SkipCounts extends Schema.Class<SkipCounts>("CampaignSkipCounts")({
  BLACKLISTED: Schema.Int,
  MISSING_FIELD: Schema.Int,
  INVALID_NUMBER: Schema.Int,
  NO_ROUTE: Schema.Int,
  NO_PRICE: Schema.Int,
  TOO_MANY_PARTS: Schema.Int,
  EMPTY_TEXT: Schema.Int,
  INVALID_VALIDITY: Schema.Int
}) {}

export class CampaignReport extends Schema.Class<CampaignReport>("CampaignReport")({
  campaignId: CampaignId,
  status: CampaignStatus,
  statusReason: Schema.NullOr(Schema.String),
  contacts: Schema.Int.annotations({
    description: "Contacts in the campaign's groups now (a number in two groups counts twice)"
  }),
  processed: Schema.Int.annotations({ description: "Contacts the campaign has gone through so far" }),
  duplicates: Schema.Int.annotations({
    description: "Contacts whose number was met before: one message only"
  }),
  messages: Schema.Int.annotations({ description: "Messages created (the sum of `statuses`)" }),
  statuses: StatusCounts.annotations({ description: "Messages per status now (in flight shows as ENROUTE)" }),
  skipped: SkipCounts.annotations({ description: "Recipients who got no message, per reason" }),
  skippedTotal: Schema.Int,
  chargedMinor: Schema.Int.annotations({ description: "Debited for the campaign's messages" }),
  refundedMinor: Schema.Int.annotations({ description: "Credited back for messages that never left" }),
  costMinor: Schema.Int.annotations({ description: "chargedMinor − refundedMinor" }),
  currency: Schema.String,
  startedAt: Schema.NullOr(Schema.Date),
  finishedAt: Schema.NullOr(Schema.Date)
}) {}

export const RecipientStatus = Schema.Literal(...PublicStatus.literals, "SKIPPED")

export class CampaignRecipient extends Schema.Class<CampaignRecipient>("CampaignRecipient")({
  to: Schema.String,
  status: RecipientStatus,
  reason: Schema.NullOr(Schema.String).annotations({
    description: "SKIPPED: the reason (BLACKLISTED, MISSING_FIELD, …); a message: its status reason, if any"
  }),
  detail: Schema.NullOr(Schema.String).annotations({ description: "What exactly a skip tripped over" }),
  messageId: Schema.NullOr(MessageId),
  parts: Schema.NullOr(Schema.Int),
  chargeMinor: Schema.NullOr(Schema.Int),
  refunded: Schema.NullOr(Schema.Boolean),
  updatedAt: Schema.Date
}) {}

export const CampaignRecipientsPage = Page(CampaignRecipient).annotations({
  identifier: "CampaignRecipientsPage"
})

const RecipientFilter = {
  status: Schema.optional(RecipientStatus).annotations({
    description: "Only this status; SKIPPED lists the recipients left out"
  })
}

export class GroupCleaned extends Schema.Class<GroupCleaned>("GroupCleaned")({
  groupId: GroupId,
  removed: Schema.Int
}) {}

export class CleanGroupsResult extends Schema.Class<CleanGroupsResult>("CleanGroupsResult")({
  groups: Schema.Array(GroupCleaned),
  removed: Schema.Int
}) {}

export class PreviewSample extends Schema.Class<PreviewSample>("CampaignPreviewSample")({
  to: Schema.String,
  name: Schema.NullOr(Schema.String),
  text: Schema.NullOr(Schema.String).annotations({ description: "The text this recipient would get" }),
  encoding: Schema.NullOr(MessageEncoding),
  parts: Schema.NullOr(Schema.Int),
  chargeMinor: Schema.NullOr(Schema.Int),
  skipped: Schema.NullOr(SkipReason).annotations({ description: "Why this recipient would get nothing" }),
  detail: Schema.NullOr(Schema.String)
}) {}

export class CampaignEstimate extends Schema.Class<CampaignEstimate>("CampaignEstimate")({
  exact: Schema.Boolean.annotations({
    description: `true: every recipient was rendered and priced (up to ${EXACT_ESTIMATE_LIMIT.toLocaleString("en")} numbers); false: a sample was, and the figures are scaled to the whole`
  }),
  contacts: Schema.Int.annotations({ description: "Contacts in the groups (a number in two counts twice)" }),
  numbers: Schema.Int.annotations({ description: "Distinct numbers across the groups" }),
  evaluated: Schema.Int.annotations({ description: "Recipients rendered and priced for this estimate" }),
  messages: Schema.Int.annotations({ description: "Messages a start now would create" }),
  skipped: SkipCounts,
  parts: Schema.Int,
  totalMinor: Schema.Int.annotations({ description: "What those messages would cost" }),
  currency: Schema.String
}) {}

export class CampaignPreview extends Schema.Class<CampaignPreview>("CampaignPreview")({
  samples: Schema.Array(PreviewSample).annotations({
    description: `The first ${PREVIEW_SAMPLES} recipients in sending order, each with its own text`
  }),
  estimate: CampaignEstimate
}) {}

/** Campaigns: a text to one or more groups, started, paused, resumed or cancelled, and their reports. */
export class CampaignsApi extends HttpApiGroup.make("campaigns")
  .add(
    HttpApiEndpoint.post("create", "/v1/campaigns")
      .setPayload(CreateCampaignRequest)
      .addSuccess(Campaign, { status: 201 })
      .addError(withMessage(InvalidTemplate), { status: 400 })
      .addError(withMessage(InvalidSenderId), { status: 400 })
      .addError(withMessage(InvalidCampaign), { status: 400 })
      .addError(withMessage(GroupNotFound), { status: 404 })
      .addError(withMessage(SenderIdNotApproved), { status: 422 })
      .annotate(
        OpenApi.Description,
        "Creates a draft: nothing is sent until it is started. The text must be a valid template (an " +
          "unclosed placeholder is a 400 naming it and its position); the sender ID must be approved for " +
          "this account (422, as when sending); each group must be this account's (404 naming the first " +
          "that is not)."
      )
  )
  .add(
    HttpApiEndpoint.get("list", "/v1/campaigns")
      .setUrlParams(
        Schema.Struct({
          status: Schema.optional(CampaignStatus),
          limit: Schema.optional(PageLimit),
          cursor: Schema.optional(
            CampaignId.annotations({ description: "`nextCursor` of the previous page" })
          )
        })
      )
      .addSuccess(CampaignsPage)
      .annotate(OpenApi.Description, "This account's campaigns, newest first, optionally of one status")
  )
  .add(
    campaignEndpoint(
      "GET",
      "get",
      "/v1/campaigns/:campaignId",
      Campaign,
      "One campaign with its status (and why it is paused or cancelled) and its progress counters, " +
        "which move as each page of recipients is committed"
    )
  )
  .add(
    HttpApiEndpoint.patch("update", "/v1/campaigns/:campaignId")
      .setPath(CampaignPath)
      .setPayload(UpdateCampaignRequest)
      .addSuccess(Campaign)
      .addError(withMessage(InvalidTemplate), { status: 400 })
      .addError(withMessage(InvalidSenderId), { status: 400 })
      .addError(withMessage(InvalidCampaign), { status: 400 })
      .addError(CampaignNotFoundResponse, { status: 404 })
      .addError(withMessage(GroupNotFound), { status: 404 })
      .addError(CampaignConflictResponse, { status: 409 })
      .addError(withMessage(SenderIdNotApproved), { status: 422 })
      .annotate(
        OpenApi.Description,
        "Changes a draft (only a draft: 409 once started): the fields sent replace the stored ones, null " +
          "clears startAt, sendWindow, rateCap or validitySeconds; checked as on create"
      )
  )
  .add(
    campaignEndpoint(
      "POST",
      "preview",
      "/v1/campaigns/:campaignId/preview",
      CampaignPreview,
      `The text as the first ${PREVIEW_SAMPLES} recipients would get it (their own fields, or why they ` +
        "would be skipped), and what a start now would send and cost: recipients are the distinct " +
        "numbers across the groups that are not blacklisted, each rendered, split into parts and priced " +
        "by the same rules as a send. Up to " +
        `${EXACT_ESTIMATE_LIMIT.toLocaleString("en")} numbers every one is rendered and priced ` +
        `(exact: true); above that a spread sample of about ${ESTIMATE_SAMPLE.toLocaleString("en")} is, ` +
        "and messages, parts, skips and cost are scaled to the whole (exact: false). Sends nothing."
    )
  )
  .add(
    campaignTransition(
      "start",
      "/v1/campaigns/:campaignId/start",
      "Starts a draft: it runs at once, or waits as `scheduled` until its startAt. A test-mode account " +
        "cannot start campaigns (422 TestModeLimit), nor a suspended one (403); the sender ID is checked " +
        "again. Messages are charged as they are created; when the balance runs out the campaign pauses " +
        "with the reason."
    )
      .addError(TestModeLimit)
      .addError(AccountSuspended)
      .addError(withMessage(InvalidSenderId), { status: 400 })
      .addError(withMessage(SenderIdNotApproved), { status: 422 })
  )
  .add(
    campaignTransition(
      "pause",
      "/v1/campaigns/:campaignId/pause",
      "Pauses a scheduled or running campaign: no new messages are created after the page in progress " +
        "(within a second). Messages already created go on."
    )
  )
  .add(
    campaignTransition(
      "resume",
      "/v1/campaigns/:campaignId/resume",
      "Resumes a paused campaign where it stopped (no recipient gets a second message); before its " +
        "startAt it waits as `scheduled` again."
    )
  )
  .add(
    campaignCancel(
      "/v1/campaigns/:campaignId/cancel",
      "Cancels a campaign that has not completed: no new messages are created, and its messages not yet " +
        "handed to a bind end FAILED ('campaign cancelled') and are refunded, in the same transaction. " +
        "Messages already sent go on. Final: a cancelled campaign cannot be resumed."
    )
  )
  .add(
    campaignEndpoint(
      "GET",
      "report",
      "/v1/campaigns/:campaignId/report",
      CampaignReport,
      "Live counts: messages per status, recipients skipped per reason (blacklisted numbers receive " +
        "nothing and are counted here), duplicates, progress, and the cost (charged − refunded)"
    )
  )
  .add(
    campaignEndpoint(
      "GET",
      "recipients",
      "/v1/campaigns/:campaignId/recipients",
      CampaignRecipientsPage,
      "Every recipient in number order: its message's status, parts and charge, or SKIPPED with the " +
        "reason and detail"
    ).setUrlParams(
      Schema.Struct({
        ...RecipientFilter,
        limit: Schema.optional(PageLimit),
        cursor: Schema.optional(
          Schema.String.pipe(Schema.pattern(/^\d{1,15}$/)).annotations({
            description: "`nextCursor` of the previous page (the last number's digits: nothing to URL-encode)"
          })
        )
      })
    )
  )
  .add(
    campaignEndpoint(
      "GET",
      "recipientsCsv",
      "/v1/campaigns/:campaignId/recipients.csv",
      HttpApiSchema.Text({ contentType: "text/csv" }),
      "The recipients list as CSV, streamed (any size), same filter"
    ).setUrlParams(Schema.Struct(RecipientFilter))
  )
  .add(
    campaignEndpoint(
      "POST",
      "cleanGroups",
      "/v1/campaigns/:campaignId/clean-groups",
      CleanGroupsResult,
      "Removes from the campaign's groups every contact whose number's message in this campaign ended " +
        "UNDELIV or REJECTD; says how many went from each group"
    )
  )
  .middleware(SenderAuth)
  .annotate(OpenApi.Title, "Campaigns")
  .annotate(
    OpenApi.Description,
    "Personalised texts to groups: create a draft, preview and estimate it, start, pause, resume or cancel it, and read its report"
  ) {}

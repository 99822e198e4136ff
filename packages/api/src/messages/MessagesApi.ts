import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  CampaignId,
  E164,
  InvalidPhoneNumber,
  type Message,
  MessageEncoding,
  MessageId,
  MessageNotFound,
  publicStatus
} from "@volley/core"
import { PublicStatus } from "@volley/core/status/statuses"
import { Schema } from "effect"
import { SenderAuth } from "../auth/AuthApi.js"
import { Page, PageLimit } from "../http/Page.js"
import { withMessage } from "../http/withMessage.js"

/** One step of a message's life as senders see it (SUBMITTING shows as ENROUTE). */
export class MessageEvent extends Schema.Class<MessageEvent>("MessageEvent")({
  at: Schema.Date,
  status: PublicStatus,
  smppStatus: Schema.optional(Schema.Int),
  detail: Schema.optional(Schema.String)
}) {}

export class MessageView extends Schema.Class<MessageView>("MessageView")({
  id: MessageId,
  to: E164,
  sender: Schema.String,
  text: Schema.String,
  encoding: MessageEncoding,
  parts: Schema.Int,
  status: PublicStatus,
  statusReason: Schema.NullOr(Schema.String),
  smppStatus: Schema.NullOr(Schema.Int),
  pricePerPartMinor: Schema.Int,
  chargeMinor: Schema.Int,
  refunded: Schema.Boolean,
  campaignId: Schema.NullOr(CampaignId),
  validitySeconds: Schema.Int,
  scheduledAt: Schema.NullOr(Schema.Date),
  createdAt: Schema.Date,
  submittedAt: Schema.NullOr(Schema.Date),
  doneAt: Schema.NullOr(Schema.Date),
  history: Schema.Array(MessageEvent).annotations({ description: "Oldest first" })
}) {
  static fromMessage(m: Message): MessageView {
    const history: Array<MessageEvent> = []
    for (const entry of m.history) {
      const event = new MessageEvent({
        at: entry.at,
        status: publicStatus(entry.status),
        ...eventDetails(entry)
      })
      // a claim (SUBMITTING) then its accepted resp (ENROUTE) read as one ENROUTE step: the later one
      if (history.at(-1)?.status === event.status) history[history.length - 1] = event
      else history.push(event)
    }
    return new MessageView({
      id: m.id,
      to: m.recipient,
      sender: m.sender,
      text: m.body,
      encoding: m.encoding,
      parts: m.parts,
      status: publicStatus(m.status),
      statusReason: m.statusReason,
      smppStatus: m.smppStatus,
      pricePerPartMinor: m.pricePerPartMinor,
      chargeMinor: m.chargeMinor,
      refunded: m.refunded,
      campaignId: m.campaignId,
      validitySeconds: m.validitySeconds,
      scheduledAt: m.scheduledAt,
      createdAt: m.createdAt,
      submittedAt: m.submittedAt,
      doneAt: m.doneAt,
      history
    })
  }
}

const eventDetails = (entry: Message["history"][number]) => ({
  ...(entry.smppStatus === undefined ? {} : { smppStatus: entry.smppStatus }),
  ...(entry.detail === undefined ? {} : { detail: entry.detail })
})

export const MessagesPage = Page(MessageView).annotations({ identifier: "MessagesPage" })

/** The filters of the list and of the CSV export. */
export const MessageFilters = {
  since: Schema.optional(Schema.Date.annotations({ description: "Created at or after (ISO 8601)" })),
  until: Schema.optional(Schema.Date.annotations({ description: "Created before (ISO 8601)" })),
  status: Schema.optional(PublicStatus),
  recipient: Schema.optional(
    Schema.String.pipe(Schema.maxLength(64)).annotations({ description: "In any international form" })
  ),
  campaignId: Schema.optional(CampaignId)
}

/** Reading messages: one with its history, a filtered list in pages, or the same list as CSV. */
export class MessagesApi extends HttpApiGroup.make("messages")
  .add(
    HttpApiEndpoint.get("list", "/v1/messages")
      .setUrlParams(
        Schema.Struct({
          ...MessageFilters,
          limit: Schema.optional(PageLimit),
          cursor: Schema.optional(MessageId).annotations({ description: "`nextCursor` of the previous page" })
        })
      )
      .addSuccess(MessagesPage)
      .addError(withMessage(InvalidPhoneNumber), { status: 400 })
  )
  .add(
    HttpApiEndpoint.get("export", "/v1/messages/export.csv")
      .setUrlParams(Schema.Struct(MessageFilters))
      .addSuccess(HttpApiSchema.Text({ contentType: "text/csv" }))
      .addError(withMessage(InvalidPhoneNumber), { status: 400 })
  )
  .add(
    HttpApiEndpoint.get("get", "/v1/messages/:id")
      .setPath(Schema.Struct({ id: MessageId }))
      .addSuccess(MessageView)
      .addError(withMessage(MessageNotFound), { status: 404 })
  )
  .middleware(SenderAuth)
  .annotate(OpenApi.Title, "Messages")
  .annotate(
    OpenApi.Description,
    "Your messages and their delivery status, newest first; a list filtered by time, status, recipient or campaign, also as CSV"
  ) {}

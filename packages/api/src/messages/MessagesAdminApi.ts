import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import {
  AccountId,
  Country,
  HistoryEntry,
  InvalidPhoneNumber,
  type Message,
  MessageId,
  MessageNotFound,
  OperatorId
} from "@volley/core"
import { DeliveryStatus } from "@volley/core/status/statuses"
import { MessagePart } from "@volley/engine/message/MessagesRepo"
import { Schema } from "effect"
import { OperatorAuth } from "../auth/AuthApi.js"
import { Page, PageLimit } from "../http/Page.js"
import { withMessage } from "../http/withMessage.js"
import { MessageFilters, MessageView } from "./MessagesApi.js"

/**
 * A message as operators see it: what its sender sees, plus whose it is, where it went and every
 * stored step of its life (SUBMITTING not folded into ENROUTE).
 */
export class AdminMessage extends MessageView.extend<AdminMessage>("AdminMessage")({
  accountId: AccountId,
  accountName: Schema.String,
  deliveryStatus: DeliveryStatus.annotations({
    description:
      "The stored status (SUBMITTING: claimed by a bind, no answer yet); `status` is the sender's view"
  }),
  routeId: Schema.String,
  operatorId: OperatorId,
  bindId: Schema.NullOr(Schema.String).annotations({ description: "The bind that submitted it last" }),
  smscMessageId: Schema.NullOr(Schema.String).annotations({
    description: "The SMSC's id from submit_sm_resp (a multi-part message's parts have their own)"
  }),
  attempts: Schema.Int.annotations({ description: "Submit attempts so far" }),
  events: Schema.Array(HistoryEntry).annotations({
    description:
      "Every stored step, oldest first: accepted (api/campaign), each submit attempt with its bind and SMPP status, receipts, sweeps"
  })
}) {
  static fromStored(message: Message, accountName: string): AdminMessage {
    return new AdminMessage(
      {
        ...MessageView.fromMessage(message),
        accountId: message.accountId,
        accountName,
        deliveryStatus: message.status,
        routeId: message.routeId,
        operatorId: message.operatorId,
        bindId: message.bindId,
        smscMessageId: message.smscMessageId,
        attempts: message.attempts,
        events: message.history
      },
      true
    )
  }
}

export class AdminMessageDetail extends AdminMessage.extend<AdminMessageDetail>("AdminMessageDetail")({
  partDetails: Schema.Array(MessagePart).annotations({
    description:
      "Each part of a concatenated message with its own SMSC id and receipt status; empty for one part"
  })
}) {}

export const AdminMessagesPage = Page(AdminMessage).annotations({ identifier: "AdminMessagesPage" })

/** Operators search every account's messages by any of these. */
export const AdminMessageFilters = {
  ...MessageFilters,
  id: Schema.optional(MessageId).annotations({ description: "Exactly this message" }),
  accountId: Schema.optional(AccountId).annotations({ description: "Only this account's messages" }),
  country: Schema.optional(Country).annotations({
    description:
      "Read a national `recipient` (067 123 45 67) as this country's; by default only international forms"
  })
}

/** Message search across accounts, and one message with everything stored about it. */
export class MessagesAdminApi extends HttpApiGroup.make("messagesAdmin")
  .add(
    HttpApiEndpoint.get("list", "/v1/admin/messages")
      .setUrlParams(
        Schema.Struct({
          ...AdminMessageFilters,
          limit: Schema.optional(PageLimit),
          cursor: Schema.optional(MessageId).annotations({ description: "`nextCursor` of the previous page" })
        })
      )
      .addSuccess(AdminMessagesPage)
      .addError(withMessage(InvalidPhoneNumber), { status: 400 })
      .annotate(
        OpenApi.Description,
        "Every account's messages, newest first, filtered by id, recipient (any human form; an invalid one " +
          "is a 400), account, status (as senders see it: ENROUTE covers SUBMITTING), campaign and time; " +
          "each with its account's name and full history"
      )
  )
  .add(
    HttpApiEndpoint.get("get", "/v1/admin/messages/:id")
      .setPath(Schema.Struct({ id: MessageId }))
      .addSuccess(AdminMessageDetail)
      .addError(withMessage(MessageNotFound), { status: 404 })
      .annotate(
        OpenApi.Description,
        "Any account's message: its account, route, bind and SMSC id, every stored step (accepted, each " +
          "submit attempt with its SMPP status, receipts) and each part's SMSC id and receipt status"
      )
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Messages (operators)")
  .annotate(OpenApi.Description, "Search every account's messages; one message with its whole story") {}

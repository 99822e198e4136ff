import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { InvalidSenderId, SenderIdRequestId } from "@volley/core"
import { SenderIdRequest, SenderIdRequestNotFound } from "@volley/core/sender/SenderIdRequest"
import { Schema } from "effect"
import { OperatorAuth, SenderAuth } from "../auth/AuthApi.js"
import { withMessage } from "../http/withMessage.js"

export class NewSenderIdRequest extends Schema.Class<NewSenderIdRequest>("NewSenderIdRequest")({
  senderId: Schema.String.pipe(Schema.maxLength(64)).annotations({
    description: "A name of up to 11 Latin letters/digits, or a number of up to 15 digits"
  })
}) {}

export class SenderIdDecisionRequest extends Schema.Class<SenderIdDecisionRequest>("SenderIdDecisionRequest")(
  {
    note: Schema.optional(Schema.String.pipe(Schema.maxLength(1_000)))
  }
) {}

const IdPath = Schema.Struct({ id: SenderIdRequestId })

/**
 * A sender's sender IDs. Names wait for an operator's approval; numbers and short codes are approved when
 * requested. Requesting one again returns it as it stands.
 */
export class SenderIdsApi extends HttpApiGroup.make("senderIds")
  .add(
    HttpApiEndpoint.post("request", "/v1/sender-ids")
      .setPayload(NewSenderIdRequest)
      .addSuccess(SenderIdRequest)
      .addError(withMessage(InvalidSenderId), { status: 400 })
  )
  .add(HttpApiEndpoint.get("list", "/v1/sender-ids").addSuccess(Schema.Array(SenderIdRequest)))
  .add(
    HttpApiEndpoint.get("get", "/v1/sender-ids/:id")
      .setPath(IdPath)
      .addSuccess(SenderIdRequest)
      .addError(withMessage(SenderIdRequestNotFound), { status: 404 })
  )
  .middleware(SenderAuth)
  .annotate(OpenApi.Title, "Sender IDs")
  .annotate(OpenApi.Description, "Request the names and numbers your messages come from") {}

/** The operators' approval queue. A later decision replaces an earlier one (e.g. withdrawing approval). */
export class SenderIdsAdminApi extends HttpApiGroup.make("senderIdsAdmin")
  .add(
    HttpApiEndpoint.get("pending", "/v1/admin/sender-ids/pending").addSuccess(Schema.Array(SenderIdRequest))
  )
  .add(
    HttpApiEndpoint.post("approve", "/v1/admin/sender-ids/:id/approve")
      .setPath(IdPath)
      .setPayload(SenderIdDecisionRequest)
      .addSuccess(SenderIdRequest)
      .addError(withMessage(SenderIdRequestNotFound), { status: 404 })
  )
  .add(
    HttpApiEndpoint.post("reject", "/v1/admin/sender-ids/:id/reject")
      .setPath(IdPath)
      .setPayload(SenderIdDecisionRequest)
      .addSuccess(SenderIdRequest)
      .addError(withMessage(SenderIdRequestNotFound), { status: 404 })
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Sender IDs (operators)")
  .annotate(OpenApi.Description, "Pending sender-ID requests, oldest first; approve or reject them") {}

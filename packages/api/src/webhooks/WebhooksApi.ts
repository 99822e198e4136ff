import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { SenderAuth } from "../auth/AuthApi.js"
import { withMessage } from "../http/withMessage.js"

export class WebhookUrlRefused extends Schema.TaggedError<WebhookUrlRefused>()("WebhookUrlRefused", {
  url: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `Webhook URL ${this.url} refused: ${this.reason}`
  }
}

export class WebhookNotSet extends Schema.TaggedError<WebhookNotSet>()(
  "WebhookNotSet",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404, description: "This account has no webhook" })
) {}

export class WebhookRequest extends Schema.Class<WebhookRequest>("WebhookRequest")({
  url: Schema.Trim.pipe(Schema.nonEmptyString(), Schema.maxLength(2048)).annotations({
    description: "An http(s) URL on a public address; status events are POSTed to it"
  })
}) {}

export class WebhookCreated extends Schema.Class<WebhookCreated>("WebhookCreated")({
  url: Schema.String,
  secret: Schema.String.annotations({
    description: "Signing secret for `Volley-Signature`, shown in this response only; PUT again to rotate it"
  })
}) {}

export class Webhook extends Schema.Class<Webhook>("Webhook")({
  url: Schema.String,
  pending: Schema.Int.annotations({ description: "Events waiting to be delivered" }),
  failingSince: Schema.NullOr(Schema.Date),
  nextAttemptAt: Schema.NullOr(Schema.Date),
  lastError: Schema.NullOr(Schema.String)
}) {}

export class WebhookTestResult extends Schema.Class<WebhookTestResult>("WebhookTestResult")({
  delivered: Schema.Boolean,
  status: Schema.NullOr(Schema.Int).annotations({
    description: "The receiver's HTTP status, if it answered"
  }),
  error: Schema.NullOr(Schema.String)
}) {}

/**
 * The account's webhook: status events (ENROUTE, NOREPORT, final states) POSTed as signed JSON, retried
 * with back-off. The signing scheme is in the README ("Webhooks").
 */
export class WebhooksApi extends HttpApiGroup.make("webhooks")
  .add(
    HttpApiEndpoint.put("set", "/v1/webhook")
      .setPayload(WebhookRequest)
      .addSuccess(WebhookCreated)
      .addError(withMessage(WebhookUrlRefused), { status: 400 })
  )
  .add(HttpApiEndpoint.get("get", "/v1/webhook").addSuccess(Webhook).addError(WebhookNotSet))
  .add(
    HttpApiEndpoint.del("remove", "/v1/webhook").addSuccess(HttpApiSchema.NoContent).addError(WebhookNotSet)
  )
  .add(HttpApiEndpoint.post("test", "/v1/webhook/test").addSuccess(WebhookTestResult).addError(WebhookNotSet))
  .middleware(SenderAuth)
  .annotate(OpenApi.Title, "Webhooks")
  .annotate(OpenApi.Description, "Where delivery statuses are POSTed, signed; set, read, remove, test") {}

import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  E164,
  InsufficientBalance,
  InvalidSenderId,
  MessageEncoding,
  MessageId,
  NothingToSend,
  RecipientRefused,
  TooManyParts
} from "@volley/core"
import { DEFAULT_SENDER_ID, SenderIdNotApproved } from "@volley/core/sender/SenderIdRequest"
import { MAX_VALIDITY, MIN_VALIDITY } from "@volley/core/validity/Validity"
import { Duration, Schema } from "effect"
import { SenderAuth } from "../auth/AuthApi.js"
import { withMessage } from "../http/withMessage.js"

/** Recipients one batch (or one estimate) may name. */
export const MAX_BATCH_RECIPIENTS = 10_000

const To = Schema.String.pipe(Schema.maxLength(64)).annotations({
  description: "The recipient in international form: +380671234567, 00380671234567 or 380671234567"
})
// Far beyond 255 parts: the part limit refuses long texts with its own error; this only bounds memory.
const Text = Schema.String.pipe(Schema.maxLength(20_000)).annotations({
  description: "The message text; GSM 03.38 or, with any other character, UCS-2"
})
const Sender = Schema.optionalWith(Schema.String.pipe(Schema.maxLength(64)), {
  default: () => DEFAULT_SENDER_ID
}).annotations({ description: `An approved sender ID of this account (default "${DEFAULT_SENDER_ID}")` })
const ScheduledAt = Schema.optional(
  Schema.Date.annotations({ description: "ISO 8601 time to send at; a past time sends now" })
)
const ValiditySeconds = Schema.optional(
  Schema.Int.pipe(
    Schema.between(Duration.toSeconds(MIN_VALIDITY), Duration.toSeconds(MAX_VALIDITY))
  ).annotations({ description: "How long the operator keeps trying; the operator's default when unset" })
)

export class SendMessageRequest extends Schema.Class<SendMessageRequest>("SendMessageRequest")({
  to: To,
  text: Text,
  sender: Sender,
  scheduledAt: ScheduledAt,
  validitySeconds: ValiditySeconds
}) {}

export class BatchItem extends Schema.Class<BatchItem>("BatchItem")({
  to: To,
  text: Schema.optional(Text).annotations({ description: "This recipient's own text (else the batch's)" })
}) {}

export class SendBatchRequest extends Schema.Class<SendBatchRequest>("SendBatchRequest")({
  sender: Sender,
  text: Schema.optional(Text).annotations({ description: "The text of every recipient without their own" }),
  messages: Schema.Array(BatchItem).pipe(Schema.minItems(1), Schema.maxItems(MAX_BATCH_RECIPIENTS)),
  scheduledAt: ScheduledAt,
  validitySeconds: ValiditySeconds
}) {}

export class SentMessage extends Schema.Class<SentMessage>("SentMessage")({
  id: MessageId,
  to: E164,
  parts: Schema.Int,
  chargeMinor: Schema.Int.annotations({ description: "Exactly what was debited for it, in minor units" }),
  currency: Schema.String,
  status: Schema.Literal("QUEUED"),
  scheduledAt: Schema.NullOr(Schema.Date)
}) {}

export class AcceptedRecipient extends Schema.Class<AcceptedRecipient>("AcceptedRecipient")({
  index: Schema.Int.annotations({ description: "Position in the request's `messages`" }),
  id: MessageId,
  to: E164,
  parts: Schema.Int,
  chargeMinor: Schema.Int
}) {}

export class BatchResult extends Schema.Class<BatchResult>("BatchResult")({
  accepted: Schema.Array(AcceptedRecipient),
  refused: Schema.Array(RecipientRefused).annotations({ description: "Not sent and not charged" }),
  chargedMinor: Schema.Int.annotations({ description: "The sum of the accepted messages' charges" }),
  currency: Schema.String,
  scheduledAt: Schema.NullOr(Schema.Date)
}) {}

export class EstimateRequest extends Schema.Class<EstimateRequest>("EstimateRequest")({
  text: Text.pipe(Schema.minLength(1)),
  to: Schema.Array(To).pipe(Schema.minItems(1), Schema.maxItems(MAX_BATCH_RECIPIENTS))
}) {}

export class EstimatedRecipient extends Schema.Class<EstimatedRecipient>("EstimatedRecipient")({
  index: Schema.Int,
  to: E164,
  pricePerPartMinor: Schema.Int,
  chargeMinor: Schema.Int
}) {}

export class Estimate extends Schema.Class<Estimate>("Estimate")({
  encoding: MessageEncoding,
  characters: Schema.Int.annotations({ description: "As a person counts them (an emoji is one)" }),
  units: Schema.Int.annotations({
    description: "GSM septets (extension characters are two) or UTF-16 units"
  }),
  parts: Schema.Int,
  unitsPerPart: Schema.Int,
  remainingInLastPart: Schema.Int,
  maxParts: Schema.Int.annotations({ description: "The most parts this account may send in one message" }),
  recipients: Schema.Array(EstimatedRecipient),
  refused: Schema.Array(RecipientRefused).annotations({ description: "Would be refused by a send" }),
  totalMinor: Schema.Int,
  currency: Schema.String
}) {}

export const TestModeLimitName = Schema.Literal("dailyCap", "senderId", "singleMessagesOnly")

/** A test-mode account asked for more than its limits allow (DESIGN.md §6); nothing was sent. */
export class TestModeLimit extends Schema.TaggedError<TestModeLimit>()(
  "TestModeLimit",
  { limit: TestModeLimitName, message: Schema.String },
  HttpApiSchema.annotations({
    status: 422,
    description: "A test-mode limit (GET /v1/account shows them) refused the request"
  })
) {}

/** The operator suspended the account: it reads, it does not send. */
export class AccountSuspended extends Schema.TaggedError<AccountSuspended>()(
  "AccountSuspended",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 403, description: "The account is suspended" })
) {}

export class IdempotencyKeyReused extends Schema.TaggedError<IdempotencyKeyReused>()(
  "IdempotencyKeyReused",
  { key: Schema.String, message: Schema.String },
  HttpApiSchema.annotations({
    status: 422,
    description: "The Idempotency-Key was used before with a different request"
  })
) {}

export class IdempotencyKeyInProgress extends Schema.TaggedError<IdempotencyKeyInProgress>()(
  "IdempotencyKeyInProgress",
  { key: Schema.String, message: Schema.String },
  HttpApiSchema.annotations({
    status: 409,
    description: "A request with this Idempotency-Key is still running; retry later for its result"
  })
) {}

const withStatus = <A, I>(schema: Schema.Schema<A, I>, status: number) =>
  schema.annotations(HttpApiSchema.annotations<A>({ status }))

/**
 * The errors a send ends with, each carrying its status, so a response stored for an Idempotency-Key is
 * encoded exactly as HttpApi would.
 */
export const SendErrors = [
  withStatus(withMessage(InvalidSenderId), 400),
  withStatus(withMessage(InsufficientBalance), 402),
  withStatus(withMessage(SenderIdNotApproved), 422),
  withStatus(withMessage(NothingToSend), 422),
  TestModeLimit,
  AccountSuspended
] as const

export const IdempotencyKey = Schema.String.pipe(
  Schema.minLength(1),
  Schema.maxLength(255),
  Schema.pattern(/^[\x21-\x7e]+$/)
).annotations({
  description:
    "Any unique string of printable ASCII (a UUID does): a repeat with the same key sends nothing again and gets the first response"
})

const IdempotencyHeaders = Schema.Struct({ "idempotency-key": Schema.optional(IdempotencyKey) })

const sendEndpoint = <const Name extends string, const Path extends HttpApiEndpoint.PathSegment>(
  name: Name,
  path: Path
) =>
  HttpApiEndpoint.post(name, path)
    .setHeaders(IdempotencyHeaders)
    .addError(SendErrors[0])
    .addError(SendErrors[1])
    .addError(SendErrors[2])
    .addError(SendErrors[3])
    .addError(SendErrors[4])
    .addError(SendErrors[5])
    .addError(IdempotencyKeyReused)
    .addError(IdempotencyKeyInProgress)

/**
 * Sending: one message, or a batch where each refused recipient is reported (index, number, rule) while
 * the others go. Refused recipients cost nothing; a balance that can't cover the batch sends none of it.
 */
export class SendApi extends HttpApiGroup.make("send")
  .add(
    sendEndpoint("send", "/v1/messages")
      .setPayload(SendMessageRequest)
      .addSuccess(SentMessage, { status: 201 })
  )
  .add(
    sendEndpoint("sendBatch", "/v1/messages/batch")
      .setPayload(SendBatchRequest)
      .addSuccess(BatchResult, { status: 201 })
  )
  .add(
    HttpApiEndpoint.post("estimate", "/v1/messages/estimate")
      .setPayload(EstimateRequest)
      .addSuccess(Estimate)
      .addError(withMessage(TooManyParts), { status: 422 })
  )
  .middleware(SenderAuth)
  .annotate(OpenApi.Title, "Sending")
  .annotate(
    OpenApi.Description,
    "Send one message or up to 10,000 per batch; preview encoding, parts and price without sending"
  ) {}

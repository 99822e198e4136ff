import { Either, type ParseResult, Schema } from "effect"
import { E164 } from "../phone/PhoneNumber.js"
import { RouteId } from "../routing/RouteId.js"
import { AccountId, MessageId } from "../schema/ids.js"

/**
 * What `volley.submit.<route>` carries: everything a BindActor needs to send, so the hot path reads no
 * row per message. Postgres stays the truth: the actor's claim (QUEUED → SUBMITTING) decides whether
 * this job is still to be sent. `attempt` makes each deliberate re-publish a new Nats-Msg-Id.
 */
export class SubmitJob extends Schema.Class<SubmitJob>("SubmitJob")({
  messageId: MessageId,
  accountId: AccountId,
  routeId: RouteId,
  attempt: Schema.Int,
  recipient: E164,
  sender: Schema.String,
  body: Schema.String,
  validitySeconds: Schema.Int,
  maxParts: Schema.Int,
  acceptedAt: Schema.Number
}) {}

/** JetStream de-duplication id: the first publish is the message id, a retry adds its attempt. */
export const submitMsgId = (job: Pick<SubmitJob, "messageId" | "attempt">) =>
  job.attempt === 0 ? job.messageId : `${job.messageId}:${job.attempt}`

const encoder = new TextEncoder()
const decodeJson = Schema.decodeUnknownEither(Schema.parseJson(SubmitJob))

/** The producer is ours and builds valid jobs, so encoding is plain JSON. */
export const encodeSubmitJob = (job: SubmitJob): Uint8Array => encoder.encode(JSON.stringify(job))

const textDecoder = new TextDecoder()

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const E164_PATTERN = /^\+[1-9]\d{6,14}$/

const isWellFormed = (v: Record<string, unknown>): boolean =>
  typeof v.messageId === "string" &&
  UUID.test(v.messageId) &&
  typeof v.accountId === "string" &&
  UUID.test(v.accountId) &&
  typeof v.routeId === "string" &&
  v.routeId.length > 0 &&
  typeof v.recipient === "string" &&
  E164_PATTERN.test(v.recipient) &&
  typeof v.sender === "string" &&
  typeof v.body === "string" &&
  Number.isInteger(v.attempt) &&
  Number.isInteger(v.validitySeconds) &&
  Number.isInteger(v.maxParts) &&
  typeof v.acceptedAt === "number"

/**
 * The consumer validates: a job that does not decode is a bug or tampering, never sent. Jobs are on the
 * hot path, so the common case is checked field by field; anything unusual goes through the Schema, which
 * also explains what is wrong.
 */
export const decodeSubmitJob = (bytes: Uint8Array): Either.Either<SubmitJob, ParseResult.ParseError> => {
  const text = textDecoder.decode(bytes)
  try {
    const value = JSON.parse(text) as Record<string, unknown>
    if (value !== null && typeof value === "object" && isWellFormed(value))
      return Either.right(new SubmitJob(value as unknown as SubmitJob, true))
  } catch {
    // fall through to the Schema, which reports the malformed JSON
  }
  return decodeJson(text)
}

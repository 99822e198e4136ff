import { Schema } from "effect"
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

/** The consumer validates: a job that does not decode is a bug or tampering, never sent. */
export const decodeSubmitJob = (bytes: Uint8Array) => decodeJson(new TextDecoder().decode(bytes))

import { Either, type ParseResult, Schema } from "effect"
import { BindId, OperatorId } from "../schema/ids.js"
import { ReceiptStatus } from "../status/statuses.js"

/** A delivery receipt as a bind read it (`volley.dlr.<bind>`), parsed but not yet correlated. */
export class ReceiptEvent extends Schema.Class<ReceiptEvent>("ReceiptEvent")({
  bindId: BindId,
  operatorId: OperatorId,
  smscMessageId: Schema.String,
  status: ReceiptStatus,
  stat: Schema.String,
  err: Schema.optional(Schema.String),
  doneAt: Schema.optional(Schema.Number),
  receivedAt: Schema.Number,
  raw: Schema.String
}) {}

const encoder = new TextEncoder()
const textDecoder = new TextDecoder()
const decodeJson = Schema.decodeUnknownEither(Schema.parseJson(ReceiptEvent))
const isReceiptStatus = Schema.is(ReceiptStatus)

/** Our own binds produce these from parsed PDUs: plain JSON, no class on the hot path. */
export const encodeReceiptEvent = (event: typeof ReceiptEvent.Encoded): Uint8Array =>
  encoder.encode(JSON.stringify(event))

const isWellFormed = (v: Record<string, unknown>): boolean =>
  typeof v.bindId === "string" &&
  typeof v.operatorId === "string" &&
  typeof v.smscMessageId === "string" &&
  isReceiptStatus(v.status) &&
  typeof v.stat === "string" &&
  (v.err === undefined || typeof v.err === "string") &&
  (v.doneAt === undefined || typeof v.doneAt === "number") &&
  typeof v.receivedAt === "number" &&
  typeof v.raw === "string"

/** Checked field by field in the common case; anything unusual goes through the Schema, which explains. */
export const decodeReceiptEvent = (
  bytes: Uint8Array
): Either.Either<ReceiptEvent, ParseResult.ParseError> => {
  const text = textDecoder.decode(bytes)
  try {
    const value = JSON.parse(text) as Record<string, unknown>
    if (value !== null && typeof value === "object" && isWellFormed(value))
      return Either.right(value as unknown as ReceiptEvent)
  } catch {
    // fall through to the Schema, which reports the malformed JSON
  }
  return decodeJson(text)
}

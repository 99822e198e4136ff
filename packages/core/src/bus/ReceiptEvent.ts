import { Schema } from "effect"
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
const decodeJson = Schema.decodeUnknownEither(Schema.parseJson(ReceiptEvent))

export const encodeReceiptEvent = (event: ReceiptEvent): Uint8Array => encoder.encode(JSON.stringify(event))

export const decodeReceiptEvent = (bytes: Uint8Array) => decodeJson(new TextDecoder().decode(bytes))

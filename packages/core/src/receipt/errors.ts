import { Schema } from "effect"

export class NotAReceipt extends Schema.TaggedError<NotAReceipt>()("NotAReceipt", {
  esmClass: Schema.Number
}) {
  override get message(): string {
    const type = (this.esmClass & 0x3c).toString(16).padStart(2, "0")
    return `This deliver_sm is not a delivery receipt (esm_class message type 0x${type}, no receipt id or state).`
  }
}

/** MissingId / MissingState: neither the TLVs nor the text carry it; UnrecognisedState: present but unknown. */
export const MalformedReceiptReason = Schema.Literal("MissingId", "MissingState", "UnrecognisedState")
export type MalformedReceiptReason = typeof MalformedReceiptReason.Type

export class MalformedReceipt extends Schema.TaggedError<MalformedReceipt>()("MalformedReceipt", {
  reason: MalformedReceiptReason,
  /** The offending value (a stat: text or message_state number), when there is one. */
  value: Schema.optional(Schema.String)
}) {
  override get message(): string {
    if (this.reason === "MissingId") {
      return "The delivery receipt has no message id (no receipted_message_id TLV and no id: field)."
    }
    if (this.reason === "MissingState") {
      return "The delivery receipt has no state (no message_state TLV and no stat: field)."
    }
    return `The delivery receipt's state "${this.value ?? ""}" is not one we know.`
  }
}

export const MessageIdFormat = Schema.Literal("string", "hex", "decimal")

/** Empty: nothing but blanks; WrongFormat: characters the declared format does not allow. */
export const InvalidMessageIdReason = Schema.Literal("Empty", "WrongFormat")

export class InvalidMessageId extends Schema.TaggedError<InvalidMessageId>()("InvalidMessageId", {
  raw: Schema.String,
  format: MessageIdFormat,
  reason: InvalidMessageIdReason
}) {
  override get message(): string {
    return this.reason === "Empty"
      ? "The SMSC message id is empty."
      : `The SMSC message id "${this.raw}" is not a valid ${this.format} id.`
  }
}

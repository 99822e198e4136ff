import { Schema } from "effect"

/** Why one recipient of a send was refused; the rest of the batch is unaffected. */
export const RefusalCode = Schema.Literal(
  "INVALID_NUMBER",
  "EMPTY_TEXT",
  "TOO_MANY_PARTS",
  "NO_ROUTE",
  "NO_PRICE",
  "BLACKLISTED",
  "INVALID_VALIDITY",
  "DUPLICATE_RECIPIENT"
)
export type RefusalCode = typeof RefusalCode.Type

export class RecipientRefused extends Schema.Class<RecipientRefused>("RecipientRefused")({
  /** Position of the recipient in the request, so a sender can match it to their row. */
  index: Schema.Int,
  recipient: Schema.String,
  code: RefusalCode,
  message: Schema.String
}) {}

/** Every recipient of the request was refused: nothing was charged or sent. */
export class NothingToSend extends Schema.TaggedError<NothingToSend>()("NothingToSend", {
  refused: Schema.Array(RecipientRefused)
}) {
  override get message() {
    return `None of the ${this.refused.length} recipient(s) can be sent to; see refused for the reasons`
  }
}

import { Schema } from "effect"

export const SenderIdProblem = Schema.Literal(
  "EMPTY",
  "INVALID_CHARACTER",
  "TOO_LONG",
  "TOO_SHORT",
  "LEADING_ZERO"
)
export type SenderIdProblem = typeof SenderIdProblem.Type

const explanations = {
  EMPTY: "is empty",
  INVALID_CHARACTER: (character: string) =>
    `contains "${character}": use only Latin letters A–Z and digits, or a number with an optional leading +`,
  TOO_LONG: "is too long: at most 11 letters/digits for a name, or 15 digits for a number",
  TOO_SHORT: "is too short for an international number (+ and at least 7 digits)",
  LEADING_ZERO: "looks like a national number: write it internationally, with its country code"
} as const

export class InvalidSenderId extends Schema.TaggedError<InvalidSenderId>()("InvalidSenderId", {
  input: Schema.String,
  reason: SenderIdProblem,
  /** The first character that is not allowed (INVALID_CHARACTER only). */
  character: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const detail =
      this.reason === "INVALID_CHARACTER"
        ? explanations.INVALID_CHARACTER(this.character ?? "")
        : explanations[this.reason]
    return `Sender ID "${this.input}" ${detail}.`
  }
}

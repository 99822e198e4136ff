import { Schema } from "effect"

/** Why a phone number was refused; the libphonenumber-js reasons plus EMPTY and INVALID_NUMBER. */
export const PhoneNumberProblem = Schema.Literal(
  "EMPTY",
  "NOT_A_NUMBER",
  "TOO_SHORT",
  "TOO_LONG",
  "INVALID_COUNTRY",
  "INVALID_NUMBER"
)
export type PhoneNumberProblem = typeof PhoneNumberProblem.Type

const explanations: Record<PhoneNumberProblem, string> = {
  EMPTY: "is empty",
  NOT_A_NUMBER: "is not a phone number (only digits, spaces, + - . ( ) / are allowed)",
  TOO_SHORT: "is too short for its country",
  TOO_LONG: "is too long for its country",
  INVALID_COUNTRY: "has no valid country code (write it as +<country code> or set a default country)",
  INVALID_NUMBER: "is not a valid number in its country's numbering plan"
}

export class InvalidPhoneNumber extends Schema.TaggedError<InvalidPhoneNumber>()("InvalidPhoneNumber", {
  input: Schema.String,
  reason: PhoneNumberProblem
}) {
  override get message(): string {
    return `Phone number "${this.input}" ${explanations[this.reason]}.`
  }
}

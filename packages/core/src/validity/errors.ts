import { Schema } from "effect"

export const ValidityProblem = Schema.Literal("TOO_SHORT", "TOO_LONG", "NOT_FINITE")
export type ValidityProblem = typeof ValidityProblem.Type

export class InvalidValidityPeriod extends Schema.TaggedError<InvalidValidityPeriod>()(
  "InvalidValidityPeriod",
  {
    reason: ValidityProblem,
    requestedSeconds: Schema.Number,
    minSeconds: Schema.Number,
    maxSeconds: Schema.Number
  }
) {
  override get message(): string {
    const range = `between ${this.minSeconds} and ${this.maxSeconds} seconds`
    return this.reason === "NOT_FINITE"
      ? `Validity period must be a finite number of seconds ${range}.`
      : `Validity period of ${this.requestedSeconds} s is too ${this.reason === "TOO_SHORT" ? "short" : "long"}: it must be ${range}.`
  }
}

export const SmppTimeProblem = Schema.Literal(
  "INVALID_LENGTH",
  "INVALID_CHARACTER",
  "INVALID_DATE",
  "INVALID_OFFSET"
)
export type SmppTimeProblem = typeof SmppTimeProblem.Type

const explanations: Record<SmppTimeProblem, string> = {
  INVALID_LENGTH: "has the wrong length (expected YYMMDDhhmmsstnnp, YYMMDDhhmm or YYMMDDhhmmss)",
  INVALID_CHARACTER: "has a non-digit where a digit belongs, or a last character other than +, - or R",
  INVALID_DATE: "names a date or time that doesn't exist",
  INVALID_OFFSET: "has a UTC offset over 48 quarter-hours"
}

export class InvalidSmppTime extends Schema.TaggedError<InvalidSmppTime>()("InvalidSmppTime", {
  input: Schema.String,
  reason: SmppTimeProblem
}) {
  override get message(): string {
    return `SMPP time "${this.input}" ${explanations[this.reason]}.`
  }
}

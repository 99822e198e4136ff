import { Schema } from "effect"

// Spelled out here rather than imported from segmentation.ts: that module imports these errors, and a
// runtime import cycle would leave this schema undefined while the classes are built.
const EncodingField = Schema.Literal("GSM7", "UCS2")

/** The text needs more parts than the caller (or the 8-bit concatenation reference) allows. */
export class TooManyParts extends Schema.TaggedError<TooManyParts>()("TooManyParts", {
  parts: Schema.Number,
  maxParts: Schema.Number,
  encoding: EncodingField,
  units: Schema.Number
}) {
  override get message(): string {
    const unit = this.encoding === "GSM7" ? "septets" : "UTF-16 units"
    return `Text needs ${this.parts} ${this.encoding} parts (${this.units} ${unit}) but at most ${this.maxParts} are allowed`
  }
}

/** An SMS needs at least one character. */
export class EmptyText extends Schema.TaggedError<EmptyText>()("EmptyText", {}) {
  override get message(): string {
    return "Text is empty: a message needs at least one character"
  }
}

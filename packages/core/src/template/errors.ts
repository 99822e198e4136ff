import { Schema } from "effect"

export const TemplateProblem = Schema.Literal("UNCLOSED_PLACEHOLDER")
export type TemplateProblem = typeof TemplateProblem.Type

export class InvalidTemplate extends Schema.TaggedError<InvalidTemplate>()("InvalidTemplate", {
  reason: TemplateProblem,
  /** The placeholder's name as far as it was read, e.g. "name" for "{name". */
  placeholder: Schema.String,
  /** Index of the opening "{" in the template text. */
  position: Schema.Number
}) {
  override get message(): string {
    return `Placeholder "{${this.placeholder}" at position ${this.position} is not closed with "}" (write "{{" for a literal "{").`
  }
}

export class MissingTemplateField extends Schema.TaggedError<MissingTemplateField>()("MissingTemplateField", {
  field: Schema.String
}) {
  override get message(): string {
    return `Template field "${this.field}" has no value.`
  }
}

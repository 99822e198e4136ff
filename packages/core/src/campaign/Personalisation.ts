import { Either } from "effect"
import type { MissingTemplateField } from "../template/errors.js"
import { render, type Template } from "../template/Template.js"
import type { OnMissingField } from "./Campaign.js"

/** The contact data a campaign text can use. */
export interface Recipient {
  readonly msisdn: string
  readonly name: string | null
  readonly fields: Readonly<Record<string, string>>
}

/**
 * A recipient's placeholder values: their custom fields, then `{name}` (the contact's name when it has
 * one) and `{phone}` (the E.164 number), which win over custom fields of the same name.
 */
export const variablesOf = (recipient: Recipient): Readonly<Record<string, string | undefined>> => {
  const vars: Record<string, string | undefined> = Object.assign(Object.create(null), recipient.fields)
  if (recipient.name !== null && recipient.name !== "") vars.name = recipient.name
  vars.phone = recipient.msisdn
  return vars
}

/** One recipient's text, or the field it lacks when the campaign skips such recipients. */
export const personalise = (
  template: Template,
  recipient: Recipient,
  onMissing: OnMissingField
): Either.Either<string, MissingTemplateField> =>
  template.slots.length === 0
    ? Either.right(template.literals[0]!)
    : render(template, variablesOf(recipient), { onMissing: onMissing === "empty" ? "empty" : "error" })

import { Either } from "effect"
import { InvalidTemplate, MissingTemplateField } from "./errors.js"

/**
 * A compiled message template: `literals[0] slot[0] literals[1] … slot[n-1] literals[n]`, so rendering is
 * a single loop of concatenations with no parsing or regex per recipient.
 */
export class Template {
  /** Distinct placeholder names in order of first appearance. */
  readonly placeholders: ReadonlyArray<string>

  /** Use `compile`; the arrays are trusted to be consistent (literals.length === slots.length + 1). */
  constructor(
    readonly source: string,
    readonly literals: ReadonlyArray<string>,
    readonly slots: ReadonlyArray<string>
  ) {
    this.placeholders = [...new Set(slots)]
  }
}

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
const isNamePart = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 46
const OPEN = 123 // {
const CLOSE = 125 // }

/**
 * Compiles `{name}` placeholders, name = `[A-Za-z_][A-Za-z0-9_.]*` (dots are part of a flat key, e.g.
 * `{customer.name}` reads `fields["customer.name"]`). `{{` and `}}` are literal braces. Any other brace is
 * text (GSM 03.38 has `{` and `}`), so `{ 5 }`, `{}`, `{5}` and `}{` stay as written.
 * A `{` directly followed by a name start commits to a placeholder: if `}` doesn't follow the name
 * (`{name`, `{first name}`) the template is refused, since sending a typo literally to a million
 * recipients is worse than asking for `{{`.
 */
export const compile = (text: string): Either.Either<Template, InvalidTemplate> => {
  const literals: Array<string> = []
  const slots: Array<string> = []
  let literal = ""
  let from = 0 // start of the literal run not yet copied into `literal`
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if ((c === OPEN || c === CLOSE) && text.charCodeAt(i + 1) === c) {
      literal += text.slice(from, i + 1)
      i += 2
      from = i
    } else if (c === OPEN && isNameStart(text.charCodeAt(i + 1))) {
      let end = i + 2
      while (end < text.length && isNamePart(text.charCodeAt(end))) end++
      const name = text.slice(i + 1, end)
      if (text.charCodeAt(end) !== CLOSE) {
        return Either.left(
          new InvalidTemplate({ reason: "UNCLOSED_PLACEHOLDER", placeholder: name, position: i })
        )
      }
      literals.push(literal + text.slice(from, i))
      slots.push(name)
      literal = ""
      i = end + 1
      from = i
    } else {
      i++
    }
  }
  literals.push(literal + text.slice(from))
  return Either.right(new Template(text, literals, slots))
}

export interface RenderOptions {
  /** "error" (default): a missing field fails the render; "empty": it renders as "". */
  readonly onMissing?: "error" | "empty" | undefined
}

/**
 * Fills a compiled template. A field is missing when it is absent or undefined; only string values
 * count, so `{constructor}` can't pick up `Object.prototype.constructor`.
 */
export const render = (
  template: Template,
  fields: Readonly<Record<string, string | undefined>>,
  options?: RenderOptions
): Either.Either<string, MissingTemplateField> => {
  const { literals, slots } = template
  const empty = options?.onMissing === "empty"
  let out = literals[0]!
  for (let i = 0; i < slots.length; i++) {
    const name = slots[i]!
    const value = fields[name]
    if (typeof value === "string") out += value
    else if (!empty) return Either.left(new MissingTemplateField({ field: name }))
    out += literals[i + 1]!
  }
  return Either.right(out)
}

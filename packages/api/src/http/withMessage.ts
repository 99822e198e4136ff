import { Schema } from "effect"

/** Any `Schema.TaggedError` class whose instances explain themselves. */
type TaggedErrorClass<A extends { readonly message: string }> =
  // biome-ignore lint/suspicious/noExplicitAny: the class's encoded form is whatever its fields encode to
  Schema.Schema<A, any, never> & {
    readonly fields: Schema.Struct.Fields
    readonly identifier: string
    new (props: never): A
  }

/**
 * Core's errors explain themselves in a `message` getter, which JSON would drop. As a response schema
 * this sends the explanation along with the error's fields (`_tag` included), so a client reads both
 * which rule failed and why, e.g. `{ "_tag": "InvalidPhoneNumber", "input": "12", "reason": "TOO_SHORT",
 * "message": "Phone number \"12\" is too short for its country." }`.
 */
export const withMessage = <A extends { readonly message: string }>(error: TaggedErrorClass<A>) =>
  Schema.transform(Schema.Struct({ ...error.fields, message: Schema.String }), Schema.typeSchema(error), {
    strict: false,
    // for clients (the server only encodes): the class's constructor takes the fields without `_tag`
    decode: (encoded) => {
      const { _tag: _, message: __, ...fields } = encoded as Record<string, unknown>
      return new error(fields as never)
    },
    encode: (e) => ({ ...e, message: e.message })
  }).annotations({ identifier: error.identifier })

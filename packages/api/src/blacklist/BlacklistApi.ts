import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { E164, InvalidPhoneNumber } from "@volley/core"
import { BlacklistEntry } from "@volley/core/blacklist/BlacklistEntry"
import { Schema } from "effect"
import { SenderAuth } from "../auth/AuthApi.js"
import { Page, PageLimit } from "../http/Page.js"
import { withMessage } from "../http/withMessage.js"

export class NotBlacklisted extends Schema.TaggedError<NotBlacklisted>()(
  "NotBlacklisted",
  { number: E164, message: Schema.String },
  HttpApiSchema.annotations({ status: 404, description: "The number is not on this account's blacklist" })
) {}

export class BlacklistRequest extends Schema.Class<BlacklistRequest>("BlacklistRequest")({
  number: Schema.String.pipe(Schema.maxLength(64)).annotations({
    description: "In international form: +380671234567, 00380671234567 or 380671234567"
  }),
  reason: Schema.optional(Schema.String.pipe(Schema.maxLength(500)))
}) {}

export const BlacklistPage = Page(BlacklistEntry).annotations({ identifier: "BlacklistPage" })

/** Numbers this account never sends to; every send checks them. Entries are listed in number order. */
export class BlacklistApi extends HttpApiGroup.make("blacklist")
  .add(
    HttpApiEndpoint.post("add", "/v1/blacklist")
      .setPayload(BlacklistRequest)
      .addSuccess(BlacklistEntry, { status: 201 })
      .addError(withMessage(InvalidPhoneNumber), { status: 400 })
  )
  .add(
    HttpApiEndpoint.get("list", "/v1/blacklist")
      .setUrlParams(Schema.Struct({ limit: Schema.optional(PageLimit), cursor: Schema.optional(E164) }))
      .addSuccess(BlacklistPage)
  )
  .add(
    HttpApiEndpoint.del("remove", "/v1/blacklist/:number")
      .setPath(Schema.Struct({ number: Schema.String }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(withMessage(InvalidPhoneNumber), { status: 400 })
      .addError(NotBlacklisted)
  )
  .middleware(SenderAuth)
  .annotate(OpenApi.Title, "Blacklist")
  .annotate(OpenApi.Description, "Numbers your messages never go to (opt-outs, complaints)") {}

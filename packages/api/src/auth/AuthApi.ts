import { HttpApiMiddleware, HttpApiSchema, HttpApiSecurity, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { CurrentAccount } from "./CurrentAccount.js"

/** Every refused credential answers the same, so a client can't probe which keys exist or were revoked. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  { message: Schema.String },
  HttpApiSchema.annotations({
    status: 401,
    description: "Missing, malformed, unknown or revoked credentials"
  })
) {}

/** The key's token bucket is empty; the `Retry-After` header says the same in whole seconds. */
export class RateLimited extends Schema.TaggedError<RateLimited>()(
  "RateLimited",
  { message: Schema.String, retryAfterSeconds: Schema.Int },
  HttpApiSchema.annotations({ status: 429, description: "Too many requests for this API key" })
) {}

const senderKey = HttpApiSecurity.bearer.pipe(
  HttpApiSecurity.annotate(
    OpenApi.Description,
    "A sender API key (`vk_<prefix>_<secret>`) as `Authorization: Bearer <key>`; rate-limited per key."
  )
)

const operatorToken = HttpApiSecurity.bearer.pipe(
  HttpApiSecurity.annotate(
    OpenApi.Description,
    "The operators' admin token (`VOLLEY_ADMIN_TOKEN`) as `Authorization: Bearer <token>`."
  )
)

/** Sender endpoints: authenticates the API key, takes a token from its bucket, provides the account. */
export class SenderAuth extends HttpApiMiddleware.Tag<SenderAuth>()("volley/api/SenderAuth", {
  security: { senderKey },
  provides: CurrentAccount,
  failure: Schema.Union(Unauthorized, RateLimited)
}) {}

/** Operator endpoints (`/v1/admin`): the admin token, never a sender key. */
export class OperatorAuth extends HttpApiMiddleware.Tag<OperatorAuth>()("volley/api/OperatorAuth", {
  security: { operatorToken },
  failure: Unauthorized
}) {}

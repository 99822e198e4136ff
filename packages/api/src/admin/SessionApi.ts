import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { RateLimited, Unauthorized } from "../auth/AuthApi.js"

export const SignIn = Schema.Struct({
  username: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64)),
  password: Schema.Redacted(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024)))
}).annotations({ identifier: "SignIn" })

export class OperatorSessionView extends Schema.Class<OperatorSessionView>("OperatorSessionView")({
  username: Schema.String,
  expiresAt: Schema.String.annotations({ description: "ISO 8601; sign in again after it" })
}) {}

/**
 * The admin UI's sign-in: an operator account (`VOLLEY_OPERATORS`), never a sender key. A session is an
 * HttpOnly, SameSite=Strict cookie that `/v1/admin/*` accepts as well as the admin bearer token.
 */
export class SessionApi extends HttpApiGroup.make("operatorSession")
  .add(
    HttpApiEndpoint.post("signIn", "/v1/admin/session")
      .setPayload(SignIn)
      .addSuccess(OperatorSessionView)
      .addError(Unauthorized)
      // 5 attempts per operator name, then one every 2 seconds; Retry-After says when
      .addError(RateLimited)
  )
  .add(
    HttpApiEndpoint.get("current", "/v1/admin/session").addSuccess(OperatorSessionView).addError(Unauthorized)
  )
  .add(HttpApiEndpoint.del("signOut", "/v1/admin/session").addSuccess(HttpApiSchema.NoContent))
  .annotate(OpenApi.Title, "Operator session (admin UI)")
  .annotate(OpenApi.Description, "Sign in with an operator account, read the session, sign out") {}

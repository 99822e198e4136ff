import { Schema } from "effect"
import { ApiKeyId } from "../schema/ids.js"

/**
 * Why a key was refused. For logs and metrics only: callers answer every reason the same way (401, the
 * same message), so a client can't probe which prefixes exist or which keys were revoked.
 */
export const InvalidApiKeyReason = Schema.Literal("malformed", "unknown_prefix", "wrong_secret", "revoked")
export type InvalidApiKeyReason = typeof InvalidApiKeyReason.Type

export class InvalidApiKey extends Schema.TaggedError<InvalidApiKey>()("InvalidApiKey", {
  reason: InvalidApiKeyReason,
  /** The key's public prefix when the key was well-formed (it is shown in key lists; never the secret). */
  prefix: Schema.optional(Schema.String)
}) {
  override get message() {
    return "The API key is missing, malformed, unknown or revoked"
  }
}

/** The key does not exist, or belongs to another account (indistinguishable on purpose). */
export class ApiKeyNotFound extends Schema.TaggedError<ApiKeyNotFound>()("ApiKeyNotFound", {
  keyId: ApiKeyId
}) {
  override get message() {
    return `API key ${this.keyId} does not exist`
  }
}

import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { AccountId, AccountNotFound, ApiKeyId } from "@volley/core"
import { ApiKey, CreatedApiKey } from "@volley/core/apikey/ApiKey"
import { ApiKeyNotFound } from "@volley/core/apikey/errors"
import { Schema } from "effect"
import { OperatorAuth, SenderAuth } from "../auth/AuthApi.js"
import { withMessage } from "../http/withMessage.js"

const KeyName = Schema.Trim.pipe(Schema.nonEmptyString(), Schema.maxLength(100))

export class NewApiKeyRequest extends Schema.Class<NewApiKeyRequest>("NewApiKeyRequest")({
  name: KeyName.annotations({ description: "What the key is for, e.g. `production`" })
}) {}

export class NewAccountApiKeyRequest extends Schema.Class<NewAccountApiKeyRequest>("NewAccountApiKeyRequest")(
  {
    name: KeyName,
    rateLimitPerSecond: Schema.optional(
      Schema.Int.pipe(Schema.between(1, 100_000)).annotations({
        description: "Requests per second (default 100)"
      })
    )
  }
) {}

const KeyPath = Schema.Struct({ keyId: ApiKeyId })
const AccountPath = Schema.Struct({ accountId: AccountId })
const AccountKeyPath = Schema.Struct({ accountId: AccountId, keyId: ApiKeyId })

/**
 * A sender's own API keys: listed by their public prefix, never with the secret. A new key's full text is
 * in `plaintext`, shown in that one response only (only its SHA-256 is stored).
 */
export class KeysApi extends HttpApiGroup.make("keys")
  .add(
    HttpApiEndpoint.post("create", "/v1/keys")
      .setPayload(NewApiKeyRequest)
      .addSuccess(CreatedApiKey, { status: 201 })
  )
  .add(HttpApiEndpoint.get("list", "/v1/keys").addSuccess(Schema.Array(ApiKey)))
  .add(
    HttpApiEndpoint.del("revoke", "/v1/keys/:keyId")
      .setPath(KeyPath)
      .addSuccess(ApiKey)
      .addError(withMessage(ApiKeyNotFound), { status: 404 })
  )
  .middleware(SenderAuth)
  .annotate(OpenApi.Title, "API keys")
  .annotate(OpenApi.Description, "Create (the key is shown once), list by prefix, revoke") {}

/** Operators mint a sender's first key, and set a key's rate limit. */
export class KeysAdminApi extends HttpApiGroup.make("keysAdmin")
  .add(
    HttpApiEndpoint.post("create", "/v1/admin/accounts/:accountId/keys")
      .setPath(AccountPath)
      .setPayload(NewAccountApiKeyRequest)
      .addSuccess(CreatedApiKey, { status: 201 })
      .addError(withMessage(AccountNotFound), { status: 404 })
  )
  .add(
    HttpApiEndpoint.get("list", "/v1/admin/accounts/:accountId/keys")
      .setPath(AccountPath)
      .addSuccess(Schema.Array(ApiKey))
      .addError(withMessage(AccountNotFound), { status: 404 })
  )
  .add(
    HttpApiEndpoint.del("revoke", "/v1/admin/accounts/:accountId/keys/:keyId")
      .setPath(AccountKeyPath)
      .addSuccess(ApiKey)
      .addError(withMessage(ApiKeyNotFound), { status: 404 })
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "API keys (operators)")
  .annotate(OpenApi.Description, "Keys of any account, with their rate limits") {}

import { Either, Schema } from "effect"
import { AccountId, ApiKeyId } from "../schema/ids.js"
import { InvalidApiKey } from "./errors.js"

/**
 * API keys look like `vk_<prefix>_<secret>`: the 8-character prefix is public (it finds the row and is
 * shown in key lists), the secret is random base62. Only the SHA-256 of the whole key is stored.
 */
export const API_KEY_PREFIX_LENGTH = 8
export const API_KEY_SECRET_LENGTH = 32
export const API_KEY_MAX_SECRET_LENGTH = 128
export const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/** What an account sees of a key: never its hash, and the secret only once, at creation. */
export class ApiKey extends Schema.Class<ApiKey>("ApiKey")({
  id: ApiKeyId,
  accountId: AccountId,
  name: Schema.String,
  prefix: Schema.String,
  rateLimitPerSecond: Schema.Int,
  createdAt: Schema.Date,
  lastUsedAt: Schema.NullOr(Schema.Date),
  revokedAt: Schema.NullOr(Schema.Date)
}) {}

/** A freshly minted key: `plaintext` is the only time the full key exists outside the client. */
export class CreatedApiKey extends Schema.Class<CreatedApiKey>("CreatedApiKey")({
  key: ApiKey,
  plaintext: Schema.String
}) {}

/** Who a request authenticated as. */
export class AuthenticatedApiKey extends Schema.Class<AuthenticatedApiKey>("AuthenticatedApiKey")({
  keyId: ApiKeyId,
  accountId: AccountId,
  rateLimitPerSecond: Schema.Int
}) {}

export interface ApiKeyParts {
  readonly prefix: string
  readonly secret: string
}

const isBase62 = (s: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    if (!ok) return false
  }
  return true
}

export const formatApiKey = (parts: ApiKeyParts): string => `vk_${parts.prefix}_${parts.secret}`

/** Splits a presented key; anything not shaped like one of ours is `malformed` (no lookup needed). */
export const parseApiKey = (plaintext: string): Either.Either<ApiKeyParts, InvalidApiKey> => {
  const secretStart = 3 + API_KEY_PREFIX_LENGTH + 1
  const secretLength = plaintext.length - secretStart
  if (
    !plaintext.startsWith("vk_") ||
    plaintext.charCodeAt(secretStart - 1) !== 95 /* _ */ ||
    secretLength < API_KEY_SECRET_LENGTH ||
    secretLength > API_KEY_MAX_SECRET_LENGTH ||
    !isBase62(plaintext, 3, secretStart - 1) ||
    !isBase62(plaintext, secretStart, plaintext.length)
  ) {
    return Either.left(new InvalidApiKey({ reason: "malformed" }))
  }
  return Either.right({ prefix: plaintext.slice(3, secretStart - 1), secret: plaintext.slice(secretStart) })
}

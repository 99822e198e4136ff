import type { AccountId, ApiKeyId } from "@volley/core"
import { Context } from "effect"

/**
 * Who a sender request authenticated as, provided by `SenderAuth`. Every sender handler scopes its
 * queries to `accountId`, so another account's resource is simply not found.
 */
export class CurrentAccount extends Context.Tag("volley/api/CurrentAccount")<
  CurrentAccount,
  { readonly accountId: AccountId; readonly keyId: ApiKeyId }
>() {}

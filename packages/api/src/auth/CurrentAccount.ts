import type { Account, AccountId, ApiKeyId } from "@volley/core"
import { Context } from "effect"

/**
 * Who a sender request authenticated as, provided by `SenderAuth`. Every sender handler scopes its
 * queries to `accountId`, so another account's resource is simply not found. `account` is the row as
 * read with the key (at most `CREDENTIALS_TTL` old): its mode and limits, not a balance to show.
 */
export class CurrentAccount extends Context.Tag("volley/api/CurrentAccount")<
  CurrentAccount,
  { readonly accountId: AccountId; readonly keyId: ApiKeyId; readonly account: Account }
>() {}

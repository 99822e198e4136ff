import { Schema } from "effect"
import { AccountId } from "../schema/ids.js"

export class AccountNotFound extends Schema.TaggedError<AccountNotFound>()("AccountNotFound", {
  accountId: AccountId
}) {
  override get message() {
    return `Account ${this.accountId} does not exist`
  }
}

export class InsufficientBalance extends Schema.TaggedError<InsufficientBalance>()("InsufficientBalance", {
  accountId: AccountId,
  requiredMinor: Schema.Int,
  availableMinor: Schema.Int
}) {
  override get message() {
    return `Balance ${this.availableMinor} is less than the ${this.requiredMinor} this needs; nothing was charged`
  }
}

export class InvalidLedgerAmount extends Schema.TaggedError<InvalidLedgerAmount>()("InvalidLedgerAmount", {
  amountMinor: Schema.Number,
  reason: Schema.String
}) {
  override get message() {
    return `Amount ${this.amountMinor} is not allowed: ${this.reason}`
  }
}

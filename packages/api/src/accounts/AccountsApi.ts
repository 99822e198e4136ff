import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import {
  type Account,
  AccountId,
  AccountMode,
  AccountNotFound,
  DEFAULT_SENDER_ID,
  InvalidLedgerAmount,
  LedgerEntry
} from "@volley/core"
import { Schema } from "effect"
import { OperatorAuth, SenderAuth } from "../auth/AuthApi.js"
import { Page, PageLimit, QueryInt } from "../http/Page.js"
import { withMessage } from "../http/withMessage.js"

/** A new account's bonus when the operator names none: ≈ a dozen domestic test messages (DESIGN.md §6). */
export const DEFAULT_TEST_BONUS_MINOR = 1_000

/** What a test-mode account may do until an operator activates it (DESIGN.md §6). */
export class TestModeLimits extends Schema.Class<TestModeLimits>("TestModeLimits")({
  dailyCap: Schema.Int.annotations({ description: "Messages per day" }),
  senderId: Schema.String.annotations({ description: "The only sender ID allowed" }),
  singleMessagesOnly: Schema.Literal(true).annotations({ description: "No batches or campaigns" })
}) {}

export class AccountView extends Schema.Class<AccountView>("AccountView")({
  id: AccountId,
  name: Schema.String,
  mode: AccountMode,
  balanceMinor: Schema.Int,
  currency: Schema.String,
  maxParts: Schema.Int,
  timeZone: Schema.String,
  createdAt: Schema.Date,
  activatedAt: Schema.NullOr(Schema.Date),
  testMode: Schema.NullOr(TestModeLimits).annotations({
    description: "The limits in force; null once active"
  })
}) {
  static fromAccount(account: Account): AccountView {
    return new AccountView({
      id: account.id,
      name: account.name,
      mode: account.mode,
      balanceMinor: account.balanceMinor,
      currency: account.currency,
      maxParts: account.maxParts,
      timeZone: account.timeZone,
      createdAt: account.createdAt,
      activatedAt: account.activatedAt,
      testMode:
        account.mode === "test"
          ? new TestModeLimits({
              dailyCap: account.testDailyCap,
              senderId: DEFAULT_SENDER_ID,
              singleMessagesOnly: true
            })
          : null
    })
  }
}

export class Balance extends Schema.Class<Balance>("Balance")({
  balanceMinor: Schema.Int.annotations({ description: "Prepaid balance in minor units (kopecks)" }),
  currency: Schema.String
}) {}

export const LedgerPage = Page(LedgerEntry).annotations({ identifier: "LedgerPage" })

/** A ledger cursor is the id of the last entry seen (entries are listed newest first). */
export const LedgerCursor = QueryInt("`nextCursor` of the previous page").pipe(Schema.positive())

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone })
    return true
  } catch {
    return false
  }
}

export class NewAccountRequest extends Schema.Class<NewAccountRequest>("NewAccountRequest")({
  name: Schema.Trim.pipe(Schema.nonEmptyString(), Schema.maxLength(200)),
  currency: Schema.optional(Schema.String.pipe(Schema.pattern(/^[A-Z]{3}$/))),
  timeZone: Schema.optional(
    Schema.String.pipe(Schema.filter(isTimeZone, { message: () => "not an IANA time zone" }))
  ),
  bonusMinor: Schema.optional(
    Schema.NonNegativeInt.annotations({
      description: `Test-mode bonus credited at creation (default ${DEFAULT_TEST_BONUS_MINOR})`
    })
  ),
  testDailyCap: Schema.optional(Schema.Int.pipe(Schema.between(1, 10_000)))
}) {}

export class TestModeRequest extends Schema.Class<TestModeRequest>("TestModeRequest")({
  dailyCap: Schema.optional(Schema.Int.pipe(Schema.between(1, 10_000)))
}) {}

export class TopUpRequest extends Schema.Class<TopUpRequest>("TopUpRequest")({
  amountMinor: Schema.Int.pipe(Schema.positive(), Schema.lessThanOrEqualTo(Number.MAX_SAFE_INTEGER)),
  reference: Schema.optional(Schema.String.pipe(Schema.maxLength(200))),
  note: Schema.optional(Schema.String.pipe(Schema.maxLength(1_000)))
}) {}

export class TopUpResult extends Schema.Class<TopUpResult>("TopUpResult")({
  accountId: AccountId,
  amountMinor: Schema.Int,
  balanceMinor: Schema.Int
}) {}

export const AccountsPage = Page(AccountView).annotations({ identifier: "AccountsPage" })

const AccountPath = Schema.Struct({ accountId: AccountId })

/** The caller's own account: its mode and limits, balance and money movements. */
export class AccountApi extends HttpApiGroup.make("account")
  .add(HttpApiEndpoint.get("get", "/v1/account").addSuccess(AccountView))
  .add(HttpApiEndpoint.get("balance", "/v1/balance").addSuccess(Balance))
  .add(
    HttpApiEndpoint.get("ledger", "/v1/ledger")
      .setUrlParams(
        Schema.Struct({ limit: Schema.optional(PageLimit), cursor: Schema.optional(LedgerCursor) })
      )
      .addSuccess(LedgerPage)
  )
  .middleware(SenderAuth)
  .annotate(OpenApi.Title, "Account")
  .annotate(OpenApi.Description, "Your account, balance and ledger (every money movement, newest first)") {}

/** Operators open accounts, activate them or put them back in test mode, and top them up. */
export class AccountsAdminApi extends HttpApiGroup.make("accountsAdmin")
  .add(
    HttpApiEndpoint.post("create", "/v1/admin/accounts")
      .setPayload(NewAccountRequest)
      .addSuccess(AccountView, { status: 201 })
  )
  .add(
    HttpApiEndpoint.get("list", "/v1/admin/accounts")
      .setUrlParams(Schema.Struct({ limit: Schema.optional(PageLimit), cursor: Schema.optional(AccountId) }))
      .addSuccess(AccountsPage)
  )
  .add(
    HttpApiEndpoint.get("get", "/v1/admin/accounts/:accountId")
      .setPath(AccountPath)
      .addSuccess(AccountView)
      .addError(withMessage(AccountNotFound), { status: 404 })
  )
  .add(
    HttpApiEndpoint.post("activate", "/v1/admin/accounts/:accountId/activate")
      .setPath(AccountPath)
      .addSuccess(AccountView)
      .addError(withMessage(AccountNotFound), { status: 404 })
  )
  .add(
    HttpApiEndpoint.post("suspend", "/v1/admin/accounts/:accountId/suspend")
      .setPath(AccountPath)
      .addSuccess(AccountView)
      .addError(withMessage(AccountNotFound), { status: 404 })
      .annotate(
        OpenApi.Description,
        "Stops the account from sending: its sends are refused (403 AccountSuspended) and its running campaigns " +
          "pause at their next page. Activate it to lift the suspension."
      )
  )
  .add(
    HttpApiEndpoint.post("testMode", "/v1/admin/accounts/:accountId/test-mode")
      .setPath(AccountPath)
      .setPayload(TestModeRequest)
      .addSuccess(AccountView)
      .addError(withMessage(AccountNotFound), { status: 404 })
  )
  .add(
    HttpApiEndpoint.post("topUp", "/v1/admin/accounts/:accountId/topups")
      .setPath(AccountPath)
      .setPayload(TopUpRequest)
      .addSuccess(TopUpResult, { status: 201 })
      .addError(withMessage(AccountNotFound), { status: 404 })
      .addError(withMessage(InvalidLedgerAmount), { status: 400 })
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Accounts (operators)")
  .annotate(OpenApi.Description, "Open, activate, restrict and top up sender accounts") {}

import { HttpApiBuilder } from "@effect/platform"
import type { Account } from "@volley/core"
import { AccountsRepo } from "@volley/engine/account/AccountsRepo"
import { Ledger } from "@volley/engine/account/Ledger"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"
import { SenderCredentials } from "../auth/SenderCredentials.js"
import { DEFAULT_PAGE_LIMIT, toPage } from "../http/Page.js"
import { AccountView, Balance, DEFAULT_TEST_BONUS_MINOR, TopUpResult } from "./AccountsApi.js"

export const AccountLive = HttpApiBuilder.group(VolleyApi, "account", (handlers) =>
  Effect.gen(function* () {
    const accounts = yield* AccountsRepo
    const ledger = yield* Ledger
    // The caller's account exists while its key authenticates: its absence would be a bug, not a 404.
    const own = Effect.flatMap(CurrentAccount, ({ accountId }) =>
      accounts.get(accountId).pipe(Effect.catchTag("AccountNotFound", Effect.die))
    )
    return handlers
      .handle("get", () => Effect.map(own, AccountView.fromAccount))
      .handle("balance", () =>
        Effect.map(own, (a) => new Balance({ balanceMinor: a.balanceMinor, currency: a.currency }))
      )
      .handle("ledger", ({ urlParams }) =>
        Effect.gen(function* () {
          const { accountId } = yield* CurrentAccount
          const limit = urlParams.limit ?? DEFAULT_PAGE_LIMIT
          const rows = yield* ledger.history(accountId, { beforeId: urlParams.cursor, limit: limit + 1 })
          return toPage(rows, limit, (entry) => String(entry.id))
        })
      )
  })
)

export const AccountsAdminLive = HttpApiBuilder.group(VolleyApi, "accountsAdmin", (handlers) =>
  Effect.gen(function* () {
    const accounts = yield* AccountsRepo
    const ledger = yield* Ledger
    const credentials = yield* SenderCredentials
    /** A mode change applies to the account's very next request. */
    const changeMode = <E>(change: Effect.Effect<Account, E>) =>
      Effect.map(Effect.zipLeft(change, credentials.forgetAll), AccountView.fromAccount)
    return handlers
      .handle("create", ({ payload }) =>
        accounts
          .create({
            name: payload.name,
            currency: payload.currency,
            timeZone: payload.timeZone,
            bonusMinor: payload.bonusMinor ?? DEFAULT_TEST_BONUS_MINOR,
            testDailyCap: payload.testDailyCap
          })
          // the payload schema already refused what these would complain about
          .pipe(Effect.orDie, Effect.map(AccountView.fromAccount))
      )
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const limit = urlParams.limit ?? DEFAULT_PAGE_LIMIT
          const rows = yield* accounts.list({ after: urlParams.cursor, limit: limit + 1 })
          return toPage(rows.map(AccountView.fromAccount), limit, (account) => account.id)
        })
      )
      .handle("get", ({ path }) => Effect.map(accounts.get(path.accountId), AccountView.fromAccount))
      .handle("activate", ({ path }) => changeMode(accounts.activate(path.accountId)))
      .handle("suspend", ({ path }) => changeMode(accounts.setMode(path.accountId, "suspended")))
      .handle("testMode", ({ path, payload }) =>
        changeMode(accounts.enterTestMode(path.accountId, payload.dailyCap))
      )
      .handle("topUp", ({ path, payload }) =>
        ledger
          .credit(path.accountId, payload.amountMinor, "topup", {
            reference: payload.reference,
            note: payload.note
          })
          .pipe(
            Effect.map(
              (balanceMinor) =>
                new TopUpResult({ accountId: path.accountId, amountMinor: payload.amountMinor, balanceMinor })
            )
          )
      )
  })
)

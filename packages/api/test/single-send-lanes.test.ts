import { expect, layer } from "@effect/vitest"
import type { Account, AccountId } from "@volley/core"
import { AccountsRepo } from "@volley/engine/account/AccountsRepo"
import { Context, Deferred, Effect, Fiber, Layer } from "effect"
import { SingleSends } from "../src/messages/SingleSends.js"
import { ApiTest, balanceOf, newActiveSender, PRICE_PER_PART } from "./support/ApiHarness.js"

// The service itself, not over HTTP: the test client opens only a few connections at a time, which
// would queue one account's requests behind the other's before they reach the server.
layer(ApiTest, { excludeTestServices: true })("single-send lanes", (it) => {
  it.scoped("an account whose sends go one by one does not hold up another account's send", () =>
    Effect.gen(function* () {
      const singles = Context.get(yield* Layer.build(SingleSends.Default), SingleSends)
      const accounts = yield* AccountsRepo
      const sendAs = (account: Account, to: string) =>
        singles
          .accept({ accountId: account.id, account, sender: "Volley" }, { to, text: "Hi" })
          .pipe(Effect.either)

      // 150 sends together cost more than the balance: the group is refused and its sends go one by one
      const short = yield* newActiveSender("Lane short of money", 60 * PRICE_PER_PART)
      const other = yield* newActiveSender("Lane unrelated", 10 * PRICE_PER_PART)
      const shortAccount = yield* accounts.get(short.accountId as AccountId)
      const otherAccount = yield* accounts.get(other.accountId as AccountId)
      const oneByOneBegun = yield* Deferred.make<void>()
      let answered = 0
      const shortSends = yield* Effect.forEach(
        Array.from({ length: 150 }, (_, i) => `+38067123${String(i).padStart(4, "0")}`),
        (to) =>
          sendAs(shortAccount, to).pipe(
            Effect.tap(() => {
              answered++
              // the first answer may be a group of its own; by the second the big group is going one by one
              return answered === 2 ? Deferred.succeed(oneByOneBegun, undefined) : Effect.void
            })
          ),
        { concurrency: "unbounded" }
      ).pipe(Effect.fork)

      // once the one-by-one sends have begun, the other account sends
      yield* Deferred.await(oneByOneBegun)
      const sent = yield* sendAs(otherAccount, "+380671239999")
      const shortAnsweredMeanwhile = answered
      expect(sent._tag).toBe("Right")
      expect(shortAnsweredMeanwhile).toBeLessThan(150)

      const results = yield* Fiber.join(shortSends)
      expect(results.filter((r) => r._tag === "Right").length).toBe(60)
      expect(yield* balanceOf(short)).toBe(0)
    })
  )
})

import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import type { AccountId } from "@volley/core"
import { Effect, Layer } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { Ledger } from "../src/account/Ledger.js"
import { TestDatabase } from "./support/TestDatabase.js"

const Repos = Layer.mergeAll(AccountsRepo.Default, Ledger.Default).pipe(Layer.provideMerge(TestDatabase))

layer(Repos)("accounts and the ledger", (it) => {
  it.effect("a new account starts in test mode with its bonus recorded in the ledger", () =>
    Effect.gen(function* () {
      const accounts = yield* AccountsRepo
      const ledger = yield* Ledger
      const account = yield* accounts.create({ name: "Pizza Kyiv", bonusMinor: 500 })
      expect(account.mode).toBe("test")
      expect(account.balanceMinor).toBe(500)
      expect(account.activatedAt).toBeNull()
      const entries = yield* ledger.history(account.id)
      expect(entries.map((e) => [e.kind, e.amountMinor, e.balanceAfterMinor])).toEqual([["bonus", 500, 500]])
    })
  )

  it.effect("activation switches to active mode and stamps the time", () =>
    Effect.gen(function* () {
      const accounts = yield* AccountsRepo
      const account = yield* accounts.create({ name: "Shop" })
      const active = yield* accounts.activate(account.id)
      expect(active.mode).toBe("active")
      expect(active.activatedAt).toBeInstanceOf(Date)
    })
  )

  it.effect("a top-up and a charge move the balance and leave one ledger row each, newest first", () =>
    Effect.gen(function* () {
      const accounts = yield* AccountsRepo
      const ledger = yield* Ledger
      const { id } = yield* accounts.create({ name: "Bank" })
      expect(yield* ledger.credit(id, 10_000, "topup", { note: "invoice 17" })).toBe(10_000)
      expect(yield* ledger.debit(id, 340, { reference: "batch:1" })).toBe(9_660)
      const entries = yield* ledger.history(id)
      expect(entries.map((e) => [e.kind, e.amountMinor, e.balanceAfterMinor, e.reference])).toEqual([
        ["charge", -340, 9_660, "batch:1"],
        ["topup", 10_000, 10_000, null]
      ])
    })
  )

  it.effect("a charge larger than the balance is refused with the amounts, and charges nothing", () =>
    Effect.gen(function* () {
      const accounts = yield* AccountsRepo
      const ledger = yield* Ledger
      const { id } = yield* accounts.create({ name: "Poor", bonusMinor: 100 })
      const error = yield* ledger.debit(id, 101).pipe(Effect.flip)
      expect(error._tag).toBe("InsufficientBalance")
      expect(error).toMatchObject({ requiredMinor: 101, availableMinor: 100 })
      expect(yield* ledger.balanceOf(id)).toBe(100)
      expect((yield* ledger.history(id)).length).toBe(1)
    })
  )

  it.effect("zero, negative and fractional amounts are refused", () =>
    Effect.gen(function* () {
      const accounts = yield* AccountsRepo
      const ledger = yield* Ledger
      const { id } = yield* accounts.create({ name: "Odd", bonusMinor: 100 })
      for (const amount of [0, -5, 1.5]) {
        const error = yield* ledger.debit(id, amount).pipe(Effect.flip)
        expect(error._tag).toBe("InvalidLedgerAmount")
      }
      expect((yield* ledger.credit(id, -1, "topup").pipe(Effect.flip))._tag).toBe("InvalidLedgerAmount")
    })
  )

  it.effect("an unknown account is a typed error", () =>
    Effect.gen(function* () {
      const accounts = yield* AccountsRepo
      const ledger = yield* Ledger
      const ghost = "0190a0a0-0000-7000-8000-000000000000" as AccountId
      expect((yield* accounts.get(ghost).pipe(Effect.flip))._tag).toBe("AccountNotFound")
      expect((yield* ledger.credit(ghost, 10, "topup").pipe(Effect.flip))._tag).toBe("AccountNotFound")
      expect((yield* ledger.debit(ghost, 10).pipe(Effect.flip))._tag).toBe("AccountNotFound")
    })
  )

  it.effect("concurrent charges that together exceed the balance never drive it below zero", () =>
    Effect.gen(function* () {
      const accounts = yield* AccountsRepo
      const ledger = yield* Ledger
      const sql = yield* SqlClient.SqlClient
      const { id } = yield* accounts.create({ name: "Race", bonusMinor: 1_000 })
      const results = yield* Effect.all(
        Array.from({ length: 25 }, () => ledger.debit(id, 100).pipe(Effect.either)),
        { concurrency: "unbounded" }
      )
      expect(results.filter((r) => r._tag === "Right").length).toBe(10)
      expect(results.filter((r) => r._tag === "Left").length).toBe(15)
      expect(yield* ledger.balanceOf(id)).toBe(0)
      const [sum] = yield* sql<{
        total: number
      }>`SELECT sum(amount_minor)::int8 AS total FROM ledger WHERE account_id = ${id}`
      expect(sum?.total).toBe(0)
    })
  )

  it.effect("test mode can be entered again, keeping or replacing the daily cap", () =>
    Effect.gen(function* () {
      const accounts = yield* AccountsRepo
      const account = yield* accounts.create({ name: "Capped", testDailyCap: 7 })
      expect(account.testDailyCap).toBe(7)
      yield* accounts.activate(account.id)
      const kept = yield* accounts.enterTestMode(account.id)
      expect(kept).toMatchObject({ mode: "test", testDailyCap: 7 })
      expect(kept.activatedAt).toBeInstanceOf(Date)
      expect((yield* accounts.enterTestMode(account.id, 3)).testDailyCap).toBe(3)
      const ghost = "0190a0a0-0000-7000-8000-000000000000" as AccountId
      expect((yield* accounts.enterTestMode(ghost).pipe(Effect.flip))._tag).toBe("AccountNotFound")
    })
  )

  it.effect("accounts page in creation order", () =>
    Effect.gen(function* () {
      const accounts = yield* AccountsRepo
      const a = yield* accounts.create({ name: "Page A" })
      const b = yield* accounts.create({ name: "Page B" })
      const all = yield* accounts.list({ limit: 1_000 })
      const ids = all.map((x) => x.id)
      expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id))
      const after = yield* accounts.list({ after: a.id, limit: 1 })
      expect(after.map((x) => x.id)).toEqual([b.id])
    })
  )
})

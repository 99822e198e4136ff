import { expect, layer } from "@effect/vitest"
import type { AccountId } from "@volley/core"
import type { E164 } from "@volley/core/phone/PhoneNumber"
import { Effect, Layer } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { BlacklistRepo } from "../src/blacklist/BlacklistRepo.js"
import { TestDatabase } from "./support/TestDatabase.js"

const Repos = Layer.mergeAll(AccountsRepo.Default, BlacklistRepo.Default).pipe(
  Layer.provideMerge(TestDatabase)
)

const newAccount = (name: string) => Effect.flatMap(AccountsRepo, (accounts) => accounts.create({ name }))
const n = (digits: string) => `+${digits}` as E164

layer(Repos)("blacklist", (it) => {
  it.effect("adding is idempotent and keeps the first reason", () =>
    Effect.gen(function* () {
      const blacklist = yield* BlacklistRepo
      const account = yield* newAccount("Idempotent")
      const first = yield* blacklist.add(account.id, n("380671234567"), "STOP reply")
      expect(first).toMatchObject({ accountId: account.id, msisdn: "+380671234567", reason: "STOP reply" })
      const again = yield* blacklist.add(account.id, n("380671234567"), "complaint")
      expect(again).toMatchObject({ reason: "STOP reply" })
      expect(again.createdAt.getTime()).toBe(first.createdAt.getTime())
      expect((yield* blacklist.list(account.id)).length).toBe(1)
    })
  )

  it.effect("the batch filter returns exactly the blacklisted subset, for this account only", () =>
    Effect.gen(function* () {
      const blacklist = yield* BlacklistRepo
      const account = yield* newAccount("Filter")
      const other = yield* newAccount("Other")
      yield* blacklist.add(account.id, n("380671111111"))
      yield* blacklist.add(account.id, n("380502222222"), null)
      yield* blacklist.add(other.id, n("380633333333"))
      const batch = [
        n("380671111111"),
        n("380633333333"),
        n("380502222222"),
        n("380934444444"),
        n("380671111111")
      ]
      const blocked = yield* blacklist.filterBlacklisted(account.id, batch)
      expect([...blocked].sort()).toEqual(["+380502222222", "+380671111111"])
      expect(batch.filter((m) => !blocked.has(m))).toEqual(["+380633333333", "+380934444444"])
      expect((yield* blacklist.filterBlacklisted(account.id, [])).size).toBe(0)
      expect([...(yield* blacklist.filterBlacklisted(other.id, batch))]).toEqual(["+380633333333"])
    })
  )

  it.effect("removing reports whether the number was listed", () =>
    Effect.gen(function* () {
      const blacklist = yield* BlacklistRepo
      const account = yield* newAccount("Remove")
      yield* blacklist.add(account.id, n("380671234567"))
      expect(yield* blacklist.remove(account.id, n("380671234567"))).toBe(true)
      expect(yield* blacklist.remove(account.id, n("380671234567"))).toBe(false)
      expect((yield* blacklist.filterBlacklisted(account.id, [n("380671234567")])).size).toBe(0)
    })
  )

  it.effect("the list pages in number order", () =>
    Effect.gen(function* () {
      const blacklist = yield* BlacklistRepo
      const account = yield* newAccount("Pages")
      const numbers = Array.from({ length: 7 }, (_, i) => n(`38067000000${i}`))
      for (const msisdn of [...numbers].reverse()) yield* blacklist.add(account.id, msisdn)
      const first = yield* blacklist.list(account.id, { limit: 3 })
      const second = yield* blacklist.list(account.id, { after: first.at(-1)!.msisdn, limit: 3 })
      const third = yield* blacklist.list(account.id, { after: second.at(-1)!.msisdn, limit: 3 })
      expect([...first, ...second, ...third].map((e) => e.msisdn)).toEqual(numbers)
      expect(third.length).toBe(1)
    })
  )

  it.effect("an unknown account is a typed error", () =>
    Effect.gen(function* () {
      const blacklist = yield* BlacklistRepo
      const ghost = "0190a0a0-0000-7000-8000-000000000000" as AccountId
      const error = yield* blacklist.add(ghost, n("380671234567")).pipe(Effect.flip)
      expect(error).toMatchObject({ _tag: "AccountNotFound", accountId: ghost })
    })
  )
})

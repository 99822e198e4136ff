import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import type { AccountId, GroupId } from "@volley/core"
import type { E164 } from "@volley/core/phone/PhoneNumber"
import { Effect, Layer } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { ContactsRepo } from "../src/contacts/ContactsRepo.js"
import { GroupsRepo } from "../src/contacts/GroupsRepo.js"
import { TestDatabase } from "./support/TestDatabase.js"

const Repos = Layer.mergeAll(AccountsRepo.Default, GroupsRepo.Default, ContactsRepo.Default).pipe(
  Layer.provideMerge(TestDatabase)
)

const newAccount = (name: string) => Effect.flatMap(AccountsRepo, (accounts) => accounts.create({ name }))
const n = (digits: string) => `+${digits}` as E164
const ghostGroup = "0190a0a0-0000-7000-8000-0000000000aa" as GroupId

layer(Repos)("groups and contacts", (it) => {
  it.effect("groups are created, renamed, listed and deleted within an account", () =>
    Effect.gen(function* () {
      const groups = yield* GroupsRepo
      const account = yield* newAccount("Groups")
      const vip = yield* groups.create(account.id, "  VIP  ")
      expect(vip).toMatchObject({ accountId: account.id, name: "VIP" })
      const all = yield* groups.create(account.id, "All customers")
      expect((yield* groups.list(account.id)).map((g) => g.name)).toEqual(["All customers", "VIP"])
      const renamed = yield* groups.rename(account.id, vip.id, "Gold")
      expect(renamed).toMatchObject({ id: vip.id, name: "Gold" })
      expect((yield* groups.get(account.id, vip.id)).name).toBe("Gold")
      yield* groups.delete(account.id, all.id)
      expect((yield* groups.list(account.id)).map((g) => g.id)).toEqual([vip.id])
      const gone = yield* groups.get(account.id, all.id).pipe(Effect.flip)
      expect(gone).toMatchObject({ _tag: "GroupNotFound", groupId: all.id })
    })
  )

  it.effect("a group name is unique per account; other accounts may reuse it", () =>
    Effect.gen(function* () {
      const groups = yield* GroupsRepo
      const a = yield* newAccount("A")
      const b = yield* newAccount("B")
      const first = yield* groups.create(a.id, "Newsletter")
      const taken = yield* groups.create(a.id, " Newsletter").pipe(Effect.flip)
      expect(taken).toMatchObject({ _tag: "GroupNameTaken", name: "Newsletter" })
      expect((yield* groups.create(b.id, "Newsletter")).accountId).toBe(b.id)
      const other = yield* groups.create(a.id, "Promo")
      const clash = yield* groups.rename(a.id, other.id, "Newsletter").pipe(Effect.flip)
      expect(clash).toMatchObject({ _tag: "GroupNameTaken", name: "Newsletter" })
      expect((yield* groups.rename(a.id, first.id, "Newsletter")).name).toBe("Newsletter")
    })
  )

  it.effect("bad group names and unknown accounts are typed errors", () =>
    Effect.gen(function* () {
      const groups = yield* GroupsRepo
      const account = yield* newAccount("Names")
      for (const name of ["", "   ", "x".repeat(101)]) {
        const error = yield* groups.create(account.id, name).pipe(Effect.flip)
        expect(error).toMatchObject({ _tag: "InvalidGroupName", name })
      }
      const group = yield* groups.create(account.id, "Ok")
      expect((yield* groups.rename(account.id, group.id, " ").pipe(Effect.flip))._tag).toBe(
        "InvalidGroupName"
      )
      const ghost = "0190a0a0-0000-7000-8000-000000000000" as AccountId
      const noAccount = yield* groups.create(ghost, "Ghosts").pipe(Effect.flip)
      expect(noAccount).toMatchObject({ _tag: "AccountNotFound", accountId: ghost })
    })
  )

  it.effect("another account's group is not found, for every operation", () =>
    Effect.gen(function* () {
      const groups = yield* GroupsRepo
      const contacts = yield* ContactsRepo
      const owner = yield* newAccount("Owner")
      const intruder = yield* newAccount("Intruder")
      const group = yield* groups.create(owner.id, "Private")
      yield* contacts.addMany(owner.id, group.id, [{ msisdn: n("380671234567") }])
      const attempts: ReadonlyArray<Effect.Effect<unknown, { readonly _tag: string }>> = [
        groups.get(intruder.id, group.id),
        groups.rename(intruder.id, group.id, "Mine"),
        groups.delete(intruder.id, group.id),
        contacts.addMany(intruder.id, group.id, [{ msisdn: n("380501234567") }]),
        contacts.remove(intruder.id, group.id, [n("380671234567")]),
        contacts.count(intruder.id, group.id)
      ]
      for (const attempt of attempts) {
        const error = yield* Effect.flip(attempt)
        expect(error).toMatchObject({ _tag: "GroupNotFound", groupId: group.id })
      }
      expect(yield* groups.list(intruder.id)).toEqual([])
      expect(yield* contacts.count(owner.id, group.id)).toBe(1)
      expect((yield* groups.get(owner.id, group.id)).name).toBe("Private")
      const missing = yield* contacts.count(owner.id, ghostGroup).pipe(Effect.flip)
      expect(missing).toMatchObject({ _tag: "GroupNotFound", groupId: ghostGroup })
    })
  )

  it.effect("adding contacts reports duplicates within the call and against the group exactly", () =>
    Effect.gen(function* () {
      const groups = yield* GroupsRepo
      const contacts = yield* ContactsRepo
      const account = yield* newAccount("Dedup")
      const group = yield* groups.create(account.id, "Import")
      const first = yield* contacts.addMany(account.id, group.id, [
        { msisdn: n("380671111111"), name: "Olena", fields: { first_name: "Olena", city: "Kyiv" } },
        { msisdn: n("380502222222") },
        { msisdn: n("380671111111"), name: "Olena again" }
      ])
      expect(first).toMatchObject({ added: 2, duplicates: 1 })
      const second = yield* contacts.addMany(account.id, group.id, [
        { msisdn: n("380502222222") },
        { msisdn: n("380633333333") },
        { msisdn: n("380633333333") },
        { msisdn: n("380934444444") }
      ])
      expect(second).toMatchObject({ added: 2, duplicates: 2 })
      expect(yield* contacts.count(account.id, group.id)).toBe(4)
      expect(yield* contacts.addMany(account.id, group.id, [])).toMatchObject({ added: 0, duplicates: 0 })

      const page = yield* contacts.page(group.id, 0, 10)
      expect(page.map((c) => c.msisdn)).toEqual([
        "+380671111111",
        "+380502222222",
        "+380633333333",
        "+380934444444"
      ])
      // The first of a repeated number wins; field keys are kept exactly as given.
      expect(page[0]).toMatchObject({ name: "Olena", fields: { first_name: "Olena", city: "Kyiv" } })
      expect(page[1]).toMatchObject({ name: null, fields: {} })
    })
  )

  it.effect("the same number may be in several groups", () =>
    Effect.gen(function* () {
      const groups = yield* GroupsRepo
      const contacts = yield* ContactsRepo
      const account = yield* newAccount("Overlap")
      const a = yield* groups.create(account.id, "A")
      const b = yield* groups.create(account.id, "B")
      yield* contacts.addMany(account.id, a.id, [{ msisdn: n("380671234567") }])
      expect(yield* contacts.addMany(account.id, b.id, [{ msisdn: n("380671234567") }])).toMatchObject({
        added: 1,
        duplicates: 0
      })
    })
  )

  it.effect("keyset pages cover the group once, in id order, and end with an empty page", () =>
    Effect.gen(function* () {
      const groups = yield* GroupsRepo
      const contacts = yield* ContactsRepo
      const account = yield* newAccount("Paging")
      const group = yield* groups.create(account.id, "Big")
      const other = yield* groups.create(account.id, "Other")
      const numbers = Array.from({ length: 25 }, (_, i) => n(`3806700000${String(i).padStart(2, "0")}`))
      yield* contacts.addMany(
        account.id,
        group.id,
        numbers.map((msisdn) => ({ msisdn }))
      )
      yield* contacts.addMany(account.id, other.id, [{ msisdn: n("380509999999") }])
      const seen: Array<string> = []
      let after = 0
      for (;;) {
        const page = yield* contacts.page(group.id, after, 10)
        if (page.length === 0) break
        expect(page.length).toBeLessThanOrEqual(10)
        for (const c of page) expect(c.groupId).toBe(group.id)
        seen.push(...page.map((c) => c.msisdn))
        after = page.at(-1)!.id
      }
      expect(seen).toEqual(numbers)
    })
  )

  it.effect("removing contacts counts what was there; deleting a group removes its contacts", () =>
    Effect.gen(function* () {
      const groups = yield* GroupsRepo
      const contacts = yield* ContactsRepo
      const sql = yield* SqlClient.SqlClient
      const account = yield* newAccount("Remove")
      const group = yield* groups.create(account.id, "Temp")
      yield* contacts.addMany(account.id, group.id, [
        { msisdn: n("380671234567") },
        { msisdn: n("380501234567") },
        { msisdn: n("380631234567") }
      ])
      expect(yield* contacts.remove(account.id, group.id, [n("380671234567"), n("380991234567")])).toBe(1)
      expect(yield* contacts.count(account.id, group.id)).toBe(2)
      yield* groups.delete(account.id, group.id)
      const left = yield* sql<{ n: number }>`SELECT count(*) AS n FROM contacts WHERE group_id = ${group.id}`
      expect(left[0]?.n).toBe(0)
      expect((yield* groups.delete(account.id, group.id).pipe(Effect.flip))._tag).toBe("GroupNotFound")
    })
  )
})

import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ApiTest, call, expectStatus, newSender } from "./support/ApiHarness.js"

const ghost = "0190a0a0-0000-7000-8000-0000000000aa"

layer(ApiTest, { excludeTestServices: true })("groups and contacts endpoints", (it) => {
  it.effect("a group is created, read, renamed, listed with its count and deleted", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Groups CRUD")
      const created = expectStatus(yield* sender.as("POST", "/v1/groups", { name: "  VIP  " }), 201).body
      expect(created).toMatchObject({ name: "VIP", contacts: 0 })
      expect(typeof created.createdAt).toBe("string")
      const id: string = created.id
      expectStatus(yield* sender.as("POST", `/v1/groups/${id}/contacts`, { number: "+380671234567" }), 201)
      expectStatus(yield* sender.as("POST", `/v1/groups/${id}/contacts`, { number: "+380501234567" }), 201)
      expect(expectStatus(yield* sender.as("GET", `/v1/groups/${id}`), 200).body).toMatchObject({
        id,
        name: "VIP",
        contacts: 2
      })
      const renamed = expectStatus(yield* sender.as("PATCH", `/v1/groups/${id}`, { name: "Gold" }), 200).body
      expect(renamed).toMatchObject({ id, name: "Gold", contacts: 2 })
      expectStatus(yield* sender.as("POST", "/v1/groups", { name: "All customers" }), 201)
      const listed = expectStatus(yield* sender.as("GET", "/v1/groups"), 200).body
      expect(listed.items.map((g: { name: string; contacts: number }) => [g.name, g.contacts])).toEqual([
        ["All customers", 0],
        ["Gold", 2]
      ])
      expect(listed.nextCursor).toBeNull()
      const deleted = yield* sender.as("DELETE", `/v1/groups/${id}`)
      expect(deleted.status).toBe(204)
      expect(deleted.body).toBeUndefined()
      expect((yield* sender.as("GET", `/v1/groups/${id}`)).body).toMatchObject({
        _tag: "GroupNotFound",
        groupId: id
      })
      expect((yield* sender.as("GET", "/v1/groups")).body.items.map((g: { name: string }) => g.name)).toEqual(
        ["All customers"]
      )
    })
  )

  it.effect("bad and taken names are typed 400 and 409; unknown groups 404; bad ids 400", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Group names")
      const first = expectStatus(yield* sender.as("POST", "/v1/groups", { name: "News" }), 201).body
      const other = expectStatus(yield* sender.as("POST", "/v1/groups", { name: "Promo" }), 201).body
      const taken = yield* sender.as("POST", "/v1/groups", { name: " News " })
      expect(taken.status).toBe(409)
      expect(taken.body).toMatchObject({ _tag: "GroupNameTaken", name: "News" })
      expect(taken.body.message).toContain("News")
      const clash = yield* sender.as("PATCH", `/v1/groups/${other.id}`, { name: "News" })
      expect(clash.status).toBe(409)
      for (const name of ["", "   ", "x".repeat(101)]) {
        const bad = yield* sender.as("POST", "/v1/groups", { name })
        expect(bad.status, name).toBe(400)
        expect(bad.body._tag).toBe("InvalidGroupName")
      }
      expect((yield* sender.as("PATCH", `/v1/groups/${first.id}`, { name: " " })).status).toBe(400)
      expect((yield* sender.as("POST", "/v1/groups", { title: "x" })).status).toBe(400)
      expect((yield* sender.as("GET", `/v1/groups/${ghost}`)).status).toBe(404)
      expect((yield* sender.as("DELETE", `/v1/groups/${ghost}`)).status).toBe(404)
      expect((yield* sender.as("GET", "/v1/groups/not-a-uuid")).status).toBe(400)
      expect((yield* call("GET", "/v1/groups")).status).toBe(401)
    })
  )

  it.effect("groups page in name order with a cursor", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Group paging")
      const names = ["delta", "alpha", "echo", "charlie", "bravo"]
      for (const name of names) expectStatus(yield* sender.as("POST", "/v1/groups", { name }), 201)
      const seen: Array<string> = []
      let cursor: string | null = null
      do {
        const query: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`
        const page = expectStatus(yield* sender.as("GET", `/v1/groups?limit=2${query}`), 200).body
        expect(page.items.length).toBeLessThanOrEqual(2)
        seen.push(...page.items.map((g: { name: string }) => g.name))
        cursor = page.nextCursor
      } while (cursor !== null)
      expect(seen).toEqual([...names].sort())
    })
  )

  it.effect("a contact is added normalised with its name and fields; a repeated number is a 409", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Contacts")
      const group = expectStatus(yield* sender.as("POST", "/v1/groups", { name: "Customers" }), 201).body
      const added = expectStatus(
        yield* sender.as("POST", `/v1/groups/${group.id}/contacts`, {
          number: "00380 (67) 123-45-67",
          name: " Olena ",
          fields: { first_name: "Olena", city: "Kyiv" }
        }),
        201
      ).body
      expect(added).toMatchObject({
        groupId: group.id,
        msisdn: "+380671234567",
        name: "Olena",
        fields: { first_name: "Olena", city: "Kyiv" }
      })
      expect(Number.isInteger(added.id)).toBe(true)
      const again = yield* sender.as("POST", `/v1/groups/${group.id}/contacts`, { number: "380671234567" })
      expect(again.status).toBe(409)
      expect(again.body).toMatchObject({ _tag: "ContactAlreadyInGroup", msisdn: "+380671234567" })
      const invalid = yield* sender.as("POST", `/v1/groups/${group.id}/contacts`, { number: "12" })
      expect(invalid.status).toBe(400)
      expect(invalid.body).toMatchObject({ _tag: "InvalidPhoneNumber", input: "12" })
      const bare = expectStatus(
        yield* sender.as("POST", `/v1/groups/${group.id}/contacts`, { number: "+447911123456" }),
        201
      ).body
      expect(bare).toMatchObject({ name: null, fields: {} })
      const noGroup = yield* sender.as("POST", `/v1/groups/${ghost}/contacts`, { number: "+380671234567" })
      expect(noGroup.status).toBe(404)
      expect(noGroup.body._tag).toBe("GroupNotFound")
    })
  )

  it.effect("contacts page in the order they were added; removing one answers 204, then 404", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Contact paging")
      const group = expectStatus(yield* sender.as("POST", "/v1/groups", { name: "Big" }), 201).body
      const numbers = Array.from({ length: 7 }, (_, i) => `+38067123450${i}`)
      for (const number of numbers) {
        expectStatus(yield* sender.as("POST", `/v1/groups/${group.id}/contacts`, { number }), 201)
      }
      const seen: Array<{ id: number; msisdn: string }> = []
      let cursor: string | null = null
      do {
        const query: string = cursor === null ? "" : `&cursor=${cursor}`
        const page = expectStatus(
          yield* sender.as("GET", `/v1/groups/${group.id}/contacts?limit=3${query}`),
          200
        ).body
        expect(page.items.length).toBeLessThanOrEqual(3)
        seen.push(...page.items)
        cursor = page.nextCursor
      } while (cursor !== null)
      expect(seen.map((c) => c.msisdn)).toEqual(numbers)
      const victim = seen[2]!
      const removed = yield* sender.as("DELETE", `/v1/groups/${group.id}/contacts/${victim.id}`)
      expect(removed.status).toBe(204)
      const again = yield* sender.as("DELETE", `/v1/groups/${group.id}/contacts/${victim.id}`)
      expect(again.status).toBe(404)
      expect(again.body).toMatchObject({ _tag: "ContactNotFound", contactId: victim.id })
      expect((yield* sender.as("GET", `/v1/groups/${group.id}`)).body.contacts).toBe(6)
      expect((yield* sender.as("GET", `/v1/groups/${group.id}/contacts?cursor=x`)).status).toBe(400)
      expect((yield* sender.as("GET", `/v1/groups/${group.id}/contacts?limit=501`)).status).toBe(400)
    })
  )

  it.effect("another account's group and contacts are not found, for every operation", () =>
    Effect.gen(function* () {
      const owner = yield* newSender("Owner")
      const intruder = yield* newSender("Intruder")
      const group = expectStatus(yield* owner.as("POST", "/v1/groups", { name: "Private" }), 201).body
      const contact = expectStatus(
        yield* owner.as("POST", `/v1/groups/${group.id}/contacts`, { number: "+380671234567" }),
        201
      ).body
      const attempts = [
        intruder.as("GET", `/v1/groups/${group.id}`),
        intruder.as("PATCH", `/v1/groups/${group.id}`, { name: "Mine" }),
        intruder.as("DELETE", `/v1/groups/${group.id}`),
        intruder.as("GET", `/v1/groups/${group.id}/contacts`),
        intruder.as("POST", `/v1/groups/${group.id}/contacts`, { number: "+380501234567" }),
        intruder.as("DELETE", `/v1/groups/${group.id}/contacts/${contact.id}`),
        call("POST", `/v1/groups/${group.id}/imports`, {
          token: intruder.key,
          headers: { "content-type": "text/csv" }
        })
      ]
      for (const attempt of attempts) {
        const reply = yield* attempt
        expect(reply.status).toBe(404)
        expect(reply.body).toMatchObject({ _tag: "GroupNotFound", groupId: group.id })
      }
      expect((yield* intruder.as("GET", "/v1/groups")).body.items).toEqual([])
      const mine = expectStatus(yield* owner.as("GET", `/v1/groups/${group.id}`), 200).body
      expect(mine).toMatchObject({ name: "Private", contacts: 1 })
    })
  )
})

import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ApiTest, call, expectStatus, newSender } from "./support/ApiHarness.js"

layer(ApiTest, { excludeTestServices: true })("blacklist endpoints", (it) => {
  it.effect(
    "a number added in any international form is stored in E.164; adding it again keeps the first",
    () =>
      Effect.gen(function* () {
        const sender = yield* newSender("Opt-outs")
        const added = expectStatus(
          yield* sender.as("POST", "/v1/blacklist", { number: "00380 67 123 45 67", reason: "STOP" }),
          201
        )
        expect(added.body).toMatchObject({
          accountId: sender.accountId,
          msisdn: "+380671234567",
          reason: "STOP"
        })
        const again = yield* sender.as("POST", "/v1/blacklist", { number: "+380671234567", reason: "other" })
        expect(again.body.reason).toBe("STOP")
        const listed = (yield* sender.as("GET", "/v1/blacklist")).body
        expect(listed).toMatchObject({ items: [{ msisdn: "+380671234567" }], nextCursor: null })
      })
  )

  it.effect("an invalid number is a 400 naming the number and the reason", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Invalid numbers")
      for (const [number, reason] of [
        ["12", "INVALID_NUMBER"],
        ["call me", "NOT_A_NUMBER"],
        ["", "EMPTY"]
      ] as const) {
        const reply = yield* sender.as("POST", "/v1/blacklist", { number })
        expect(reply.status, number).toBe(400)
        expect(reply.body).toMatchObject({ _tag: "InvalidPhoneNumber", input: number })
        expect(reply.body.message).toContain(`"${number}"`)
        expect(typeof reply.body.reason).toBe("string")
        if (reason !== "INVALID_NUMBER") expect(reply.body.reason).toBe(reason)
      }
      expect((yield* sender.as("DELETE", "/v1/blacklist/abc")).body).toMatchObject({
        _tag: "InvalidPhoneNumber",
        input: "abc"
      })
      expect((yield* sender.as("GET", "/v1/blacklist")).body.items).toEqual([])
    })
  )

  it.effect("removing a listed number answers 204; removing it again is a typed 404", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Removals")
      yield* sender.as("POST", "/v1/blacklist", { number: "+380501112233" })
      const removed = yield* sender.as("DELETE", `/v1/blacklist/${encodeURIComponent("+380501112233")}`)
      expect(removed.status).toBe(204)
      expect(removed.body).toBeUndefined()
      const again = yield* sender.as("DELETE", "/v1/blacklist/+380501112233")
      expect(again.status).toBe(404)
      expect(again.body).toMatchObject({ _tag: "NotBlacklisted", number: "+380501112233" })
    })
  )

  it.effect("the list pages in number order with a cursor", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Paging")
      const numbers = ["+380671234567", "+380501112233", "+380931234567", "+447911123456", "+380661234567"]
      for (const number of numbers) yield* sender.as("POST", "/v1/blacklist", { number })
      const seen: Array<string> = []
      let cursor: string | null = null
      do {
        const query: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`
        const page = expectStatus(yield* sender.as("GET", `/v1/blacklist?limit=2${query}`), 200).body
        expect(page.items.length).toBeLessThanOrEqual(2)
        seen.push(...page.items.map((e: { msisdn: string }) => e.msisdn))
        cursor = page.nextCursor
      } while (cursor !== null)
      expect(seen).toEqual([...numbers].sort())
      expect((yield* sender.as("GET", "/v1/blacklist?limit=0")).status).toBe(400)
      expect((yield* sender.as("GET", "/v1/blacklist?cursor=nope")).status).toBe(400)
    })
  )

  it.effect("malformed JSON and a missing key are refused before anything is stored", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Bad requests")
      const malformed = yield* call("POST", "/v1/blacklist", { token: sender.key, raw: "{number:" })
      expect(malformed.status).toBe(400)
      expect(malformed.body._tag).toBe("HttpApiDecodeError")
      const wrongShape = yield* sender.as("POST", "/v1/blacklist", { numbers: ["+380671234567"] })
      expect(wrongShape.status).toBe(400)
      const anonymous = yield* call("POST", "/v1/blacklist", { json: { number: "+380671234567" } })
      expect(anonymous.status).toBe(401)
      expect((yield* sender.as("GET", "/v1/blacklist")).body.items).toEqual([])
    })
  )
})

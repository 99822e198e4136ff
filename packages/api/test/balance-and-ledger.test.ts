import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { DEFAULT_TEST_BONUS_MINOR } from "../src/accounts/AccountsApi.js"
import {
  ApiTest,
  asOperator,
  call,
  expectStatus,
  newActiveSender,
  newSender,
  TEST_ADMIN_TOKEN
} from "./support/ApiHarness.js"

const ghost = "0190a0a0-0000-7000-8000-000000000000"

layer(ApiTest, { excludeTestServices: true })("accounts, balance and ledger", (it) => {
  it.effect("a new account starts in test mode with the default bonus, recorded in its ledger", () =>
    Effect.gen(function* () {
      const created = expectStatus(
        yield* asOperator("POST", "/v1/admin/accounts", { name: "  Pizza Kyiv " }),
        201
      )
      expect(created.body).toMatchObject({
        name: "Pizza Kyiv",
        mode: "test",
        balanceMinor: DEFAULT_TEST_BONUS_MINOR,
        currency: "UAH",
        activatedAt: null,
        testMode: { dailyCap: 20, senderId: "Volley", singleMessagesOnly: true }
      })
      const key = expectStatus(
        yield* asOperator("POST", `/v1/admin/accounts/${created.body.id}/keys`, { name: "web" }),
        201
      ).body
      expect(key.key.rateLimitPerSecond).toBe(100)
      const balance = yield* call("GET", "/v1/balance", { token: key.plaintext })
      expect(balance.body).toEqual({ balanceMinor: DEFAULT_TEST_BONUS_MINOR, currency: "UAH" })
      const ledger = yield* call("GET", "/v1/ledger", { token: key.plaintext })
      expect(ledger.body.nextCursor).toBeNull()
      expect(ledger.body.items).toMatchObject([
        { kind: "bonus", amountMinor: DEFAULT_TEST_BONUS_MINOR, balanceAfterMinor: DEFAULT_TEST_BONUS_MINOR }
      ])
    })
  )

  it.effect("the operator chooses the bonus, currency, time zone and daily cap", () =>
    Effect.gen(function* () {
      const reply = yield* asOperator("POST", "/v1/admin/accounts", {
        name: "Custom",
        bonusMinor: 0,
        currency: "EUR",
        timeZone: "Europe/Warsaw",
        testDailyCap: 5
      })
      expect(expectStatus(reply, 201).body).toMatchObject({
        balanceMinor: 0,
        currency: "EUR",
        timeZone: "Europe/Warsaw",
        testMode: { dailyCap: 5 }
      })
    })
  )

  it.effect("activation lifts the test-mode limits; test mode can be set again with a new cap", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Activate me")
      const active = expectStatus(
        yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/activate`),
        200
      )
      expect(active.body.mode).toBe("active")
      expect(active.body.testMode).toBeNull()
      expect(typeof active.body.activatedAt).toBe("string")
      expect((yield* sender.as("GET", "/v1/account")).body.mode).toBe("active")

      const back = yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/test-mode`, {
        dailyCap: 3
      })
      expect(expectStatus(back, 200).body).toMatchObject({ mode: "test", testMode: { dailyCap: 3 } })
      const kept = yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/test-mode`, {})
      expect(kept.body.testMode.dailyCap).toBe(3)
    })
  )

  it.effect("a suspended account's sends are refused until the operator activates it again", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Suspend me", 1_000)
      const send = () => sender.as("POST", "/v1/messages", { to: "+380671234567", text: "hi" })
      expect((yield* send()).status).toBe(201)
      const suspended = yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/suspend`)
      expect(expectStatus(suspended, 200).body.mode).toBe("suspended")
      const refused = yield* send()
      expect(refused.status).toBe(403)
      expect(refused.body._tag).toBe("AccountSuspended")
      expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/activate`), 200)
      expect((yield* send()).status).toBe(201)
    })
  )

  it.effect("top-ups raise the balance and the ledger pages back through them, newest first", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Pages", { bonusMinor: 100 })
      for (const amountMinor of [1_000, 2_000, 3_000, 4_000]) {
        const topUp = yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/topups`, {
          amountMinor,
          reference: `invoice-${amountMinor}`
        })
        expect(expectStatus(topUp, 201).body.amountMinor).toBe(amountMinor)
      }
      expect((yield* sender.as("GET", "/v1/balance")).body.balanceMinor).toBe(10_100)

      const first = expectStatus(yield* sender.as("GET", "/v1/ledger?limit=2"), 200).body
      expect(first.items.map((e: { amountMinor: number }) => e.amountMinor)).toEqual([4_000, 3_000])
      expect(first.items[0]).toMatchObject({
        kind: "topup",
        reference: "invoice-4000",
        balanceAfterMinor: 10_100
      })
      expect(typeof first.nextCursor).toBe("string")
      const second = (yield* sender.as("GET", `/v1/ledger?limit=2&cursor=${first.nextCursor}`)).body
      expect(second.items.map((e: { amountMinor: number }) => e.amountMinor)).toEqual([2_000, 1_000])
      const last = (yield* sender.as("GET", `/v1/ledger?limit=2&cursor=${second.nextCursor}`)).body
      expect(last.items.map((e: { kind: string }) => e.kind)).toEqual(["bonus"])
      expect(last.nextCursor).toBeNull()
    })
  )

  it.effect("bad top-ups are refused with 400 and change nothing", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Bad top-ups", { bonusMinor: 100 })
      const path = `/v1/admin/accounts/${sender.accountId}/topups`
      for (const amountMinor of [0, -5, 1.5, "100"]) {
        const reply = yield* asOperator("POST", path, { amountMinor })
        expect(reply.status).toBe(400)
        expect(reply.body._tag).toBe("HttpApiDecodeError")
      }
      expect((yield* sender.as("GET", "/v1/balance")).body.balanceMinor).toBe(100)
      expect((yield* sender.as("GET", "/v1/ledger")).body.items).toHaveLength(1)
    })
  )

  it.effect("malformed JSON is a 400 decode error, not a crash", () =>
    Effect.gen(function* () {
      const reply = yield* call("POST", "/v1/admin/accounts", {
        token: TEST_ADMIN_TOKEN,
        raw: '{"name": "x",'
      })
      expect(reply.status).toBe(400)
      expect(reply.body._tag).toBe("HttpApiDecodeError")
      expect(reply.body.message).toContain("could not be read")
    })
  )

  it.effect("invalid account fields are refused with 400", () =>
    Effect.gen(function* () {
      for (const body of [
        {},
        { name: "   " },
        { name: "x", currency: "uah" },
        { name: "x", timeZone: "Mars/Olympus" },
        { name: "x", bonusMinor: -1 }
      ]) {
        const reply = yield* asOperator("POST", "/v1/admin/accounts", body)
        expect(reply.status, JSON.stringify(body)).toBe(400)
      }
    })
  )

  it.effect("an unknown account is 404 with its id; a malformed id is 400", () =>
    Effect.gen(function* () {
      for (const [method, suffix, body] of [
        ["GET", "", undefined],
        ["POST", "/activate", undefined],
        ["POST", "/suspend", undefined],
        ["POST", "/test-mode", {}],
        ["POST", "/topups", { amountMinor: 10 }],
        ["POST", "/keys", { name: "k" }],
        ["GET", "/keys", undefined]
      ] as const) {
        const reply = yield* asOperator(method, `/v1/admin/accounts/${ghost}${suffix}`, body)
        expect(reply.status, suffix).toBe(404)
        expect(reply.body).toMatchObject({ _tag: "AccountNotFound", accountId: ghost })
        expect(reply.body.message).toContain(ghost)
      }
      expect((yield* asOperator("GET", "/v1/admin/accounts/not-a-uuid")).status).toBe(400)
    })
  )

  it.effect("operators page through the accounts", () =>
    Effect.gen(function* () {
      yield* newSender("Listed A")
      yield* newSender("Listed B")
      const seen: Array<string> = []
      let cursor: string | null = null
      do {
        const query: string = cursor === null ? "" : `&cursor=${cursor}`
        const page = expectStatus(yield* asOperator("GET", `/v1/admin/accounts?limit=1${query}`), 200).body
        expect(page.items.length).toBeLessThanOrEqual(1)
        seen.push(...page.items.map((a: { name: string }) => a.name))
        cursor = page.nextCursor
      } while (cursor !== null)
      expect(seen).toContain("Listed A")
      expect(seen).toContain("Listed B")
      expect(new Set(seen).size).toBe(seen.length)
    })
  )
})

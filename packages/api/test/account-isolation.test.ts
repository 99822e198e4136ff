import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ApiTest, asOperator, expectStatus, newSender } from "./support/ApiHarness.js"

/** One account can never read or change another's keys, sender IDs, blacklist or money (404, never 403). */
layer(ApiTest, { excludeTestServices: true })("account isolation", (it) => {
  const twoAccounts = Effect.all([newSender("Alice"), newSender("Mallory")])

  it.effect("another account's key cannot be revoked, and is not listed", () =>
    Effect.gen(function* () {
      const [alice, mallory] = yield* twoAccounts
      const attempt = yield* mallory.as("DELETE", `/v1/keys/${alice.keyId}`)
      expect(attempt.status).toBe(404)
      expect(attempt.body).toMatchObject({ _tag: "ApiKeyNotFound", keyId: alice.keyId })
      const listed = (yield* mallory.as("GET", "/v1/keys")).body
      expect(listed.map((k: { id: string }) => k.id)).toEqual([mallory.keyId])
      expectStatus(yield* alice.as("GET", "/v1/balance"), 200)
      expect((yield* alice.as("GET", "/v1/keys")).body[0].revokedAt).toBeNull()
    })
  )

  it.effect("another account's sender ID answers 404 and is not listed", () =>
    Effect.gen(function* () {
      const [alice, mallory] = yield* twoAccounts
      const { id } = (yield* alice.as("POST", "/v1/sender-ids", { senderId: "AliceShop" })).body
      const attempt = yield* mallory.as("GET", `/v1/sender-ids/${id}`)
      expect(attempt.status).toBe(404)
      expect(attempt.body).toMatchObject({ _tag: "SenderIdRequestNotFound", id })
      expect((yield* mallory.as("GET", "/v1/sender-ids")).body).toEqual([])
      // the same name is a separate request for each account
      const own = (yield* mallory.as("POST", "/v1/sender-ids", { senderId: "AliceShop" })).body
      expect(own.id).not.toBe(id)
      expect(own.accountId).toBe(mallory.accountId)
    })
  )

  it.effect("another account's blacklist can be neither read nor emptied", () =>
    Effect.gen(function* () {
      const [alice, mallory] = yield* twoAccounts
      yield* alice.as("POST", "/v1/blacklist", { number: "+380671234567" })
      expect((yield* mallory.as("GET", "/v1/blacklist")).body.items).toEqual([])
      const attempt = yield* mallory.as("DELETE", "/v1/blacklist/+380671234567")
      expect(attempt.status).toBe(404)
      expect((yield* alice.as("GET", "/v1/blacklist")).body.items).toHaveLength(1)
    })
  )

  it.effect("balance and ledger are the caller's own", () =>
    Effect.gen(function* () {
      const [alice, mallory] = yield* twoAccounts
      yield* asOperator("POST", `/v1/admin/accounts/${alice.accountId}/topups`, { amountMinor: 5_000 })
      const aliceLedger = (yield* alice.as("GET", "/v1/ledger")).body.items
      const malloryLedger = (yield* mallory.as("GET", "/v1/ledger")).body.items
      expect(aliceLedger.every((e: { accountId: string }) => e.accountId === alice.accountId)).toBe(true)
      expect(malloryLedger.every((e: { accountId: string }) => e.accountId === mallory.accountId)).toBe(true)
      expect(malloryLedger.some((e: { kind: string }) => e.kind === "topup")).toBe(false)
      // a cursor taken from another account's ledger reveals nothing of it
      const cursor = String(aliceLedger[0].id + 1)
      const probe = (yield* mallory.as("GET", `/v1/ledger?cursor=${cursor}`)).body.items
      expect(probe.every((e: { accountId: string }) => e.accountId === mallory.accountId)).toBe(true)
      expect((yield* mallory.as("GET", "/v1/account")).body.id).toBe(mallory.accountId)
    })
  )
})

import { expect, layer } from "@effect/vitest"
import type { AccountId, SenderIdRequestId } from "@volley/core"
import { DEFAULT_SENDER_ID } from "@volley/core/sender/SenderIdRequest"
import { Effect, Layer } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { SenderIdsRepo } from "../src/sender/SenderIdsRepo.js"
import { TestDatabase } from "./support/TestDatabase.js"

const Repos = Layer.mergeAll(AccountsRepo.Default, SenderIdsRepo.Default).pipe(
  Layer.provideMerge(TestDatabase)
)

const newAccount = (name: string) => Effect.flatMap(AccountsRepo, (accounts) => accounts.create({ name }))

layer(Repos)("sender ID approval", (it) => {
  it.effect("an alphanumeric name waits for approval, then can be used", () =>
    Effect.gen(function* () {
      const senders = yield* SenderIdsRepo
      const account = yield* newAccount("Pizza")
      const request = yield* senders.request(account.id, " PizzaKyiv ")
      expect(request).toMatchObject({
        accountId: account.id,
        value: "PizzaKyiv",
        kind: "alpha",
        status: "pending",
        decisionNote: null,
        decidedAt: null
      })
      const blocked = yield* senders.requireApproved(account.id, "PizzaKyiv").pipe(Effect.flip)
      expect(blocked).toMatchObject({ _tag: "SenderIdNotApproved", value: "PizzaKyiv", status: "pending" })
      expect((yield* senders.listPending()).map((r) => r.id)).toContain(request.id)

      const approved = yield* senders.decide(request.id, "approved", "documents checked")
      expect(approved).toMatchObject({ status: "approved", decisionNote: "documents checked" })
      expect(approved.decidedAt).toBeInstanceOf(Date)
      expect((yield* senders.listPending()).map((r) => r.id)).not.toContain(request.id)
      const usable = yield* senders.requireApproved(account.id, "PizzaKyiv")
      expect(usable).toMatchObject({ kind: "alpha", value: "PizzaKyiv", ton: 5, npi: 0 })
    })
  )

  it.effect("a rejected name can't be used, and its status says why", () =>
    Effect.gen(function* () {
      const senders = yield* SenderIdsRepo
      const account = yield* newAccount("Bank")
      const request = yield* senders.request(account.id, "PrivatBank")
      yield* senders.decide(request.id, "rejected", "trademark of another company")
      const error = yield* senders.requireApproved(account.id, "PrivatBank").pipe(Effect.flip)
      expect(error).toMatchObject({ _tag: "SenderIdNotApproved", value: "PrivatBank", status: "rejected" })
    })
  )

  it.effect("numbers and short codes are approved when requested", () =>
    Effect.gen(function* () {
      const senders = yield* SenderIdsRepo
      const account = yield* newAccount("Numbers")
      const numeric = yield* senders.request(account.id, "+380671234567")
      expect(numeric).toMatchObject({ value: "380671234567", kind: "numeric", status: "approved" })
      expect(numeric.decidedAt).toBeInstanceOf(Date)
      const short = yield* senders.request(account.id, "7890")
      expect(short).toMatchObject({ value: "7890", kind: "shortcode", status: "approved" })
      // The same number written either way is the same sender ID.
      expect((yield* senders.requireApproved(account.id, "380671234567")).kind).toBe("numeric")
      expect((yield* senders.requireApproved(account.id, "+380671234567")).ton).toBe(1)
    })
  )

  it.effect("asking again returns the existing request, whatever its status", () =>
    Effect.gen(function* () {
      const senders = yield* SenderIdsRepo
      const account = yield* newAccount("Again")
      const first = yield* senders.request(account.id, "Shop")
      const second = yield* senders.request(account.id, "Shop")
      expect(second.id).toBe(first.id)
      yield* senders.decide(first.id, "rejected", null)
      const third = yield* senders.request(account.id, "Shop")
      expect(third).toMatchObject({ id: first.id, status: "rejected" })
      expect((yield* senders.list(account.id)).length).toBe(1)
    })
  )

  it.effect("sender IDs belong to one account", () =>
    Effect.gen(function* () {
      const senders = yield* SenderIdsRepo
      const owner = yield* newAccount("Owner")
      const other = yield* newAccount("Other")
      const request = yield* senders.request(owner.id, "OwnerName")
      yield* senders.decide(request.id, "approved")
      const error = yield* senders.requireApproved(other.id, "OwnerName").pipe(Effect.flip)
      expect(error).toMatchObject({ _tag: "SenderIdNotApproved", value: "OwnerName", status: "unknown" })
      expect(yield* senders.list(other.id)).toEqual([])
    })
  )

  it.effect("the default sender ID needs no request", () =>
    Effect.gen(function* () {
      const senders = yield* SenderIdsRepo
      const account = yield* newAccount("Test mode")
      expect(DEFAULT_SENDER_ID).toBe("Volley")
      const senderId = yield* senders.requireApproved(account.id, DEFAULT_SENDER_ID)
      expect(senderId).toMatchObject({ kind: "alpha", value: "Volley" })
      expect(yield* senders.list(account.id)).toEqual([])
    })
  )

  it.effect("invalid sender IDs, unknown requests and unknown accounts are typed errors", () =>
    Effect.gen(function* () {
      const senders = yield* SenderIdsRepo
      const account = yield* newAccount("Errors")
      const tooLong = yield* senders.request(account.id, "ThisNameIsTooLong").pipe(Effect.flip)
      expect(tooLong).toMatchObject({ _tag: "InvalidSenderId", reason: "TOO_LONG" })
      const spaced = yield* senders.request(account.id, "My Shop").pipe(Effect.flip)
      expect(spaced).toMatchObject({ _tag: "InvalidSenderId", reason: "INVALID_CHARACTER", character: " " })
      const badUse = yield* senders.requireApproved(account.id, "").pipe(Effect.flip)
      expect(badUse).toMatchObject({ _tag: "InvalidSenderId", reason: "EMPTY" })

      const ghostRequest = "0190a0a0-0000-7000-8000-000000000000" as SenderIdRequestId
      const missing = yield* senders.decide(ghostRequest, "approved").pipe(Effect.flip)
      expect(missing).toMatchObject({ _tag: "SenderIdRequestNotFound", id: ghostRequest })
      const ghostAccount = "0190a0a0-0000-7000-8000-000000000001" as AccountId
      const noAccount = yield* senders.request(ghostAccount, "Ghost").pipe(Effect.flip)
      expect(noAccount).toMatchObject({ _tag: "AccountNotFound", accountId: ghostAccount })
    })
  )

  it.effect("a request is read back only by its own account", () =>
    Effect.gen(function* () {
      const senders = yield* SenderIdsRepo
      const owner = yield* newAccount("Owner")
      const other = yield* newAccount("Other")
      const request = yield* senders.request(owner.id, "OwnerName")
      expect((yield* senders.get(owner.id, request.id)).value).toBe("OwnerName")
      const hidden = yield* senders.get(other.id, request.id).pipe(Effect.flip)
      expect(hidden).toMatchObject({ _tag: "SenderIdRequestNotFound", id: request.id })
    })
  )
})

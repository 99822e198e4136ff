import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ApiTest, asOperator, call, expectStatus, newSender } from "./support/ApiHarness.js"

const ghost = "0190a0a0-0000-7000-8000-000000000000"

layer(ApiTest, { excludeTestServices: true })("sender ID requests and approval", (it) => {
  it.effect("a name waits for approval; the operator approves it from the pending queue", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Names")
      const requested = expectStatus(
        yield* sender.as("POST", "/v1/sender-ids", { senderId: " PizzaKyiv " }),
        200
      )
      expect(requested.body).toMatchObject({
        value: "PizzaKyiv",
        kind: "alpha",
        status: "pending",
        decidedAt: null
      })

      const pending = expectStatus(yield* asOperator("GET", "/v1/admin/sender-ids/pending"), 200).body
      expect(pending.map((r: { id: string }) => r.id)).toContain(requested.body.id)

      const approved = yield* asOperator("POST", `/v1/admin/sender-ids/${requested.body.id}/approve`, {
        note: "documents checked"
      })
      expect(expectStatus(approved, 200).body).toMatchObject({
        status: "approved",
        decisionNote: "documents checked"
      })
      const pendingAfter = (yield* asOperator("GET", "/v1/admin/sender-ids/pending")).body
      expect(pendingAfter.map((r: { id: string }) => r.id)).not.toContain(requested.body.id)

      const own = expectStatus(yield* sender.as("GET", `/v1/sender-ids/${requested.body.id}`), 200)
      expect(own.body.status).toBe("approved")
      expect((yield* sender.as("GET", "/v1/sender-ids")).body).toMatchObject([{ value: "PizzaKyiv" }])
    })
  )

  it.effect("the operator can reject, and a later decision replaces an earlier one", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Rejected")
      const { id } = (yield* sender.as("POST", "/v1/sender-ids", { senderId: "Bank" })).body
      const rejected = yield* asOperator("POST", `/v1/admin/sender-ids/${id}/reject`, { note: "trademark" })
      expect(expectStatus(rejected, 200).body).toMatchObject({
        status: "rejected",
        decisionNote: "trademark"
      })
      expect((yield* sender.as("GET", `/v1/sender-ids/${id}`)).body.status).toBe("rejected")
      const approved = yield* asOperator("POST", `/v1/admin/sender-ids/${id}/approve`, {})
      expect(approved.body).toMatchObject({ status: "approved", decisionNote: null })
    })
  )

  it.effect("a number is approved when requested; asking again returns the same request", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Numbers")
      const first = (yield* sender.as("POST", "/v1/sender-ids", { senderId: "+380671234567" })).body
      expect(first).toMatchObject({ value: "380671234567", kind: "numeric", status: "approved" })
      const again = (yield* sender.as("POST", "/v1/sender-ids", { senderId: "380671234567" })).body
      expect(again.id).toBe(first.id)
      expect((yield* sender.as("GET", "/v1/sender-ids")).body).toHaveLength(1)
    })
  )

  it.effect("an invalid sender ID is a 400 that says which rule it breaks", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Invalid names")
      const cases = [
        ["Pizza Kyiv", "INVALID_CHARACTER"],
        ["ThisNameIsTooLong", "TOO_LONG"],
        ["", "EMPTY"],
        ["0671234567", "LEADING_ZERO"]
      ] as const
      for (const [senderId, reason] of cases) {
        const reply = yield* sender.as("POST", "/v1/sender-ids", { senderId })
        expect(reply.status, senderId).toBe(400)
        expect(reply.body).toMatchObject({ _tag: "InvalidSenderId", input: senderId, reason })
        expect(reply.body.message).toContain(`"${senderId}"`)
      }
      expect((yield* sender.as("POST", "/v1/sender-ids", { senderId: 42 })).body._tag).toBe(
        "HttpApiDecodeError"
      )
      expect((yield* sender.as("GET", "/v1/sender-ids")).body).toEqual([])
    })
  )

  it.effect("unknown ids are 404, malformed ids 400, and deciding needs the admin token", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Unknown ids")
      const unknown = yield* asOperator("POST", `/v1/admin/sender-ids/${ghost}/approve`, {})
      expect(unknown.status).toBe(404)
      expect(unknown.body).toMatchObject({ _tag: "SenderIdRequestNotFound", id: ghost })
      expect((yield* sender.as("GET", `/v1/sender-ids/${ghost}`)).status).toBe(404)
      expect((yield* sender.as("GET", "/v1/sender-ids/42")).status).toBe(400)

      const { id } = (yield* sender.as("POST", "/v1/sender-ids", { senderId: "SelfApprove" })).body
      expect((yield* sender.as("POST", `/v1/admin/sender-ids/${id}/approve`, {})).status).toBe(401)
      expect((yield* call("GET", "/v1/admin/sender-ids/pending")).status).toBe(401)
      expect((yield* sender.as("GET", `/v1/sender-ids/${id}`)).body.status).toBe("pending")
    })
  )
})

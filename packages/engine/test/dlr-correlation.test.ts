import { describe, expect, it, layer } from "@effect/vitest"
import type { MessageId } from "@volley/core"
import { Effect, Layer } from "effect"
import { DlrCorrelator } from "../src/dlr/DlrCorrelator.js"
import { receiptIdReadings } from "../src/dlr/receiptIds.js"
import { CorrelationStore } from "../src/hotmap/CorrelationStore.js"
import { MessageTransitions } from "../src/message/MessageTransitions.js"
import {
  addOperator,
  eventually,
  messageRow,
  newAccount,
  publishReceipt,
  queueMessage,
  recoveryInfrastructure,
  statusEventsOf,
  statusOf,
  submitAccepted,
  unmatchedReceipts
} from "./support/ReceiptFixtures.js"

// Redeliveries after 100, 200, 400, 400 ms: an unknown receipt is given up after about 1.1 s.
const retry = { maxRedeliveries: 4, retryDelayMs: 100, maxRetryDelayMs: 400 }

const Env = DlrCorrelator.layer(retry).pipe(Layer.provideMerge(recoveryInfrastructure))

const is = (status: string) => (s: string) => s === status

layer(Env, { excludeTestServices: true })("delivery receipt correlation", (it) => {
  it.effect("a receipt found in the hot map settles its message, with one status event", () =>
    Effect.gen(function* () {
      const account = yield* newAccount
      const route = yield* addOperator("hex")
      const id = yield* queueMessage(account, route)
      // Postgres knows the message by another id: only the hot map can correlate this receipt.
      yield* submitAccepted(id, route, ["AAAA01"])
      yield* (yield* CorrelationStore).putMany([
        { operatorId: route.operatorId, smscMessageId: "bbbb01", messageId: id, part: 1, ttlSeconds: 60 }
      ])
      yield* publishReceipt({ operatorId: route.operatorId, smscMessageId: "00BBBB01", status: "DELIVRD" })

      yield* eventually(statusOf(id), is("DELIVRD"))
      const row = yield* messageRow(id)
      expect(row.history.at(-1)).toMatchObject({ status: "DELIVRD", source: "receipt" })
      expect(yield* statusEventsOf(id)).toEqual(["DELIVRD"])
    })
  )

  it.effect(
    "with an empty hot map, Postgres correlates single-part messages and each part of a long one",
    () =>
      Effect.gen(function* () {
        const account = yield* newAccount
        const route = yield* addOperator("string")
        const single = yield* queueMessage(account, route)
        const long = yield* queueMessage(account, route, { parts: 2 })
        yield* submitAccepted(single, route, ["s-100"])
        yield* submitAccepted(long, route, ["p-1", "p-2"])

        yield* publishReceipt({ operatorId: route.operatorId, smscMessageId: "s-100", status: "UNDELIV" })
        yield* publishReceipt({ operatorId: route.operatorId, smscMessageId: "p-1", status: "DELIVRD" })
        yield* eventually(statusOf(single), is("UNDELIV"))
        // One part delivered is not the message delivered.
        expect(yield* statusOf(long)).toBe("ENROUTE")

        yield* publishReceipt({ operatorId: route.operatorId, smscMessageId: "p-2", status: "DELIVRD" })
        yield* eventually(statusOf(long), is("DELIVRD"))
      })
  )

  it.effect(
    "hex ids in the resp meet decimal ids in the receipt (and back), whatever the zeros and case",
    () =>
      Effect.gen(function* () {
        const account = yield* newAccount
        const hexOp = yield* addOperator("hex")
        const decOp = yield* addOperator("decimal")
        const hexResp = yield* queueMessage(account, hexOp)
        const decResp = yield* queueMessage(account, decOp)
        const zeros = yield* queueMessage(account, decOp)
        yield* submitAccepted(hexResp, hexOp, ["001A2B3C4D"])
        yield* submitAccepted(decResp, decOp, ["000439041101"])
        yield* submitAccepted(zeros, decOp, ["77"])

        // A text receipt with the decimal id, a TLV-only one with the hex id, one with leading zeros.
        yield* publishReceipt({ operatorId: hexOp.operatorId, smscMessageId: "439041101", status: "DELIVRD" })
        yield* publishReceipt({
          operatorId: decOp.operatorId,
          smscMessageId: "1A2B3C4D",
          status: "EXPIRED",
          text: false
        })
        yield* publishReceipt({ operatorId: decOp.operatorId, smscMessageId: "0000077", status: "DELIVRD" })

        yield* eventually(statusOf(hexResp), is("DELIVRD"))
        yield* eventually(statusOf(decResp), is("EXPIRED"))
        yield* eventually(statusOf(zeros), is("DELIVRD"))
        expect(yield* unmatchedReceipts(hexOp.operatorId)).toEqual([])
        expect(yield* unmatchedReceipts(decOp.operatorId)).toEqual([])
      })
  )

  it.effect(
    "a receipt that overtakes its submit_sm_resp is redelivered and applied once the id is recorded",
    () =>
      Effect.gen(function* () {
        const account = yield* newAccount
        const route = yield* addOperator("decimal")
        const early = yield* queueMessage(account, route)
        const witness = yield* queueMessage(account, route)
        yield* submitAccepted(witness, route, ["500"])
        yield* (yield* MessageTransitions).claim([early], "bind-t") // submit_sm sent, resp not yet handled

        yield* publishReceipt({ operatorId: route.operatorId, smscMessageId: "501", status: "DELIVRD" })
        yield* publishReceipt({ operatorId: route.operatorId, smscMessageId: "500", status: "DELIVRD" })
        // The witness came after the early receipt on the bus: once it is applied, the early one was tried.
        yield* eventually(statusOf(witness), is("DELIVRD"))
        expect(yield* statusOf(early)).toBe("SUBMITTING")

        yield* (yield* MessageTransitions).settleSubmits([
          {
            _tag: "Accepted",
            messageId: early,
            bindId: "bind-t",
            operatorId: route.operatorId,
            smscIds: ["1f5"],
            at: Date.now()
          }
        ])
        yield* eventually(statusOf(early), is("DELIVRD"))
        expect(yield* unmatchedReceipts(route.operatorId)).toEqual([])
      })
  )

  it.effect(
    "a receipt for an id nobody sent is recorded as unknown_id after the redeliveries, nothing else changes",
    () =>
      Effect.gen(function* () {
        const account = yield* newAccount
        const route = yield* addOperator("string")
        const bystander = yield* queueMessage(account, route)
        yield* submitAccepted(bystander, route, ["known-1"])
        const started = Date.now()

        yield* publishReceipt({
          operatorId: route.operatorId,
          smscMessageId: " nobody-1 ",
          status: "DELIVRD"
        })
        const [row] = yield* eventually(unmatchedReceipts(route.operatorId), (rows) => rows.length > 0)
        expect(Date.now() - started).toBeGreaterThanOrEqual(900) // it waited for its redeliveries
        expect(row).toMatchObject({ smscMessageId: "nobody-1", stat: "DELIVRD", reason: "unknown_id" })
        expect(row!.raw).toContain("stat:DELIVRD")
        expect(yield* statusOf(bystander)).toBe("ENROUTE")

        // Acked, not redelivered again: a later receipt is processed and no second record appears.
        yield* publishReceipt({ operatorId: route.operatorId, smscMessageId: "known-1", status: "DELIVRD" })
        yield* eventually(statusOf(bystander), is("DELIVRD"))
        expect(yield* unmatchedReceipts(route.operatorId)).toHaveLength(1)
      })
  )

  it.effect(
    "a duplicate receipt is applied once: one history entry, one status event, the copy recorded",
    () =>
      Effect.gen(function* () {
        const account = yield* newAccount
        const route = yield* addOperator("string")
        const id = yield* queueMessage(account, route)
        yield* submitAccepted(id, route, ["dup-1"])

        yield* publishReceipt({ operatorId: route.operatorId, smscMessageId: "dup-1", status: "DELIVRD" })
        yield* eventually(statusOf(id), is("DELIVRD"))
        // The same receipt again, after JetStream's de-duplication window (a new msg id), and a contradicting one.
        yield* publishReceipt(
          { operatorId: route.operatorId, smscMessageId: "dup-1", status: "DELIVRD" },
          ":again"
        )
        yield* publishReceipt({ operatorId: route.operatorId, smscMessageId: "dup-1", status: "UNDELIV" })
        const stray = yield* eventually(unmatchedReceipts(route.operatorId), (rows) => rows.length === 2)

        expect(stray.map((r) => [r.reason, r.stat])).toEqual([
          ["already_final", "DELIVRD"],
          ["already_final", "UNDELIV"]
        ])
        const row = yield* messageRow(id)
        expect(row.status).toBe("DELIVRD")
        expect(row.history.filter((h) => h.source === "receipt")).toHaveLength(1)
        expect(yield* statusEventsOf(id as MessageId)).toEqual(["DELIVRD"])
      })
  )
})

describe("receipt id readings", () => {
  it("tries the operator's own reading first, then the same number in the other base", () => {
    expect(receiptIdReadings("439041101", "hex")).toEqual([
      "439041101",
      "1a2b3c4d",
      "18136436993",
      "1A2B3C4D"
    ])
    expect(receiptIdReadings(" 000439041101\u0000", "decimal")).toEqual([
      "1a2b3c4d",
      "439041101",
      "18136436993",
      "000439041101",
      "1A2B3C4D"
    ])
    // Case matters in opaque ids: no upper-case guess for something that is not hex.
    expect(receiptIdReadings("msg-7f", "string")).toEqual(["msg-7f"])
    expect(receiptIdReadings("  ", "string")).toEqual([])
  })
})

import { expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { DlrCorrelator } from "../src/dlr/DlrCorrelator.js"
import { MessageTransitions } from "../src/message/MessageTransitions.js"
import { NoReportSweeper } from "../src/recovery/NoReportSweeper.js"
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
  submitAccepted
} from "./support/ReceiptFixtures.js"

// Validity 1 s (per message) + grace 1 s: a receipt-less message is NOREPORT about 2 s after its submit.
const Env = Layer.mergeAll(
  NoReportSweeper.layer({ interval: "100 millis", grace: "1 second" }),
  DlrCorrelator.layer({ retryDelayMs: 100 })
).pipe(Layer.provideMerge(recoveryInfrastructure))

const is = (status: string) => (s: string) => s === status

layer(Env, { excludeTestServices: true })("NOREPORT sweeper", (it) => {
  it.effect(
    "no receipt within validity + grace makes a message NOREPORT; a late receipt still delivers it",
    () =>
      Effect.gen(function* () {
        const account = yield* newAccount
        const route = yield* addOperator("decimal")
        const id = yield* queueMessage(account, route, { validitySeconds: 1 })
        const submitted = Date.now()
        yield* submitAccepted(id, route, ["4242"])

        yield* eventually(statusOf(id), is("NOREPORT"))
        expect(Date.now() - submitted).toBeGreaterThanOrEqual(2_000)
        expect((yield* messageRow(id)).history.at(-1)).toMatchObject({
          status: "NOREPORT",
          source: "sweeper"
        })

        yield* publishReceipt({ operatorId: route.operatorId, smscMessageId: "4242", status: "DELIVRD" })
        yield* eventually(statusOf(id), is("DELIVRD"))
        expect((yield* messageRow(id)).history.map((h) => `${h.status}/${h.source}`).slice(-3)).toEqual([
          "ENROUTE/bind",
          "NOREPORT/sweeper",
          "DELIVRD/receipt"
        ])
        expect(yield* statusEventsOf(id)).toEqual(["NOREPORT", "DELIVRD"])
      })
  )

  it.effect("a submit whose resp never came is swept to NOREPORT too", () =>
    Effect.gen(function* () {
      const account = yield* newAccount
      const route = yield* addOperator("string")
      const id = yield* queueMessage(account, route, { validitySeconds: 1 })
      const transitions = yield* MessageTransitions
      yield* transitions.claim([id], "bind-t")
      yield* transitions.settleSubmits([
        { _tag: "Unknown", messageId: id, bindId: "bind-t", reason: "response timeout" }
      ])
      expect(yield* statusOf(id)).toBe("SUBMITTING")

      yield* eventually(statusOf(id), is("NOREPORT"))
    })
  )

  it.effect("a message still within its validity period is left alone", () =>
    Effect.gen(function* () {
      const account = yield* newAccount
      const route = yield* addOperator("string")
      const patient = yield* queueMessage(account, route, { validitySeconds: 3_600 })
      const witness = yield* queueMessage(account, route, { validitySeconds: 1 })
      yield* submitAccepted(patient, route, ["patient-1"])
      yield* submitAccepted(witness, route, ["witness-1"])

      yield* eventually(statusOf(witness), is("NOREPORT"))
      expect(yield* statusOf(patient)).toBe("ENROUTE")
      expect(yield* statusEventsOf(patient)).toEqual([])
    })
  )
})

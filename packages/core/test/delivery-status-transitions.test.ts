import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  canTransition,
  type DeliveryStatus,
  FINAL_STATUSES,
  isFinal,
  isRefundable,
  isReportingTerminal,
  publicStatus,
  StatusChange,
  transition
} from "../src/status/DeliveryStatus.js"
import { IllegalStatusTransition } from "../src/status/errors.js"

const ALL: ReadonlyArray<DeliveryStatus> = [
  "QUEUED",
  "SUBMITTING",
  "ENROUTE",
  "DELIVRD",
  "UNDELIV",
  "EXPIRED",
  "REJECTD",
  "FAILED",
  "NOREPORT"
]

const ALLOWED: ReadonlyArray<readonly [DeliveryStatus, ReadonlyArray<DeliveryStatus>]> = [
  ["QUEUED", ["SUBMITTING", "FAILED", "REJECTD"]],
  ["SUBMITTING", ["ENROUTE", "FAILED", "REJECTD", "QUEUED", "DELIVRD", "UNDELIV", "EXPIRED", "NOREPORT"]],
  ["ENROUTE", ["DELIVRD", "UNDELIV", "EXPIRED", "REJECTD", "NOREPORT"]],
  ["NOREPORT", ["DELIVRD", "UNDELIV", "EXPIRED", "REJECTD"]]
]

const illegal = (from: DeliveryStatus, to: DeliveryStatus) => {
  const result = transition(from, to)
  if (Either.isRight(result)) throw new Error(`${from} → ${to} should be refused`)
  return result.left
}

describe("delivery status transitions", () => {
  for (const [from, targets] of ALLOWED) {
    for (const to of targets) {
      it(`allows ${from} → ${to}`, () => {
        expect(transition(from, to)).toStrictEqual(Either.right(StatusChange.Changed({ from, to })))
      })
    }
  }

  it("refuses every other change between distinct states, and lists exactly the allowed ones", () => {
    for (const from of ALL) {
      const allowed = new Set(ALLOWED.find(([f]) => f === from)?.[1] ?? [])
      for (const to of ALL) {
        if (from === to) continue
        expect(canTransition(from, to)).toBe(allowed.has(to))
        expect(Either.isRight(transition(from, to))).toBe(allowed.has(to))
      }
    }
  })

  it.each([
    ["QUEUED", "ENROUTE"],
    ["QUEUED", "DELIVRD"],
    ["QUEUED", "NOREPORT"],
    ["ENROUTE", "QUEUED"],
    ["ENROUTE", "SUBMITTING"],
    ["ENROUTE", "FAILED"],
    ["NOREPORT", "ENROUTE"],
    ["NOREPORT", "FAILED"]
  ] as const)("refuses %s → %s as NotAllowed", (from, to) => {
    const error = illegal(from, to)
    expect(error).toBeInstanceOf(IllegalStatusTransition)
    expect(error._tag).toBe("IllegalStatusTransition")
    expect({ from: error.from, to: error.to, reason: error.reason }).toStrictEqual({
      from,
      to,
      reason: "NotAllowed"
    })
    expect(error.message).toBe(`A message cannot move from ${from} to ${to}.`)
  })

  it("keeps final states final, whatever arrives next", () => {
    for (const from of FINAL_STATUSES) {
      for (const to of ALL) {
        if (to === from) continue
        const error = illegal(from, to)
        expect(error.reason).toBe("AlreadyFinal")
        expect(error.from).toBe(from)
        expect(error.to).toBe(to)
        expect(error.message).toContain("final states never change")
      }
    }
  })

  it("treats a repeated status (a duplicate receipt) as Unchanged, never applied twice", () => {
    for (const s of ALL) {
      expect(transition(s, s)).toStrictEqual(Either.right(StatusChange.Unchanged({ status: s })))
    }
  })

  it("lets a late receipt settle a NOREPORT message, after which it is final", () => {
    const late = transition("NOREPORT", "DELIVRD")
    expect(late).toStrictEqual(Either.right(StatusChange.Changed({ from: "NOREPORT", to: "DELIVRD" })))
    expect(illegal("DELIVRD", "NOREPORT").reason).toBe("AlreadyFinal")
  })

  it("follows a whole life: queued, claimed, retried, resent, accepted, delivered", () => {
    const path: ReadonlyArray<DeliveryStatus> = [
      "QUEUED",
      "SUBMITTING",
      "QUEUED",
      "SUBMITTING",
      "ENROUTE",
      "DELIVRD"
    ]
    for (let i = 1; i < path.length; i++) {
      expect(Either.isRight(transition(path[i - 1]!, path[i]!))).toBe(true)
    }
  })

  it("accepts a receipt that beats the submit_sm_resp, then refuses the late resp", () => {
    expect(Either.isRight(transition("SUBMITTING", "DELIVRD"))).toBe(true)
    expect(illegal("DELIVRD", "ENROUTE").reason).toBe("AlreadyFinal")
  })

  it("knows which states are final and which are terminal for reporting", () => {
    expect(ALL.filter(isFinal)).toStrictEqual(["DELIVRD", "UNDELIV", "EXPIRED", "REJECTD", "FAILED"])
    expect(ALL.filter(isReportingTerminal)).toStrictEqual([
      "DELIVRD",
      "UNDELIV",
      "EXPIRED",
      "REJECTD",
      "FAILED",
      "NOREPORT"
    ])
    expect(isFinal("NOREPORT")).toBe(false)
  })

  it("shows SUBMITTING to senders as ENROUTE and every other state as itself", () => {
    expect(publicStatus("SUBMITTING")).toBe("ENROUTE")
    for (const s of ALL.filter((s) => s !== "SUBMITTING")) expect(publicStatus(s)).toBe(s)
  })

  it("refunds messages that never reached an operator", () => {
    expect(isRefundable({ status: "FAILED", source: "submit" })).toBe(true)
    expect(isRefundable({ status: "FAILED", source: "policy" })).toBe(true)
    expect(isRefundable({ status: "REJECTD", source: "submit" })).toBe(true)
    expect(isRefundable({ status: "REJECTD", source: "policy" })).toBe(true)
    expect(isRefundable({ status: "REJECTD", source: "receipt" })).toBe(false)
    for (const status of ["DELIVRD", "UNDELIV", "EXPIRED"] as const) {
      expect(isRefundable({ status, source: "receipt" })).toBe(false)
    }
  })
})

import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import { messageStateName, statusFromMessageState, statusFromStat } from "../src/status/ReceiptState.js"
import {
  classifySubmitStatus,
  retryOrFail,
  SMPP_STATUSES,
  SubmitOutcome,
  smppStatusName
} from "../src/status/SubmitOutcome.js"

describe("submit outcome classification", () => {
  it("accepts ESME_ROK", () => {
    expect(classifySubmitStatus(0x00)).toStrictEqual(SubmitOutcome.Accepted())
  })

  it.each([
    [0x58, "ESME_RTHROTTLED"],
    [0x14, "ESME_RMSGQFUL"]
  ])("throttles on 0x%s (%s): slow down and retry", (code, name) => {
    expect(classifySubmitStatus(code)).toStrictEqual(SubmitOutcome.Throttled({ commandStatus: code, name }))
  })

  it.each([
    [0x08, "ESME_RSYSERR"],
    [0x45, "ESME_RSUBMITFAIL"],
    [0x64, "ESME_RX_T_APPN"],
    [0x04, "ESME_RINVBNDSTS"],
    [0xff, "ESME_RUNKNOWNERR"]
  ])("retries transient status %i (%s) later", (code, name) => {
    expect(classifySubmitStatus(code)).toStrictEqual(
      SubmitOutcome.RetryLater({ commandStatus: code, name, known: true })
    )
  })

  it.each([
    [0x01, "ESME_RINVMSGLEN"],
    [0x0a, "ESME_RINVSRCADR"],
    [0x0b, "ESME_RINVDSTADR"],
    [0x48, "ESME_RINVSRCTON"],
    [0x49, "ESME_RINVSRCNPI"],
    [0x50, "ESME_RINVDSTTON"],
    [0x51, "ESME_RINVDSTNPI"],
    [0x62, "ESME_RINVEXPIRY"],
    [0x65, "ESME_RX_P_APPN"],
    [0x66, "ESME_RX_R_APPN"]
  ])("rejects permanent status %i (%s) as REJECTD keeping the SMPP status", (code, name) => {
    expect(classifySubmitStatus(code)).toStrictEqual(
      SubmitOutcome.Rejected({ commandStatus: code, name, status: "REJECTD", fault: "message" })
    )
  })

  it.each([
    [0x0d, "ESME_RBINDFAIL"],
    [0x0e, "ESME_RINVPASWD"],
    [0x0f, "ESME_RINVSYSID"],
    [0x53, "ESME_RINVSYSTYP"]
  ])("rejects bind/auth failure %i (%s) and marks it a session fault", (code, name) => {
    expect(classifySubmitStatus(code)).toStrictEqual(
      SubmitOutcome.Rejected({ commandStatus: code, name, status: "REJECTD", fault: "session" })
    )
  })

  it("retries unknown and vendor-specific codes later, marked unknown", () => {
    expect(classifySubmitStatus(0x401)).toStrictEqual(
      SubmitOutcome.RetryLater({ commandStatus: 0x401, name: "VENDOR_0x00000401", known: false })
    )
    expect(classifySubmitStatus(0x99)).toStrictEqual(
      SubmitOutcome.RetryLater({ commandStatus: 0x99, name: "UNKNOWN_0x00000099", known: false })
    )
  })

  it("names every status in the table and formats the rest", () => {
    expect(smppStatusName(0x0b)).toBe("ESME_RINVDSTADR")
    expect(smppStatusName(0x58)).toBe("ESME_RTHROTTLED")
    expect(smppStatusName(0x4ff)).toBe("VENDOR_0x000004FF")
    expect(smppStatusName(0x500)).toBe("UNKNOWN_0x00000500")
    expect(SMPP_STATUSES.size).toBeGreaterThan(45)
    for (const [code, info] of SMPP_STATUSES) {
      expect(info.code).toBe(code)
      expect(info.name).toMatch(/^ESME_R/)
    }
  })

  it("leaves the attempt limit to the caller: QUEUED until it is spent, then FAILED", () => {
    expect(retryOrFail(1, 3)).toBe("QUEUED")
    expect(retryOrFail(2, 3)).toBe("QUEUED")
    expect(retryOrFail(3, 3)).toBe("FAILED")
    expect(retryOrFail(4, 3)).toBe("FAILED")
  })
})

describe("receipt states to delivery statuses", () => {
  it.each([
    [1, "ENROUTE", "ENROUTE"],
    [2, "DELIVERED", "DELIVRD"],
    [3, "EXPIRED", "EXPIRED"],
    [4, "DELETED", "UNDELIV"],
    [5, "UNDELIVERABLE", "UNDELIV"],
    [6, "ACCEPTED", "ENROUTE"],
    [7, "UNKNOWN", "NOREPORT"],
    [8, "REJECTED", "REJECTD"]
  ] as const)("maps message_state %i (%s) to %s", (state, name, status) => {
    expect(statusFromMessageState(state)).toStrictEqual(Option.some(status))
    expect(messageStateName(state)).toBe(name)
  })

  it("has no status for message_state values outside the spec", () => {
    expect(statusFromMessageState(10)).toStrictEqual(Option.none())
    expect(statusFromMessageState(-1)).toStrictEqual(Option.none())
    expect(messageStateName(42)).toBeUndefined()
  })

  it.each([
    ["DELIVRD", "DELIVRD"],
    ["EXPIRED", "EXPIRED"],
    ["DELETED", "UNDELIV"],
    ["UNDELIV", "UNDELIV"],
    ["ACCEPTD", "ENROUTE"],
    ["UNKNOWN", "NOREPORT"],
    ["REJECTD", "REJECTD"],
    ["ENROUTE", "ENROUTE"],
    ["delivrd", "DELIVRD"],
    ["Delivered", "DELIVRD"]
  ] as const)("maps stat:%s to %s", (stat, status) => {
    expect(statusFromStat(stat)).toStrictEqual(Option.some(status))
  })

  it("has no status for an unknown stat", () => {
    expect(statusFromStat("WHATEVER")).toStrictEqual(Option.none())
  })
})

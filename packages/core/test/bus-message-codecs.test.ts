import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { decodeReceiptEvent, encodeReceiptEvent } from "../src/bus/ReceiptEvent.js"
import { decodeSubmitJob, encodeSubmitJob, SubmitJob } from "../src/bus/SubmitJob.js"

const job = new SubmitJob({
  messageId: "01a20080-3b83-7000-9a3a-51eb8479a171" as SubmitJob["messageId"],
  accountId: "01a20080-3b83-7000-9a3a-51eb8479a172" as SubmitJob["accountId"],
  routeId: "ua-kyivstar" as SubmitJob["routeId"],
  attempt: 0,
  recipient: "+380671234567" as SubmitJob["recipient"],
  sender: "Volley",
  body: "Привіт {name}",
  validitySeconds: 86_400,
  maxParts: 4,
  acceptedAt: 1_700_000_000_000
})

const bytes = (text: string) => new TextEncoder().encode(text)

describe("submit jobs on the bus", () => {
  it("round-trip through their bytes unchanged", () => {
    const decoded = decodeSubmitJob(encodeSubmitJob(job))
    expect(Either.getOrThrow(decoded)).toEqual(job)
  })

  it("malformed JSON is refused with a parse error, never sent", () => {
    const decoded = decodeSubmitJob(bytes("{not json"))
    expect(Either.isLeft(decoded) && decoded.left._tag).toBe("ParseError")
  })

  it("a job missing a field or with a number that is not E.164 is refused", () => {
    const { body: _body, ...withoutBody } = JSON.parse(JSON.stringify(job)) as Record<string, unknown>
    expect(Either.isLeft(decodeSubmitJob(bytes(JSON.stringify(withoutBody))))).toBe(true)
    const badNumber = { ...JSON.parse(JSON.stringify(job)), recipient: "+12" }
    expect(Either.isLeft(decodeSubmitJob(bytes(JSON.stringify(badNumber))))).toBe(true)
    const badId = { ...JSON.parse(JSON.stringify(job)), messageId: "42" }
    expect(Either.isLeft(decodeSubmitJob(bytes(JSON.stringify(badId))))).toBe(true)
  })
})

describe("receipt events on the bus", () => {
  const event = {
    bindId: "kyivstar-sim",
    operatorId: "kyivstar",
    smscMessageId: "1a2b",
    status: "DELIVRD",
    stat: "DELIVRD",
    err: "000",
    receivedAt: 1_700_000_000_000,
    raw: "id:1a2b stat:DELIVRD err:000"
  } as const

  it("round-trip through their bytes unchanged", () => {
    expect(Either.getOrThrow(decodeReceiptEvent(encodeReceiptEvent(event)))).toEqual(event)
  })

  it("an event with a status no receipt can have is refused", () => {
    const decoded = decodeReceiptEvent(bytes(JSON.stringify({ ...event, status: "SUBMITTING" })))
    expect(Either.isLeft(decoded)).toBe(true)
  })
})

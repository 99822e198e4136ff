import smpp from "smpp"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { encodeMessageResp, encodeSubmitSm } from "../src/smpp/encode.js"
import type { SmppClient, SubmitFields } from "../src/smpp/SmppClient.js"
import type { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import { bound, fields, partsOf, SYSTEM_ID, simulator, submitAll } from "./smpp-client-harness.js"

let sim: SmscSimulator
let client: SmppClient | undefined
beforeEach(async () => {
  sim = await simulator()
  client = undefined
})
afterEach(async () => {
  await client?.close()
  await sim.stop()
})

/** A bound client, closed after the test. */
const connect = async (...args: Parameters<typeof bound>): Promise<SmppClient> => {
  const c = await bound(...args)
  client = c
  return c
}

const TEXTS = [
  "Hello from Volley",
  // GSM extension characters: 2 septets each.
  "Price: 5€ [promo] {code} ~ok~ ^_^ | back\\slash",
  "Привіт! Ваш код: 4242",
  "Emoji 🎉 and Ukrainian: ґєії",
  // Three GSM parts (UDH), then two UCS-2 parts.
  "Long GSM text. ".repeat(25),
  "Довгий текст українською. ".repeat(4)
]

describe("submit_sm encoding", () => {
  it("writes exactly the bytes node-smpp writes", () => {
    const cases: Array<SubmitFields> = [
      ...partsOf("Hello from Volley"),
      ...partsOf("Long GSM text. ".repeat(25)),
      ...partsOf("Довгий текст українською. ".repeat(4)),
      { ...fields("x"), validity_period: "", service_type: "CMT", protocol_id: 0x7f, priority_flag: 1 },
      { ...fields("x"), validity_period: "2611221200000+08", registered_delivery: 0 },
      // node-smpp reads up to 12 digits as relative YYMMDDhhmmss.
      { ...fields("x"), validity_period: "10000" },
      { ...fields("x"), validity_period: undefined, short_message: new Uint8Array(254).fill(0x41) }
    ]
    for (const [i, f] of cases.entries()) {
      const seq = 0x7ffffff0 + i
      const theirs = new smpp.PDU("submit_sm", {
        ...f,
        sequence_number: seq,
        validity_period: f.validity_period ?? "",
        service_type: f.service_type ?? "",
        short_message: Buffer.from(f.short_message)
      }).toBuffer()
      expect(encodeSubmitSm(seq, f).equals(theirs)).toBe(true)
    }
    expect(() => encodeSubmitSm(1, { ...fields(), short_message: new Uint8Array(255) })).toThrow(RangeError)
  })

  it("answers deliver_sm and data_sm with exactly the bytes node-smpp writes", () => {
    for (const command of ["deliver_sm", "data_sm"] as const) {
      const request = new smpp.PDU(new smpp.PDU(command, { sequence_number: 0x12345678 }).toBuffer())
      for (const status of [0, 0x64]) {
        const theirs = (
          status === 0 ? request.response() : request.response({ command_status: status })
        ).toBuffer()
        expect(encodeMessageResp(request.command_id, status, request.sequence_number).equals(theirs)).toBe(
          true
        )
      }
    }
  })
})

describe("SmppClient submit", () => {
  it("5,000 submits with window 50: every onDone once, never more than 50 in flight, bytes as sent", async () => {
    const c = await connect(sim.port, { window: 50 })
    // The simulator's account counts every submit; its log keeps their exact bytes.
    const messages = Array.from({ length: 5_000 }, (_, i) => TEXTS[i % TEXTS.length]!)
    const items: Array<SubmitFields> = []
    const textOf: Array<string> = []
    for (let i = 0; items.length < 5_000; i++) {
      for (const part of partsOf(messages[i % messages.length]!, `38050${String(i).padStart(7, "0")}`)) {
        if (items.length === 5_000) break
        items.push(part)
        textOf.push(messages[i % messages.length]!)
      }
    }

    const run = submitAll(c, items)
    await run.done

    expect(run.calls.every((n) => n === 1)).toBe(true)
    expect(
      run.results.every((r) => r?._tag === "Resp" && r.commandStatus === 0 && r.messageId !== undefined)
    ).toBe(true)
    expect(new Set(run.results.map((r) => (r?._tag === "Resp" ? r.messageId : undefined))).size).toBe(5_000)
    expect(run.maxInFlight).toBeLessThanOrEqual(50)
    expect(run.maxInFlight).toBe(50)
    expect(c.inFlight).toBe(0)
    expect(c.counts()).toMatchObject({ submitsSent: 5_000, resps: { ok: 5_000 }, timeouts: 0, nacks: 0 })
    const counts = sim.counts().bySystemId[SYSTEM_ID]!
    expect(counts.submits).toBe(5_000)
    expect(counts.uniqueMessages).toBe(5_000)

    // Byte for byte what core encoded; the simulator decodes septets / UCS-2 and reads the UDH.
    const received = sim.receivedSubmits(SYSTEM_ID)
    const bySeq = new Map(received.map((r) => [r.sequenceNumber, r]))
    const assembled = new Map<string, Array<string>>()
    items.forEach((item, i) => {
      const got = bySeq.get(run.seqs[i]!)!
      expect(got.dataCoding).toBe(item.data_coding)
      expect(got.esmClass).toBe(item.esm_class)
      expect(got.registeredDelivery).toBe(1)
      expect(got.destinationAddr).toBe(item.destination_addr)
      expect(Buffer.compare(got.shortMessage, Buffer.from(item.short_message))).toBe(0)
      const concat = got.concatenation
      if (concat === undefined) expect(got.text).toBe(textOf[i])
      else {
        const key = `${got.destinationAddr}/${concat.ref}`
        const list = assembled.get(key) ?? []
        list[concat.seq - 1] = got.text
        assembled.set(key, list)
        if (concat.seq === concat.total) expect(list.join("")).toBe(textOf[i])
      }
    })
    // Both encodings and concatenated parts were really exercised.
    expect(new Set(received.map((r) => r.dataCoding))).toEqual(new Set([0, 8]))
    expect(received.some((r) => r.concatenation?.total === 3 && r.dataCoding === 0)).toBe(true)
    expect(received.some((r) => r.concatenation?.total === 2 && r.dataCoding === 8)).toBe(true)
  })

  it("ESME_RTHROTTLED comes back as a Resp with 0x58", async () => {
    sim.configure(SYSTEM_ID, { tps: 5 })
    const c = await connect(sim.port, { window: 10 })
    const run = submitAll(
      c,
      Array.from({ length: 30 }, (_, i) => fields(`m${i}`))
    )
    await run.done
    const statuses = run.results.map((r) => (r?._tag === "Resp" ? r.commandStatus : -1))
    expect(statuses.filter((s) => s === 0x58).length).toBeGreaterThan(0)
    expect(statuses.every((s) => s === 0 || s === 0x58)).toBe(true)
    expect(run.results.filter((r) => r?._tag === "Resp" && r.commandStatus === 0x58)).toEqual(
      expect.arrayContaining([{ _tag: "Resp", commandStatus: 0x58, messageId: undefined }])
    )
    expect(c.counts().resps.throttle).toBe(statuses.filter((s) => s === 0x58).length)
  })

  it("a submit without capacity is refused, not sent, and onCapacity fires when a slot frees", async () => {
    sim.configure(SYSTEM_ID, { submitRespDelayMs: 50 })
    const c = await connect(sim.port, { window: 2 })
    const capacity = new Promise<void>((resolve) => c.onCapacity(resolve))
    const done: Array<string> = []
    expect(c.submit(fields("1"), (r) => done.push(r._tag))).toBeGreaterThan(0)
    expect(c.submit(fields("2"), (r) => done.push(r._tag))).toBeGreaterThan(0)
    expect(c.hasCapacity()).toBe(false)
    expect(c.submit(fields("3"), () => done.push("never"))).toBe(0)
    await capacity
    expect(c.hasCapacity()).toBe(true)
    // The slot was freed by a resp (both may have come in one read).
    expect(done.length).toBeGreaterThan(0)
    expect(done.every((tag) => tag === "Resp")).toBe(true)
    expect(sim.counts().total.submits).toBe(2)
  })

  it("throughput with window 100 (figures for the report)", async () => {
    const measure = async (label: string, receipts: boolean) => {
      sim.configure(SYSTEM_ID, { receiptsEnabled: receipts, receiptDelayMs: 0 })
      const c = await connect(sim.port, { window: 100 })
      let receiptsIn = 0
      c.onDeliver((_pdu, respond) => {
        receiptsIn++
        respond()
      })
      const items = Array.from({ length: 20_000 }, (_, i) => fields(`Message number ${i}`))
      const cpu = process.cpuUsage()
      const started = performance.now()
      await submitAll(c, items).done
      if (receipts) await sim.waitForCounts((x) => x.total.deliverSmResps === items.length)
      const ms = performance.now() - started
      const used = process.cpuUsage(cpu)
      console.log(
        `smpp-client ${label}: ${items.length} submits, window 100: ${Math.round((items.length / ms) * 1000)}/s, ` +
          `${((used.user + used.system) / items.length).toFixed(1)} µs CPU per submit (client + simulator, one process)`
      )
      expect(c.counts().resps.ok).toBe(items.length)
      expect(receiptsIn).toBe(receipts ? items.length : 0)
      await c.unbind({ drainTimeoutMs: 1_000 })
    }
    await measure("without receipts", false)
    await measure("with receipts", true)
  })
})

import { describe, expect, it } from "@effect/vitest"
import { encodeForSmpp, encodeGsm7, encodeUcs2 } from "@volley/core"
import { Effect, Either } from "effect"
import smpp from "smpp"
import type { SimulatorAccountConfig } from "../src/smsc-sim/SimulatorConfig.js"
import { SmscSimulator, startSimulator } from "../src/smsc-sim/SmscSimulator.js"

// ---- a raw node-smpp client, as an operator's peer sees us (no engine yet) ----

const RECEIPT_STATES: Record<number, string> = { 2: "DELIVRD", 3: "EXPIRED", 5: "UNDELIV", 8: "REJECTD" }

class RawClient {
  readonly errors: Array<Error> = []
  /** Every PDU received, in order. */
  readonly received: Array<smpp.PDU> = []
  readonly delivered: Array<smpp.PDU> = []
  readonly closed: Promise<void>
  /** Conditions awaited, each returning true once it held (and resolved). */
  private readonly waiters: Array<() => boolean> = []

  /** Answer deliver_sm with deliver_sm_resp (off: leave them unacknowledged). */
  ack = true

  private constructor(readonly session: smpp.Session) {
    session.socket.setNoDelay(true)
    // node-smpp dies or wedges on an unhandled error: always listen.
    session.on("error", (error) => {
      this.errors.push(error)
      this.notify()
    })
    session.on("pdu", (pdu) => {
      this.received.push(pdu)
      if (pdu.command === "deliver_sm") {
        this.delivered.push(pdu)
        if (this.ack) session.send(pdu.response())
      }
      this.notify()
    })
    this.closed = new Promise((resolve) => session.on("close", () => resolve()))
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const session = smpp.connect({ host: "127.0.0.1", port })
      session.once("error", reject)
      session.once("connect", () => {
        session.removeListener("error", reject)
        resolve(new RawClient(session))
      })
    })
  }

  static async bound(port: number, systemId: string, password = "secret"): Promise<RawClient> {
    const client = await RawClient.connect(port)
    const resp = await client.bind(systemId, password)
    expect(resp.command_status).toBe(0)
    return client
  }

  bind(
    systemId: string,
    password: string,
    command: "bind_transceiver" | "bind_transmitter" | "bind_receiver" = "bind_transceiver"
  ): Promise<smpp.PDU> {
    return new Promise((resolve) => this.session[command]({ system_id: systemId, password }, resolve))
  }

  /** Sends a submit_sm; resolves with whatever answers its sequence number (resp or generic_nack). */
  submit(fields: smpp.PduOptions): { readonly sequence: number; readonly answer: Promise<smpp.PDU> } {
    const pdu = new smpp.PDU("submit_sm", { source_addr: "Volley", registered_delivery: 1, ...fields })
    let resolve!: (pdu: smpp.PDU) => void
    const answer = new Promise<smpp.PDU>((r) => (resolve = r))
    this.session.send(pdu, resolve)
    return { sequence: pdu.sequence_number, answer }
  }

  text(destination: string, text: string, extra: smpp.PduOptions = {}) {
    return this.submit({
      destination_addr: destination,
      data_coding: 0,
      short_message: Buffer.from(encodeGsm7(text)!),
      ...extra
    })
  }

  /** Resolves once `condition` holds, re-checked on every PDU or error received. */
  until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve()
    return new Promise((resolve) => {
      this.waiters.push(() => {
        if (!condition()) return false
        resolve()
        return true
      })
    })
  }

  receipts(count: number): Promise<Array<smpp.PDU>> {
    return this.until(() => this.delivered.length >= count).then(() => this.delivered.slice(0, count))
  }

  close(): Promise<void> {
    this.session.close()
    return this.closed
  }

  private notify(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!()) this.waiters.splice(i, 1)
    }
  }
}

/** short_message as node-smpp decoded it (data_coding 0 through its GSM table, 8 as UTF-16BE). */
const messageText = (pdu: smpp.PDU): string => {
  const sm = pdu.short_message
  return sm === undefined || Buffer.isBuffer(sm) ? "" : String(sm.message)
}

/** A simulator with one account for the test, stopped afterwards. */
const withSimulator = async (
  accounts: Record<string, SimulatorAccountConfig>,
  test: (simulator: SmscSimulator) => Promise<void>
): Promise<void> => {
  const simulator = await startSimulator({ accounts })
  try {
    await test(simulator)
  } finally {
    await simulator.stop()
  }
}

// ---- behaviour ----

describe("SMSC simulator: binds", () => {
  it("accepts the right password and refuses a wrong one, an unknown system_id and a refusing account", () =>
    withSimulator({ kyivstar: {}, closed: { refuseBindStatus: smpp.ESME_RBINDFAIL } }, async (simulator) => {
      const ok = await RawClient.connect(simulator.port)
      expect((await ok.bind("kyivstar", "secret")).command_status).toBe(smpp.ESME_ROK)
      expect((await ok.bind("kyivstar", "secret")).command_status).toBe(smpp.ESME_RALYBND)

      const wrong = await RawClient.connect(simulator.port)
      expect((await wrong.bind("kyivstar", "guess")).command_status).toBe(smpp.ESME_RINVPASWD)
      expect((await wrong.bind("nobody", "secret")).command_status).toBe(smpp.ESME_RINVSYSID)
      expect((await wrong.bind("closed", "secret")).command_status).toBe(smpp.ESME_RBINDFAIL)
      // Refused binds leave the connection unbound: a submit is answered ESME_RINVBNDSTS.
      expect((await wrong.text("380501234567", "hi").answer).command_status).toBe(smpp.ESME_RINVBNDSTS)

      const counts = simulator.counts()
      expect(counts.bySystemId.kyivstar?.binds).toBe(1)
      expect(counts.bySystemId.kyivstar?.bindsRefused).toBe(2)
      expect(counts.bySystemId.closed?.bindsRefused).toBe(1)
      expect(counts.total.bindsRefused).toBe(4)
    }))
})

describe("SMSC simulator: submits and receipts", () => {
  it("answers with a decimal id and sends a receipt carrying it in the TLVs and the text", () =>
    withSimulator({ kyivstar: { receiptDelayMs: 5 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      const resp = await client.text("380501234567", "Hello, Volley! A text longer than twenty").answer
      expect(resp.command).toBe("submit_sm_resp")
      expect(resp.command_status).toBe(0)
      expect(resp.message_id).toMatch(/^[1-9][0-9]*$/)

      const [receipt] = await client.receipts(1)
      expect(receipt?.esm_class).toBe(0x04)
      expect(receipt?.source_addr).toBe("380501234567")
      expect(receipt?.destination_addr).toBe("Volley")
      expect(receipt?.receipted_message_id).toBe(resp.message_id)
      expect(receipt?.message_state).toBe(2)
      expect(messageText(receipt!)).toMatch(
        new RegExp(
          `^id:${resp.message_id} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:Hello, Volley! A tex$`
        )
      )
    }))

  it("writes ids in hex with leading zeros, and the receipt in decimal when told to", () =>
    withSimulator(
      {
        vodafone: {
          messageIdFormat: "hex",
          messageIdWidth: 12,
          receiptIdFormat: "decimal",
          receiptDelayMs: 1
        }
      },
      async (simulator) => {
        const client = await RawClient.bound(simulator.port, "vodafone")
        const resp = await client.text("380661234567", "hex").answer
        expect(resp.message_id).toMatch(/^0000[0-9A-F]{8}$/)
        const [receipt] = await client.receipts(1)
        const decimal = Number.parseInt(resp.message_id!, 16).toString(10)
        expect(receipt?.receipted_message_id).toBe(decimal)
        expect(messageText(receipt!)).toContain(`id:${decimal} `)
      }
    ))

  it("sends text-only receipts without TLVs", () =>
    withSimulator({ lifecell: { receiptMode: "text", receiptDelayMs: 1 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "lifecell")
      const resp = await client.text("380631234567", "plain").answer
      const [receipt] = await client.receipts(1)
      expect(receipt?.receipted_message_id).toBeUndefined()
      expect(receipt?.message_state).toBeUndefined()
      expect(messageText(receipt!)).toContain(`id:${resp.message_id} `)
    }))

  it("sends no receipt when registered_delivery does not ask for one", () =>
    withSimulator({ utel: { receiptDelayMs: 1 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "utel")
      await client.text("380911234567", "quiet", { registered_delivery: 0 }).answer
      await client.text("380911234568", "loud").answer
      const [receipt] = await client.receipts(1)
      expect(messageText(receipt!)).toContain("text:loud")
      expect(simulator.counts().total.receiptsSent).toBe(1)
    }))

  it("honours the receipt mix over 1,000 submits (every state drawn, counts add up)", () =>
    withSimulator(
      { kyivstar: { receiptDelayMs: 1, receiptMix: { DELIVRD: 70, UNDELIV: 15, EXPIRED: 10, REJECTD: 5 } } },
      async (simulator) => {
        const client = await RawClient.bound(simulator.port, "kyivstar")
        const answers = Array.from(
          { length: 1000 },
          (_, i) => client.text(`38050${1000000 + i}`, `m${i}`).answer
        )
        await Promise.all(answers)
        const receipts = await client.receipts(1000)
        const byTlv: Record<string, number> = {}
        for (const receipt of receipts) {
          const state = RECEIPT_STATES[receipt.message_state as number]!
          expect(messageText(receipt)).toContain(`stat:${state} `)
          byTlv[state] = (byTlv[state] ?? 0) + 1
        }
        const { receiptsByStat } = simulator.counts().bySystemId.kyivstar!
        expect(byTlv).toEqual(receiptsByStat)
        expect(Object.values(byTlv).reduce((a, b) => a + b, 0)).toBe(1000)
        for (const state of ["DELIVRD", "UNDELIV", "EXPIRED", "REJECTD"])
          expect(byTlv[state]).toBeGreaterThan(0)
      }
    ))

  it("can send the receipt before the submit_sm_resp", () =>
    withSimulator({ kyivstar: { receiptBeforeRespRatio: 1 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      const resp = await client.text("380501234567", "early").answer
      const order = client.received.map((pdu) => pdu.command)
      expect(order.slice(-2)).toEqual(["deliver_sm", "submit_sm_resp"])
      expect(client.delivered[0]?.receipted_message_id).toBe(resp.message_id)
    }))

  it("keeps receipts while no receiver is bound and delivers them when one binds", () =>
    withSimulator({ kyivstar: { receiptDelayMs: 1 } }, async (simulator) => {
      const transmitter = await RawClient.connect(simulator.port)
      expect((await transmitter.bind("kyivstar", "secret", "bind_transmitter")).command_status).toBe(0)
      await transmitter.text("380501234567", "one").answer
      await transmitter.text("380501234568", "two").answer
      await simulator.waitForCounts((c) => c.total.deliveriesPending === 2)

      const receiver = await RawClient.connect(simulator.port)
      expect((await receiver.bind("kyivstar", "secret", "bind_receiver")).command_status).toBe(0)
      const receipts = await receiver.receipts(2)
      expect(receipts.map(messageText).map((t) => t.slice(t.indexOf("text:")))).toEqual([
        "text:one",
        "text:two"
      ])
      expect(transmitter.delivered).toHaveLength(0)
    }))
})

describe("SMSC simulator: what it records", () => {
  it("records each part with its destination, bytes, UDH reference/sequence and decoded text", () =>
    withSimulator({ kyivstar: {} }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      const long = "Concatenated: ".padEnd(200, "x")
      const encoded = encodeForSmpp(long, { reference: 77 })
      if (Either.isLeft(encoded)) throw new Error("encode failed")
      for (const part of encoded.right.parts) {
        await client.submit({
          destination_addr: "380501112233",
          esm_class: part.esmClass,
          data_coding: 0,
          short_message: Buffer.from(part.shortMessage)
        }).answer
      }
      await client.submit({
        destination_addr: "380501112244",
        data_coding: 8,
        short_message: Buffer.from(encodeUcs2("Привіт, світе"))
      }).answer

      const submits = simulator.receivedSubmits("kyivstar")
      expect(submits.map((s) => s.concatenation)).toEqual([
        { ref: 77, total: 2, seq: 1 },
        { ref: 77, total: 2, seq: 2 },
        undefined
      ])
      expect(submits[0]!.text + submits[1]!.text).toBe(long)
      expect(submits[2]!.text).toBe("Привіт, світе")
      expect(submits[2]!.shortMessage).toEqual(Buffer.from(encodeUcs2("Привіт, світе")))
      expect(submits.every((s) => s.accepted && s.answer._tag === "Resp")).toBe(true)
      expect(new Set(submits.map((s) => s.key)).size).toBe(3)

      // The same part again is a duplicate, by key.
      await client.submit({
        destination_addr: "380501112233",
        esm_class: encoded.right.parts[0]!.esmClass,
        data_coding: 0,
        short_message: Buffer.from(encoded.right.parts[0]!.shortMessage)
      }).answer
      const counts = simulator.counts().bySystemId.kyivstar!
      expect([counts.accepted, counts.uniqueMessages, counts.duplicates]).toEqual([4, 3, 1])
    }))

  it("counts exactly what happened", () =>
    withSimulator({ kyivstar: { receiptDelayMs: 1 }, vodafone: {} }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      for (const n of [1, 2, 3]) await client.text(`38050000000${n}`, `msg ${n}`).answer
      await client.receipts(3)
      await new Promise<smpp.PDU>((resolve) => client.session.enquire_link(resolve))
      expect(simulator.sendMo({ systemId: "kyivstar", from: "380501234567", to: "7777", text: "STOP" })).toBe(
        1
      )
      await client.receipts(4)
      await new Promise<smpp.PDU>((resolve) => client.session.unbind(resolve))
      await client.closed
      const counts = await simulator.waitForCounts(
        (c) => c.total.disconnects === 1 && c.total.deliverSmResps === 4
      )
      expect(counts.bySystemId.kyivstar).toMatchObject({
        binds: 1,
        bindsRefused: 0,
        pdusReceived: 1 + 3 + 4 + 1 + 1,
        submits: 3,
        accepted: 3,
        uniqueMessages: 3,
        duplicates: 0,
        submitResps: { 0: 3 },
        genericNacks: 0,
        unanswered: 0,
        receiptsSent: 3,
        receiptsByStat: { DELIVRD: 3, UNDELIV: 0, EXPIRED: 0, REJECTD: 0 },
        deliveriesPending: 0,
        redeliveries: 0,
        deliverSmResps: 4,
        deliverSmRespErrors: 0,
        moSent: 1,
        enquireLinks: 1,
        unbinds: 1,
        unbindsSent: 0,
        disconnects: 1,
        drops: 0
      })
      expect(counts.bySystemId.vodafone?.submits).toBe(0)
      expect(counts.total.submits).toBe(3)
    }))
})

describe("SMSC simulator: refusals", () => {
  it("answers ESME_RTHROTTLED beyond the TPS cap", () =>
    withSimulator({ kyivstar: { tps: 10 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => client.text(`38050${1000000 + i}`, "burst").answer)
      )
      const ok = answers.filter((a) => a.command_status === 0).length
      const throttled = answers.filter((a) => a.command_status === smpp.ESME_RTHROTTLED).length
      // One second of burst; the refill during a burst of microseconds is a fraction of one token.
      expect(ok).toBeGreaterThanOrEqual(10)
      expect(ok).toBeLessThanOrEqual(11)
      expect(ok + throttled).toBe(30)
      expect(simulator.counts().bySystemId.kyivstar?.submitResps).toEqual({ 0: ok, 88: throttled })
    }))

  it("answers queue-full and permanent errors for the configured fractions", () =>
    withSimulator({ kyivstar: { queueFullRatio: 1 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      expect((await client.text("380501234567", "a").answer).command_status).toBe(smpp.ESME_RMSGQFUL)
      simulator.configure("kyivstar", { queueFullRatio: 0, permanentErrorRatio: 1 })
      expect((await client.text("380501234567", "b").answer).command_status).toBe(smpp.ESME_RINVDSTADR)
      simulator.configure("kyivstar", { permanentErrorRatio: 0 })
      expect((await client.text("380501234567", "c").answer).command_status).toBe(0)
      expect(simulator.receivedSubmits().map((s) => s.accepted)).toEqual([false, false, true])
    }))
})

describe("SMSC simulator: misbehaviour", () => {
  it("answers generic_nack with the submit's sequence number, or with none", () =>
    withSimulator({ kyivstar: { genericNackRatio: 1 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      const submit = client.text("380501234567", "nack me")
      const nack = await submit.answer
      expect(nack.command).toBe("generic_nack")
      expect(nack.command_status).toBe(smpp.ESME_RSYSERR)
      expect(nack.sequence_number).toBe(submit.sequence)

      simulator.configure("kyivstar", { genericNackWithSequence: false })
      let answered = false
      client.text("380501234567", "orphan nack").answer.then(() => {
        answered = true
      })
      await client.until(() => client.received.filter((pdu) => pdu.command === "generic_nack").length === 2)
      expect(client.received.at(-1)?.sequence_number).toBe(0)
      // The next submit's resp arrives after the orphan nack; the orphan's own callback never ran.
      simulator.configure("kyivstar", { genericNackRatio: 0 })
      await client.text("380501234567", "fine").answer
      expect(answered).toBe(false)
      expect(simulator.counts().total.genericNacks).toBe(2)
    }))

  it("never answers a submit it took, yet sends its receipt", () =>
    withSimulator({ kyivstar: { neverAnswerRatio: 1, receiptDelayMs: 1 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      let answered = false
      client.text("380501234567", "lost resp").answer.then(() => {
        answered = true
      })
      const [receipt] = await client.receipts(1)
      simulator.configure("kyivstar", { neverAnswerRatio: 0 })
      // Answers go out in order: once this one is in, the first one would have been too.
      await client.text("380501234568", "answered").answer
      expect(answered).toBe(false)
      const [unanswered] = simulator.receivedSubmits()
      expect(unanswered?.answer).toEqual({ _tag: "None" })
      expect(receipt?.receipted_message_id).toBe(unanswered?.messageId)
      expect(simulator.counts().total.unanswered).toBe(1)
    }))

  it("answers late when told to", () =>
    withSimulator({ kyivstar: { lateRespRatio: 1, lateRespDelayMs: 40 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      const started = performance.now()
      await client.text("380501234567", "slow").answer
      expect(performance.now() - started).toBeGreaterThanOrEqual(35)
    }))

  it("drops the connection after N PDUs", () =>
    withSimulator({ kyivstar: { dropAfterPdus: 3 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      const first = client.text("380501234567", "one").answer
      const second = client.text("380501234568", "two").answer
      expect((await first).command_status).toBe(0)
      expect((await second).command_status).toBe(0)
      await client.closed
      const counts = await simulator.waitForCounts((c) => c.total.disconnects === 1)
      expect(counts.bySystemId.kyivstar).toMatchObject({ pdusReceived: 3, drops: 1, disconnects: 1 })
    }))

  it("unbinds after N submits", () =>
    withSimulator({ kyivstar: { unbindAfterSubmits: 2 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      client.session.on("unbind", (pdu) => client.session.send(pdu.response()))
      await client.text("380501234567", "one").answer
      await client.text("380501234568", "two").answer
      await client.closed
      expect(client.received.map((pdu) => pdu.command)).toContain("unbind")
      const counts = await simulator.waitForCounts((c) => c.total.disconnects === 1)
      expect(counts.bySystemId.kyivstar?.unbindsSent).toBe(1)
    }))

  it("drops connections on demand and redelivers unacknowledged receipts after a rebind", () =>
    withSimulator({ kyivstar: { receiptDelayMs: 1 } }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      client.ack = false
      const resp = await client.text("380501234567", "unacked").answer
      await client.receipts(1)
      expect(simulator.dropConnections("kyivstar")).toBe(1)
      await client.closed
      expect(simulator.connectionCount()).toBe(0)

      const again = await RawClient.bound(simulator.port, "kyivstar")
      const [redelivered] = await again.receipts(1)
      expect(redelivered?.receipted_message_id).toBe(resp.message_id)
      const counts = await simulator.waitForCounts((c) => c.total.deliverSmResps === 1)
      expect(counts.bySystemId.kyivstar).toMatchObject({
        drops: 1,
        disconnects: 1,
        binds: 2,
        receiptsSent: 2,
        redeliveries: 1,
        deliveriesPending: 0
      })
    }))

  it("sends a malformed PDU: the node-smpp client sees an error", () =>
    withSimulator({ kyivstar: {} }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      expect(simulator.sendMalformedPdu("kyivstar")).toBe(1)
      await client.until(() => client.errors.length > 0)
      expect(client.errors[0]).toBeInstanceOf(RangeError)
      expect(simulator.counts().total.malformedSent).toBe(1)
    }))

  it("sends an unknown command that a peer should answer with generic_nack", () =>
    withSimulator({ kyivstar: {} }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      simulator.sendMalformedPdu("kyivstar", "unknown-command")
      await client.until(() => client.received.some((pdu) => pdu.command === "unknown"))
      expect(client.errors).toEqual([])
    }))

  it("sends an oversized PDU (> 16 KiB): the node-smpp client sees an error", () =>
    withSimulator({ kyivstar: {} }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      expect(simulator.sendOversizedPdu("kyivstar")).toBe(1)
      await client.until(() => client.errors.length > 0)
      expect(client.errors[0]?.message).toMatch(/PDU length was too large \(\d+, maximum is 16384\)/)
    }))
})

describe("SMSC simulator: MO and lifecycle", () => {
  it("delivers an MO in UCS-2 and a long one in concatenated GSM parts", () =>
    withSimulator({ kyivstar: {} }, async (simulator) => {
      const client = await RawClient.bound(simulator.port, "kyivstar")
      expect(
        simulator.sendMo({ systemId: "kyivstar", from: "380501234567", to: "7777", text: "Привіт" })
      ).toBe(1)
      const [mo] = await client.receipts(1)
      expect(mo).toMatchObject({
        source_addr: "380501234567",
        destination_addr: "7777",
        esm_class: 0,
        data_coding: 8
      })
      expect(messageText(mo!)).toBe("Привіт")

      expect(
        simulator.sendMo({ systemId: "kyivstar", from: "380501234567", to: "7777", text: "y".repeat(200) })
      ).toBe(2)
      const parts = (await client.receipts(3)).slice(1)
      expect(parts.map((p) => p.esm_class)).toEqual([0x40, 0x40])
      expect(parts.map(messageText).join("")).toBe("y".repeat(200))
      expect(simulator.counts().total.moSent).toBe(3)
    }))

  it("stop() closes every session and the server", async () => {
    const simulator = await startSimulator({ accounts: { kyivstar: {}, vodafone: {} } })
    const a = await RawClient.bound(simulator.port, "kyivstar")
    const b = await RawClient.bound(simulator.port, "vodafone")
    const unbound = await RawClient.connect(simulator.port)
    await simulator.stop()
    await Promise.all([a.closed, b.closed, unbound.closed])
    await expect(RawClient.connect(simulator.port)).rejects.toThrow(/ECONNREFUSED/)
  })

  it.scoped("runs in a scope and stops with it (Effect API)", () =>
    Effect.gen(function* () {
      const { port, client } = yield* Effect.scoped(
        Effect.gen(function* () {
          const simulator = yield* SmscSimulator.scoped({ accounts: { kyivstar: {} } })
          const client = yield* Effect.promise(() => RawClient.bound(simulator.port, "kyivstar"))
          return { port: simulator.port, client }
        })
      )
      yield* Effect.promise(() => client.closed)
      const refused = yield* Effect.promise(() =>
        RawClient.connect(port).then(
          () => "connected",
          (error: Error) => error.message
        )
      )
      expect(refused).toMatch(/ECONNREFUSED/)
    })
  )
})

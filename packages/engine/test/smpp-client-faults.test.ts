import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { LateResp, SmppClient } from "../src/smpp/SmppClient.js"
import type { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import {
  bound,
  COMMAND,
  deferred,
  fields,
  SYSTEM_ID,
  simulator,
  submitAll,
  TcpProxy,
  watchClose
} from "./smpp-client-harness.js"

let sim: SmscSimulator
let client: SmppClient | undefined
let proxy: TcpProxy | undefined
beforeEach(async () => {
  sim = await simulator()
  client = undefined
  proxy = undefined
})
afterEach(async () => {
  await client?.close()
  await proxy?.close()
  await sim.stop()
})

/** A bound client, closed after the test. */
const connect = async (...args: Parameters<typeof bound>): Promise<SmppClient> => {
  const c = await bound(...args)
  client = c
  return c
}

const many = (n: number) => Array.from({ length: n }, (_, i) => fields(`message ${i}`))

describe("SmppClient faults", () => {
  it("an unanswered submit times out, frees its slot, and a late resp is reported once through onLateResp", async () => {
    sim.configure(SYSTEM_ID, { lateRespRatio: 1, lateRespDelayMs: 400 })
    const c = await connect(sim.port, { window: 1, responseTimeoutMs: 100 })
    const late = deferred<[number, LateResp]>()
    c.onLateResp((seq, resp) => late.resolve([seq, resp]))
    const run = submitAll(c, [fields("slow")])
    await run.done
    expect(run.results).toEqual([{ _tag: "Timeout" }])
    expect(c.inFlight).toBe(0)
    expect(c.hasCapacity()).toBe(true)
    const [seq, resp] = await late.promise
    expect(seq).toBe(run.seqs[0])
    expect(resp).toMatchObject({ _tag: "Resp", commandStatus: 0 })
    expect(resp._tag === "Resp" && resp.messageId).toBe(sim.receivedSubmits(SYSTEM_ID)[0]?.messageId)
    expect(run.calls).toEqual([1])
    expect(c.counts()).toMatchObject({ timeouts: 1, lateResps: 1, unmatchedResps: 0 })
  })

  it("never-answered submits all time out and the window keeps moving", async () => {
    sim.configure(SYSTEM_ID, { neverAnswerRatio: 1 })
    const c = await connect(sim.port, { window: 5, responseTimeoutMs: 100 })
    const run = submitAll(c, many(12))
    await run.done
    expect(run.results.every((r) => r?._tag === "Timeout")).toBe(true)
    expect(run.calls.every((n) => n === 1)).toBe(true)
    expect(run.maxInFlight).toBe(5)
    expect(sim.counts().total.unanswered).toBe(12)
  })

  it("generic_nack with our sequence number settles that submit as Nack", async () => {
    sim.configure(SYSTEM_ID, { genericNackRatio: 1, genericNackStatus: 0x08 })
    const c = await connect(sim.port, { window: 3 })
    const run = submitAll(c, many(6))
    await run.done
    expect(run.results).toEqual(Array.from({ length: 6 }, () => ({ _tag: "Nack", commandStatus: 0x08 })))
    expect(c.counts()).toMatchObject({ nacks: 6, unmatchedNacks: 0, timeouts: 0 })
  })

  it("generic_nack without a sequence number is counted and the submit is left to its timeout", async () => {
    sim.configure(SYSTEM_ID, { genericNackRatio: 1, genericNackWithSequence: false })
    const warnings: Array<string> = []
    const c = await connect(sim.port, {
      window: 3,
      responseTimeoutMs: 150,
      logger: { warn: (m) => warnings.push(m) }
    })
    const run = submitAll(c, many(3))
    await run.done
    expect(run.results).toEqual([{ _tag: "Timeout" }, { _tag: "Timeout" }, { _tag: "Timeout" }])
    expect(c.counts()).toMatchObject({ nacks: 0, unmatchedNacks: 3, timeouts: 3 })
    expect(warnings.some((w) => w.includes("generic_nack"))).toBe(true)
    expect(c.state).toBe("bound")
  })

  it("the SMSC drops the connection mid-stream: every in-flight submit gets ConnectionLost, onClose once", async () => {
    sim.configure(SYSTEM_ID, { submitRespDelayMs: 5_000 })
    const c = await connect(sim.port, { window: 20, responseTimeoutMs: 10_000 })
    const closes = watchClose(c)
    const run = submitAll(c, many(20))
    await sim.waitForCounts((x) => x.total.submits === 20)
    expect(sim.dropConnections(SYSTEM_ID)).toBe(1)
    await run.done
    expect(run.results.every((r) => r?._tag === "ConnectionLost")).toBe(true)
    expect(run.calls.every((n) => n === 1)).toBe(true)
    expect(await c.closed).toEqual({ _tag: "PeerClosed" })
    expect(closes.reasons).toEqual([{ _tag: "PeerClosed" }])
    expect(c.counts().connectionLost).toBe(20)
    expect(c.submit(fields(), () => {})).toBe(0)
  })

  it("the SMSC unbinds mid-stream: we answer and close cleanly", async () => {
    sim.configure(SYSTEM_ID, { unbindAfterSubmits: 10 })
    const c = await connect(sim.port, { window: 10 })
    const closes = watchClose(c)
    const run = submitAll(c, many(10))
    await run.done
    expect(await c.closed).toEqual({ _tag: "PeerUnbind" })
    expect(closes.reasons).toEqual([{ _tag: "PeerUnbind" }])
    // Its resps were written before its unbind.
    expect(run.results.every((r) => r?._tag === "Resp" && r.commandStatus === 0)).toBe(true)
    const counts = await sim.waitForCounts((x) => x.total.disconnects === 1)
    expect(counts.total.unbindsSent).toBe(1)
    expect(counts.total.drops).toBe(0)
  })

  for (const fault of ["truncated", "oversized"] as const) {
    it(`a ${fault} PDU from the SMSC destroys the session; the process lives on`, async () => {
      sim.configure(SYSTEM_ID, { submitRespDelayMs: 5_000 })
      const warnings: Array<string> = []
      const c = await connect(sim.port, {
        window: 5,
        responseTimeoutMs: 10_000,
        logger: { warn: (m) => warnings.push(m) }
      })
      const closes = watchClose(c)
      const run = submitAll(c, many(5))
      await sim.waitForCounts((x) => x.total.submits === 5)
      if (fault === "truncated") expect(sim.sendMalformedPdu(SYSTEM_ID, "truncated")).toBe(1)
      else expect(sim.sendOversizedPdu(SYSTEM_ID, 20_000)).toBe(1)
      await run.done
      expect(run.results.every((r) => r?._tag === "ConnectionLost")).toBe(true)
      const reason = await c.closed
      expect(reason._tag).toBe("MalformedPdu")
      expect(closes.reasons).toEqual([reason])
      expect(warnings.some((w) => w.includes("undecodable PDU"))).toBe(true)
      await sim.waitForCounts((x) => x.total.disconnects === 1)
      expect(sim.connectionCount()).toBe(0)
    })
  }

  it("a command_length under 4 (which wedges node-smpp's reader silently) destroys the session too", async () => {
    proxy = await TcpProxy.start(sim.port)
    const c = await connect(proxy.port, { logger: { warn: () => {} } })
    const closes = watchClose(c)
    proxy.injectToClient(Buffer.from([0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1]))
    const reason = await c.closed
    expect(reason).toMatchObject({ _tag: "MalformedPdu" })
    expect(closes.reasons).toEqual([reason])
  })

  it("an unknown command from the SMSC is answered with generic_nack and the session goes on", async () => {
    const c = await connect(sim.port)
    expect(sim.sendMalformedPdu(SYSTEM_ID, "unknown-command")).toBe(1)
    // A submit behind it proves the unknown PDU was read and answered without harm.
    const run = submitAll(c, [fields()])
    await run.done
    expect(run.results[0]).toMatchObject({ _tag: "Resp", commandStatus: 0 })
    expect(c.counts().unknownCommands).toBe(1)
    expect(c.state).toBe("bound")
  })

  it("enquire_link keeps going while the SMSC answers", async () => {
    const c = await connect(sim.port, { enquireLinkMs: 50, enquireLinkTimeoutMs: 2_000 })
    await sim.waitForCounts((x) => x.total.enquireLinks >= 3)
    expect(c.state).toBe("bound")
    expect(c.counts().enquireLinkResps).toBeGreaterThanOrEqual(2)
  })

  it("a missing enquire_link_resp closes the session as a dead link", async () => {
    proxy = await TcpProxy.start(sim.port)
    const c = await connect(proxy.port, {
      enquireLinkMs: 50,
      enquireLinkTimeoutMs: 150,
      responseTimeoutMs: 10_000
    })
    const closes = watchClose(c)
    // The link goes dead: the SMSC's bytes no longer reach us (and it still gets ours).
    proxy.blackholeDownstream = true
    const run = submitAll(c, many(3))
    await run.done
    expect(run.results.every((r) => r?._tag === "ConnectionLost")).toBe(true)
    expect(await c.closed).toEqual({ _tag: "EnquireLinkTimeout" })
    expect(closes.reasons).toEqual([{ _tag: "EnquireLinkTimeout" }])
    expect(proxy.clientCommands).toContain(COMMAND.enquire_link)
  })

  it("graceful unbind drains the in-flight submits first; the SMSC sees unbind after the last submit", async () => {
    sim.configure(SYSTEM_ID, { submitRespDelayMs: 150 })
    proxy = await TcpProxy.start(sim.port)
    const c = await connect(proxy.port, { window: 20 })
    const closes = watchClose(c)
    const run = submitAll(c, many(20))
    expect(c.inFlight).toBe(20)
    const unbound = c.unbind({ drainTimeoutMs: 2_000 })
    // Draining: nothing more is taken.
    expect(c.hasCapacity()).toBe(false)
    expect(c.submit(fields("late"), () => {})).toBe(0)
    await unbound
    await run.done
    expect(run.results.every((r) => r?._tag === "Resp" && r.commandStatus === 0)).toBe(true)
    expect(closes.reasons).toEqual([{ _tag: "Unbound" }])
    const wire = proxy.clientCommands
    expect(wire.filter((id) => id === COMMAND.submit_sm)).toHaveLength(20)
    expect(wire.indexOf(COMMAND.unbind)).toBeGreaterThan(wire.lastIndexOf(COMMAND.submit_sm))
    const counts = await sim.waitForCounts((x) => x.total.unbinds === 1 && x.total.disconnects === 1)
    expect(counts.total.submits).toBe(20)
  })

  it("unbind gives up waiting after drainTimeoutMs: what is still in flight is ConnectionLost", async () => {
    sim.configure(SYSTEM_ID, { neverAnswerRatio: 1 })
    const c = await connect(sim.port, { window: 4, responseTimeoutMs: 10_000 })
    const run = submitAll(c, many(4))
    await c.unbind({ drainTimeoutMs: 100 })
    await run.done
    expect(run.results.every((r) => r?._tag === "ConnectionLost")).toBe(true)
    expect(await c.closed).toEqual({ _tag: "Unbound" })
    await sim.waitForCounts((x) => x.total.unbinds === 1)
  })

  it("a peer that stops reading stops our submits (socket back-pressure) until it drains", async () => {
    proxy = await TcpProxy.start(sim.port)
    const c = await connect(proxy.port, { window: 1_000_000, responseTimeoutMs: 60_000 })
    proxy.pauseClient()
    const big = fields("x".repeat(150))
    // Sends until the socket asks us to wait and no `drain` comes any more: the window is far from full,
    // the kernel's buffers are. (Each corked burst over 16 KiB waits for a drain too, which then comes.)
    let sent = 0
    for (;;) {
      while (c.hasCapacity()) {
        c.submit(big, () => {})
        sent++
      }
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 500)
        c.onCapacity(() => {
          clearTimeout(timer)
          resolve(true)
        })
      })
      if (!drained) break
    }
    expect(c.inFlight).toBe(sent)
    expect(sent).toBeLessThan(1_000_000)
    expect(c.counts().writeBackpressure).toBeGreaterThanOrEqual(1)
    expect(c.submit(big, () => {})).toBe(0)
    const capacity = new Promise<void>((resolve) => c.onCapacity(resolve))
    proxy.resumeClient()
    await capacity
    expect(c.hasCapacity()).toBe(true)
  })
})

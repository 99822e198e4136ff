import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { DeliveredPdu, DeliverRespond, SmppClient } from "../src/smpp/SmppClient.js"
import type { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import { bound, deferred, fields, SYSTEM_ID, simulator, submitAll } from "./smpp-client-harness.js"

let sim: SmscSimulator
let client: SmppClient | undefined
beforeEach(async () => {
  sim = await simulator({ receiptsEnabled: true, receiptDelayMs: 10 })
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

interface Held {
  readonly pdu: DeliveredPdu
  readonly respond: DeliverRespond
}

/** Collects deliveries without answering them; resolves once `n` have arrived. */
const holdDeliveries = (c: SmppClient, n: number) => {
  const held: Array<Held> = []
  const arrived = deferred<Array<Held>>()
  c.onDeliver((pdu, respond) => {
    held.push({ pdu, respond })
    if (held.length === n) arrived.resolve(held)
  })
  return { held, arrived: arrived.promise }
}

describe("SmppClient deliveries", () => {
  it("receipts reach onDeliver and deliver_sm_resp goes out only when respond is called", async () => {
    const c = await connect(sim.port)
    const { arrived } = holdDeliveries(c, 5)
    const run = submitAll(
      c,
      Array.from({ length: 5 }, (_, i) => fields(`receipt me ${i}`))
    )
    await run.done
    const held = await arrived
    const ids = run.results.map((r) => (r?._tag === "Resp" ? r.messageId : undefined))
    expect(held.map((h) => h.pdu.receipted_message_id).sort()).toEqual([...ids].sort())
    expect(held.every((h) => h.pdu.command === "deliver_sm" && h.pdu.esm_class === 0x04)).toBe(true)

    // A submit answered after the receipts arrived: had any deliver_sm_resp been sent, the simulator
    // would have read it before this submit (one TCP stream, in order).
    await submitAll(c, [{ ...fields("barrier"), registered_delivery: 0 }]).done
    expect(sim.counts().total.deliverSmResps).toBe(0)

    expect(held.map((h) => h.respond())).toEqual([true, true, true, true, true])
    // Only the first answer counts.
    expect(held[0]!.respond(0x08)).toBe(false)
    const counts = await sim.waitForCounts((x) => x.total.deliverSmResps === 5)
    expect(counts.total.deliverSmRespErrors).toBe(0)
    expect(c.counts()).toMatchObject({ delivers: 5, deliverRespsOk: 5, deliverRespsError: 0 })
  })

  it("an unanswered receipt gets ESME_RX_T_APPN after the timeout, and the SMSC offers it again", async () => {
    const c = await connect(sim.port, { deliverRespTimeoutMs: 100 })
    const seen: Array<Held> = []
    const again = deferred<Held>()
    c.onDeliver((pdu, respond) => {
      seen.push({ pdu, respond })
      // The first time we stay silent; the redelivery is accepted.
      if (seen.length === 2) {
        respond()
        again.resolve({ pdu, respond })
      }
    })
    await submitAll(c, [fields("receipt")]).done
    const second = await again.promise
    expect(second.pdu.receipted_message_id).toBe(seen[0]!.pdu.receipted_message_id)
    // Too late: the client answered for us.
    expect(seen[0]!.respond()).toBe(false)
    const counts = await sim.waitForCounts((x) => x.total.deliverSmResps === 2)
    expect(counts.total.deliverSmRespErrors).toBe(1)
    expect(counts.total.redeliveries).toBe(1)
    expect(c.counts()).toMatchObject({
      delivers: 2,
      deliverRespTimeouts: 1,
      deliverRespsError: 1,
      deliverRespsOk: 1
    })
  })

  it("MO messages arrive as deliver_sm too", async () => {
    const c = await connect(sim.port)
    const { arrived } = holdDeliveries(c, 1)
    expect(sim.sendMo({ systemId: SYSTEM_ID, from: "380671234567", to: "7000", text: "STOP" })).toBe(1)
    const [mo] = await arrived
    expect(mo!.pdu).toMatchObject({
      command: "deliver_sm",
      source_addr: "380671234567",
      destination_addr: "7000"
    })
    expect(mo!.respond()).toBe(true)
    await sim.waitForCounts((x) => x.total.deliverSmResps === 1)
  })

  it("without a handler, deliveries are refused with ESME_RX_T_APPN (never acknowledged unstored)", async () => {
    const c = await connect(sim.port)
    await submitAll(c, [fields("no handler")]).done
    const counts = await sim.waitForCounts((x) => x.total.deliverSmResps === 1)
    expect(counts.total.deliverSmRespErrors).toBe(1)
    expect(c.counts().deliverRespsError).toBe(1)
  })
})

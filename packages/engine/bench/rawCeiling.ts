import { Effect } from "effect"
import smpp from "smpp"
import type { SimProcess } from "./simProcess.js"

export interface RawResult {
  readonly messages: number
  readonly window: number
  /** submit_sm_resp OK received. */
  readonly acceptedResps: number
  readonly refusedResps: number
  readonly receipts: number
  /** First submit to last submit_sm_resp. */
  readonly submitSeconds: number
  /** First submit to last receipt. */
  readonly receiptSeconds: number
  readonly submitsPerSecond: number
  readonly receiptsPerSecond: number
  /** CPU of this process (the client) and of the simulator child per message, µs. */
  readonly clientCpuMicrosPerMessage: number
  readonly simCpuMicrosPerMessage: number
}

const SYSTEM_ID = "raw"

type Measured = Omit<RawResult, "clientCpuMicrosPerMessage" | "simCpuMicrosPerMessage">

/**
 * The ceiling (DESIGN.md §8, §11): node-smpp alone — one transceiver bind, `window` submit_sm in flight,
 * short_message as GSM bytes with data_coding 0, Nagle off, every receipt answered with deliver_sm_resp —
 * against the same simulator child the engine will use. No queue, no database, no bus: what the SMPP
 * layer and the simulator manage on this machine, to read the engine's throughput against.
 */
export const rawCeiling = (sim: SimProcess, messages: number, window: number) =>
  Effect.gen(function* () {
    const simBefore = yield* sim.counts
    const cpuBefore = process.cpuUsage()
    const result = yield* Effect.async<Measured, Error>((resume) => {
      let finished = false
      const session = smpp.connect({ host: "127.0.0.1", port: sim.port })
      const finish = (outcome: Effect.Effect<Measured, Error>) => {
        if (finished) return
        finished = true
        clearTimeout(watchdog)
        session.close()
        resume(outcome)
      }
      const watchdog = setTimeout(
        () =>
          finish(
            Effect.fail(
              new Error(
                `raw run stalled: ${resps}/${messages} resps, ${receipts}/${messages} receipts after 60 s`
              )
            )
          ),
        60_000
      )
      session.socket.setNoDelay(true)
      session.on("error", (error) => finish(Effect.fail(error)))
      session.on("close", () => finish(Effect.fail(new Error("raw session closed early"))))

      let sent = 0
      let inFlight = 0
      let resps = 0
      let ok = 0
      let receipts = 0
      let startedAt = 0
      let submitsDoneAt = 0
      const done = () => {
        if (resps < messages || receipts < ok) return
        const end = performance.now()
        finish(
          Effect.succeed({
            messages,
            window,
            acceptedResps: ok,
            refusedResps: resps - ok,
            receipts,
            submitSeconds: (submitsDoneAt - startedAt) / 1000,
            receiptSeconds: (end - startedAt) / 1000,
            submitsPerSecond: messages / ((submitsDoneAt - startedAt) / 1000),
            receiptsPerSecond: receipts / ((end - startedAt) / 1000)
          })
        )
      }
      const onResp = (pdu: smpp.PDU) => {
        inFlight--
        resps++
        if (pdu.command_status === 0) ok++
        if (resps === messages) submitsDoneAt = performance.now()
        pump()
        done()
      }
      const pump = () => {
        while (inFlight < window && sent < messages) {
          const i = sent++
          inFlight++
          session.submit_sm(
            {
              source_addr: "Volley",
              source_addr_ton: 5,
              source_addr_npi: 0,
              destination_addr: `38067${String(i).padStart(7, "0")}`,
              dest_addr_ton: 1,
              dest_addr_npi: 1,
              data_coding: 0,
              // ASCII letters, digits and spaces are their own GSM 03.38 septets.
              short_message: Buffer.from(`Raw bench ${i} code ${(i * 7919) % 1_000_000}`, "latin1"),
              registered_delivery: 1
            },
            onResp
          )
        }
      }
      session.on("deliver_sm", (pdu) => {
        session.send(pdu.response())
        if ((pdu.esm_class ?? 0) & 0x04) receipts++
        done()
      })
      session.on("enquire_link", (pdu) => session.send(pdu.response()))
      session.on("connect", () => {
        session.bind_transceiver({ system_id: SYSTEM_ID, password: "secret" }, (pdu) => {
          if (pdu.command_status !== 0) {
            finish(Effect.fail(new Error(`raw bind refused: 0x${pdu.command_status.toString(16)}`)))
            return
          }
          startedAt = performance.now()
          pump()
        })
      })
      // interrupted (Ctrl-C, deadline): drop the connection
      return Effect.sync(() => {
        finished = true
        clearTimeout(watchdog)
        session.destroy()
      })
    })
    const cpu = process.cpuUsage(cpuBefore)
    const simAfter = yield* sim.counts
    return {
      ...result,
      clientCpuMicrosPerMessage: (cpu.user + cpu.system) / messages,
      simCpuMicrosPerMessage: (simAfter.cpuMicros - simBefore.cpuMicros) / messages
    } satisfies RawResult
  })

import { createServer } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { afterEach, beforeEach } from "vitest"
import { BindRefused, ConnectFailed } from "../src/smpp/errors.js"
import { makeSmppSession, SmppClient } from "../src/smpp/SmppClient.js"
import type { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import {
  bound,
  fastOptions,
  fields,
  PASSWORD,
  SYSTEM_ID,
  simulator,
  submitAll,
  TcpProxy,
  watchClose
} from "./smpp-client-harness.js"

let sim: SmscSimulator
beforeEach(async () => {
  sim = await simulator()
})
afterEach(() => sim.stop())

const sessionOptions = (password = PASSWORD, port?: number) => ({
  host: "127.0.0.1",
  port: port ?? sim.port,
  ...fastOptions,
  bind: { type: "transceiver" as const, systemId: SYSTEM_ID, password, bindTimeoutMs: 500 },
  drainTimeoutMs: 500
})

/** A port nobody listens on. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

describe("SmppClient bind", () => {
  it.effect("makeSmppSession binds, and its scope's release unbinds and closes", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const client = yield* makeSmppSession(sessionOptions()).pipe(Scope.extend(scope))
      expect(client.state).toBe("bound")
      expect(sim.counts().bySystemId[SYSTEM_ID]?.binds).toBe(1)
      yield* Scope.close(scope, Exit.void)
      expect(client.state).toBe("closed")
      expect(yield* Effect.promise(() => client.closed)).toEqual({ _tag: "Unbound" })
      const counts = yield* Effect.promise(() => sim.waitForCounts((c) => c.total.disconnects === 1))
      expect(counts.bySystemId[SYSTEM_ID]?.unbinds).toBe(1)
    })
  )

  it.effect("a wrong password fails with BindRefused (ESME_RINVPASWD) and leaves no connection", () =>
    Effect.gen(function* () {
      const error = yield* Effect.scoped(makeSmppSession(sessionOptions("wrong"))).pipe(Effect.flip)
      expect(error).toBeInstanceOf(BindRefused)
      expect(error).toMatchObject({ _tag: "BindRefused", systemId: SYSTEM_ID, commandStatus: 0x0e })
      expect((error as BindRefused).name).toBe("ESME_RINVPASWD")
      yield* Effect.promise(() => sim.waitForCounts((c) => c.total.disconnects === 1))
      expect(sim.connectionCount()).toBe(0)
    })
  )

  it("a refused bind status comes back as it is, on the Promise API too", async () => {
    sim.configure(SYSTEM_ID, { refuseBindStatus: 0x0d })
    const client = await SmppClient.connect({ host: "127.0.0.1", port: sim.port, ...fastOptions })
    const error = await client
      .bind({ type: "transmitter", systemId: SYSTEM_ID, password: PASSWORD, bindTimeoutMs: 500 })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ _tag: "BindRefused", commandStatus: 0x0d, name: "ESME_RBINDFAIL" })
    // Still connected, not bound: submits are not taken.
    expect(client.state).toBe("open")
    expect(client.hasCapacity()).toBe(false)
    expect(client.submit(fields(), () => {})).toBe(0)
    await client.close()
    expect(await client.closed).toEqual({ _tag: "LocalClose" })
  })

  it.effect("nobody listening: ConnectFailed", () =>
    Effect.gen(function* () {
      const port = yield* Effect.promise(closedPort)
      const error = yield* Effect.scoped(makeSmppSession(sessionOptions(PASSWORD, port))).pipe(Effect.flip)
      expect(error).toBeInstanceOf(ConnectFailed)
      expect(error).toMatchObject({ _tag: "ConnectFailed", phase: "connect", reason: "Error", port })
    })
  )

  it.effect("no bind response: ConnectFailed in the bind phase, connection closed", () =>
    Effect.gen(function* () {
      const proxy = yield* Effect.acquireRelease(
        Effect.promise(() => TcpProxy.start(sim.port)),
        (p) => Effect.promise(() => p.close())
      )
      proxy.blackholeDownstream = true
      const error = yield* Effect.scoped(makeSmppSession(sessionOptions(PASSWORD, proxy.port))).pipe(
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "ConnectFailed", phase: "bind", reason: "Timeout" })
      yield* Effect.promise(() => sim.waitForCounts((c) => c.total.disconnects === 1))
    }).pipe(Effect.scoped)
  )

  it("sequence numbers wrap from 0x7FFFFFFF to 1", async () => {
    const client = await bound(sim.port, { initialSequence: 0x7ffffffc })
    // The bind took 0x7FFFFFFD.
    expect(client.sequence).toBe(0x7ffffffd)
    const run = submitAll(client, [fields("a"), fields("b"), fields("c"), fields("d")])
    await run.done
    expect(run.seqs).toEqual([0x7ffffffe, 0x7fffffff, 1, 2])
    expect(run.results.every((r) => r?._tag === "Resp" && r.commandStatus === 0)).toBe(true)
    expect(sim.receivedSubmits(SYSTEM_ID).map((s) => s.sequenceNumber)).toEqual([
      0x7ffffffe, 0x7fffffff, 1, 2
    ])
    const closes = watchClose(client)
    await client.unbind({ drainTimeoutMs: 500 })
    expect(closes.reasons).toEqual([{ _tag: "Unbound" }])
  })
})

import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SendService } from "../src/send/SendService.js"
import { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import {
  engineActors,
  engineInfrastructure,
  eventually,
  seedSimCatalog,
  statusCounts
} from "./support/EngineHarness.js"

const numbers = (prefix: string, count: number, offset = 0) =>
  Array.from({ length: count }, (_, i) => `+${prefix}${String(1_000_000 + offset + i).slice(-7)}`)

layer(engineInfrastructure(), { excludeTestServices: true })("bind actors deliver to the operator", (it) => {
  it.scoped(
    "messages put on the bus reach the SMSC exactly once and go ENROUTE, long ones as UDH parts",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({
          accounts: {
            opa1: { password: "secret", receiptsEnabled: false },
            opa2: { password: "secret", receiptsEnabled: false }
          }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "opa",
            routeId: "route-a",
            prefixes: ["38067"],
            binds: [
              { id: "opa-1", systemId: "opa1", window: 50 },
              { id: "opa-2", systemId: "opa2", window: 50 }
            ]
          }
        ])
        yield* Effect.gen(function* () {
          const send = yield* SendService
          const short = yield* send.accept({
            accountId,
            sender: "Volley",
            messages: numbers("38067", 1_000).map((to, i) => ({ to, text: `Code ${i}` }))
          })
          expect(short.accepted.length).toBe(1_000)
          const long = yield* send.accept({
            accountId,
            sender: "Volley",
            messages: [{ to: "+380679999999", text: "Привіт! ".repeat(20) }]
          })
          expect(long.accepted[0]?.parts).toBe(3)
          const counts = yield* eventually(statusCounts(accountId), (c) => c.ENROUTE === 1_001)
          expect(counts).toEqual({ ENROUTE: 1_001 })
          const total = sim.counts().total
          expect(total.uniqueMessages).toBe(1_003)
          expect(total.duplicates).toBe(0)
          const parts = sim.receivedSubmits().filter((s) => s.destinationAddr === "380679999999")
          expect(parts.map((p) => p.concatenation?.seq)).toEqual([1, 2, 3])
          expect(parts.map((p) => p.text).join("")).toBe("Привіт! ".repeat(20))
        }).pipe(Effect.provide(engineActors))
      }),
    60_000
  )
})

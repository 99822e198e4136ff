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

layer(engineInfrastructure({ bus: "nats", hotmaps: "redis" }), { excludeTestServices: true })(
  "10,000 messages through 4 binds on 2 routes, on JetStream and Redis",
  (it) => {
    it.scoped(
      "the simulator receives each exactly once and every message ends in the status it was told to give",
      () =>
        Effect.gen(function* () {
          const sim = yield* SmscSimulator.scoped({
            defaults: { password: "secret", receiptDelayMs: 20 },
            accounts: {
              a1: {},
              a2: {},
              b1: { receiptMix: { UNDELIV: 1 }, messageIdFormat: "hex" },
              b2: { receiptMix: { UNDELIV: 1 }, messageIdFormat: "hex" }
            }
          })
          const accountId = yield* seedSimCatalog(sim.port, [
            {
              operatorId: "opa",
              routeId: "route-a",
              prefixes: ["38067"],
              binds: [
                { id: "a-1", systemId: "a1" },
                { id: "a-2", systemId: "a2" }
              ]
            },
            {
              operatorId: "opb",
              routeId: "route-b",
              prefixes: ["38050"],
              messageIdFormat: "hex",
              binds: [
                { id: "b-1", systemId: "b1" },
                { id: "b-2", systemId: "b2" }
              ]
            }
          ])
          yield* Effect.gen(function* () {
            const send = yield* SendService
            for (let batch = 0; batch < 10; batch++) {
              const messages = [
                ...numbers("38067", 500, batch * 500).map((to) => ({ to, text: `A ${to}` })),
                ...numbers("38050", 500, batch * 500).map((to) => ({ to, text: `B ${to}` }))
              ]
              const result = yield* send.accept({ accountId, sender: "Volley", messages })
              expect(result.accepted.length).toBe(1_000)
            }
            const counts = yield* eventually(
              statusCounts(accountId),
              (c) => (c.DELIVRD ?? 0) + (c.UNDELIV ?? 0) === 10_000,
              90_000,
              250
            )
            expect(counts).toEqual({ DELIVRD: 5_000, UNDELIV: 5_000 })
            const total = sim.counts().total
            expect(total.uniqueMessages).toBe(10_000)
            expect(total.duplicates).toBe(0)
            const bySystem = sim.counts().bySystemId
            expect((bySystem.a1?.submits ?? 0) + (bySystem.a2?.submits ?? 0)).toBe(5_000)
            expect((bySystem.b1?.submits ?? 0) + (bySystem.b2?.submits ?? 0)).toBe(5_000)
          }).pipe(Effect.provide(engineActors))
        }),
      120_000
    )
  }
)

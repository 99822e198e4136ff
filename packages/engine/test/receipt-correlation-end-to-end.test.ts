import { expect, layer } from "@effect/vitest"
import { canonicalMessageId } from "@volley/core/receipt/MessageId"
import { Effect, Either } from "effect"
import type { SimulatorAccountConfig } from "../src/smsc-sim/SimulatorConfig.js"
import { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import {
  bindActors,
  countByStatus,
  deliveredOrUnknown,
  destinationOf,
  disableBinds,
  expectAtMostOnce,
  expectQuiet,
  messageRows,
  numbers,
  sendTo,
  settledIn,
  smscIdsByDestination,
  unmatchedReceipts
} from "./support/BindScenario.js"
import { engineInfrastructure, eventually, seedSimCatalog } from "./support/EngineHarness.js"

interface Scenario {
  readonly name: string
  readonly prefix: string
  readonly sim: SimulatorAccountConfig
  /** How the operator is configured to write its ids (what the bind canonicalises resp ids with). */
  readonly format: "string" | "hex" | "decimal"
}

/** One operator with one bind on its own simulator account; `run` gets what it needs to check. */
const scenario = <A, E, R>(
  s: Scenario,
  count: number,
  run: (ctx: {
    readonly sim: SmscSimulator
    readonly accountId: Effect.Effect.Success<ReturnType<typeof seedSimCatalog>>
    readonly operatorId: string
  }) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function* () {
    const sim = yield* SmscSimulator.scoped({ accounts: { [s.name]: { receiptDelayMs: 20, ...s.sim } } })
    const operatorId = `op-${s.name}`
    const bindId = `${s.name}-1`
    const accountId = yield* seedSimCatalog(sim.port, [
      {
        operatorId,
        routeId: `route-${s.name}`,
        prefixes: [s.prefix],
        messageIdFormat: s.format,
        binds: [{ id: bindId, systemId: s.name, window: 20 }]
      }
    ])
    return yield* Effect.gen(function* () {
      yield* sendTo(accountId, numbers(s.prefix, count))
      const result = yield* run({ sim, accountId, operatorId })
      yield* expectQuiet(bindId)
      return result
    }).pipe(Effect.provide(bindActors()), Effect.ensuring(disableBinds([bindId])))
  })

/** Each message carries the SMSC's id in the operator's canonical form, and its receipt was applied. */
const expectCorrelated = (
  sim: SmscSimulator,
  rows: Effect.Effect.Success<ReturnType<typeof messageRows>>,
  format: "string" | "hex" | "decimal"
) => {
  const ids = smscIdsByDestination(sim)
  for (const row of rows) {
    const raw = ids.get(destinationOf(row.recipient))!
    expect(row.smscMessageId).toBe(Either.getOrThrow(canonicalMessageId(raw, format)))
    expect(row.history.at(-1)?.source).toBe("receipt")
  }
}

layer(engineInfrastructure({ bus: "nats", hotmaps: "redis" }), { excludeTestServices: true })(
  "delivery receipts end to end, on JetStream and Redis",
  (it) => {
    it.scoped(
      "hex ids in the submit_sm_resp, decimal in the receipt: correlated",
      () =>
        scenario(
          {
            name: "hexdec",
            prefix: "38067",
            format: "hex",
            sim: { messageIdFormat: "hex", receiptIdFormat: "decimal" }
          },
          50,
          ({ sim, accountId, operatorId }) =>
            Effect.gen(function* () {
              const rows = yield* settledIn(accountId, ["DELIVRD"])
              expect(rows.length).toBe(50)
              expectCorrelated(sim, rows, "hex")
              expectAtMostOnce(sim, ["hexdec"], rows)
              expect(yield* unmatchedReceipts(operatorId)).toEqual([])
            })
        ),
      60_000
    )

    it.scoped(
      "zero-padded decimal ids in the resp, hex in the receipt: correlated",
      () =>
        scenario(
          {
            name: "dechex",
            prefix: "38050",
            format: "decimal",
            sim: {
              messageIdFormat: "decimal",
              messageIdWidth: 12,
              receiptIdFormat: "hex",
              receiptMix: { UNDELIV: 1 }
            }
          },
          50,
          ({ sim, accountId, operatorId }) =>
            Effect.gen(function* () {
              const rows = yield* settledIn(accountId, ["UNDELIV"])
              expect(rows.length).toBe(50)
              expectCorrelated(sim, rows, "decimal")
              expect(rows[0]!.statusReason).toBe("err:001")
              expect(yield* unmatchedReceipts(operatorId)).toEqual([])
            })
        ),
      60_000
    )

    it.scoped(
      "receipts with the text only (no receipted_message_id / message_state TLVs): read from the text",
      () =>
        scenario(
          {
            name: "textonly",
            prefix: "38063",
            format: "string",
            sim: { receiptMode: "text", receiptMix: { DELIVRD: 1, EXPIRED: 1 } }
          },
          60,
          ({ sim, accountId, operatorId }) =>
            Effect.gen(function* () {
              const rows = yield* settledIn(accountId, ["DELIVRD", "EXPIRED"])
              const byStat = sim.counts().bySystemId.textonly!.receiptsByStat
              expect(countByStatus(rows)).toEqual({ DELIVRD: byStat.DELIVRD, EXPIRED: byStat.EXPIRED })
              expectCorrelated(sim, rows, "string")
              expect(yield* unmatchedReceipts(operatorId)).toEqual([])
            })
        ),
      60_000
    )

    it.scoped(
      "receipts that overtake their submit_sm_resp: held back and correlated once the resp is recorded",
      () =>
        scenario(
          {
            name: "early",
            prefix: "38066",
            format: "string",
            sim: { receiptBeforeRespRatio: 1, submitRespDelayMs: 50 }
          },
          50,
          ({ sim, accountId, operatorId }) =>
            Effect.gen(function* () {
              const rows = yield* settledIn(accountId, ["DELIVRD"])
              expect(rows.length).toBe(50)
              expectCorrelated(sim, rows, "string")
              expectAtMostOnce(sim, ["early"], rows)
              expect(yield* unmatchedReceipts(operatorId)).toEqual([])
            })
        ),
      60_000
    )

    it.scoped(
      "receipts for SMSC ids nobody recorded: kept in unmatched_receipts as unknown_id, nothing applied",
      () =>
        scenario(
          // The SMSC takes the messages (and reports on them) but never answers the submits.
          { name: "ghost", prefix: "38068", format: "string", sim: { neverAnswerRatio: 1 } },
          5,
          ({ sim, accountId, operatorId }) =>
            Effect.gen(function* () {
              const rows = yield* eventually(messageRows(accountId), deliveredOrUnknown)
              expect(countByStatus(rows)).toEqual({ SUBMITTING: 5 })
              const unmatched = yield* eventually(
                unmatchedReceipts(operatorId),
                (u) => u.length === 5,
                20_000
              )
              const ids = [...smscIdsByDestination(sim).values()].sort()
              expect(unmatched.map((u) => u.smscMessageId)).toEqual(ids)
              expect(unmatched.every((u) => u.reason === "unknown_id" && u.stat === "DELIVERED")).toBe(true)
              // Still unknown: only a late resp or the NOREPORT sweep settles them.
              expect(countByStatus(yield* messageRows(accountId))).toEqual({ SUBMITTING: 5 })
            })
        ),
      60_000
    )
  }
)

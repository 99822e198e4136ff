import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import type { CampaignId } from "@volley/core"
import { Effect } from "effect"
import { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import { engineProcessSuite, numbers, startEngine, waitUntil } from "./engine-process-harness.js"
import { acceptedByDestination } from "./support/BindScenario.js"
import { campaignOf, groupWith, insertCampaign } from "./support/CampaignFixtures.js"
import { seedSimCatalog } from "./support/EngineHarness.js"

const TOTAL = 4_000
/** The kill lands once the SMSC has this many submits: a quarter of the way, mid-campaign. */
const KILL_AT = 1_000

const knobs = {
  VOLLEY_CAMPAIGN_PAGE_SIZE: "200",
  VOLLEY_BUS_ACK_WAIT_MS: "4000",
  VOLLEY_OUTBOX_TIMEOUT_MS: "3000",
  VOLLEY_OUTBOX_INTERVAL_MS: "1000"
}

/** The campaign's messages: one per recipient (the unique index (campaign_id, recipient) sees to it). */
const recipients = (campaignId: CampaignId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<{ recipient: string; status: string }>`
      SELECT recipient, status FROM messages WHERE campaign_id = ${campaignId}`
  }).pipe(Effect.orDie)

layer(engineProcessSuite(), { excludeTestServices: true })("engine killed mid-campaign", (it) => {
  it.scoped(
    "a restarted engine resumes the campaign from its cursor: every recipient ends with exactly one message",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({
          defaults: { password: "secret", submitRespDelayMs: 20, receiptDelayMs: 200, receiptJitterMs: 200 },
          accounts: { kc1: {} }
        })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "opkc",
            routeId: "route-kc",
            prefixes: ["38067"],
            binds: [{ id: "kc-1", systemId: "kc1" }]
          }
        ])
        const all = numbers("38067", TOTAL)
        // Two groups overlapping by a quarter: the repeats must not get a second message after the restart.
        const groupA = yield* groupWith(
          accountId,
          "first",
          all.slice(0, 3_000).map((msisdn, i) => ({ msisdn, name: `N${i}` }))
        )
        const groupB = yield* groupWith(
          accountId,
          "second",
          all.slice(2_000).map((msisdn, i) => ({ msisdn, name: `M${i}` }))
        )
        const id = yield* insertCampaign({ accountId, groupIds: [groupA, groupB], body: "Hello {name}" })

        const first = yield* startEngine("engine-1", knobs)
        yield* waitUntil(
          "engine-1 mid-campaign",
          Effect.sync(() => sim.counts().total.submits),
          (n) => n >= KILL_AT,
          { timeoutMs: 60_000, everyMs: 5, engines: [first] }
        )
        first.signal("SIGKILL")
        expect((yield* first.awaitExit(10_000))?.signal).toBe("SIGKILL")
        const atKill = yield* campaignOf(id)
        expect(atKill.status).toBe("running")
        expect(atKill.progress.processed).toBeLessThan(TOTAL + 1_000)

        const second = yield* startEngine("engine-2", knobs)
        const done = yield* waitUntil(
          "the campaign completed",
          campaignOf(id),
          (c) => c.status === "completed",
          { timeoutMs: 90_000, everyMs: 200, engines: [second] }
        )
        // Receipts for every message (none was in doubt: claim-before-send; a claim cut short by the
        // kill would stay SUBMITTING, so wait for final statuses only on what reached the SMSC).
        const rows = yield* waitUntil(
          "every message settled",
          recipients(id),
          (rs) => rs.length === TOTAL && rs.every((r) => r.status === "DELIVRD" || r.status === "SUBMITTING"),
          { timeoutMs: 60_000, everyMs: 250, engines: [second] }
        )

        expect(new Set(rows.map((r) => r.recipient))).toEqual(new Set(all))
        // What the database cannot promise: no recipient reached the operator twice (single-part texts,
        // so one accepted submit per message), and every DELIVRD one did exactly once.
        expect(sim.submitsNotRecorded).toBe(0)
        const accepted = acceptedByDestination(sim, ["kc1"])
        expect([...accepted].filter(([, n]) => n > 1)).toEqual([])
        expect(
          rows
            .filter((r) => r.status === "DELIVRD" && accepted.get(r.recipient.slice(1)) !== 1)
            .map((r) => r.recipient)
        ).toEqual([])
        expect(done.progress).toMatchObject({
          processed: 5_000,
          messages: TOTAL,
          duplicates: 1_000,
          skipped: 0
        })
        // Nothing reached the operator twice.
        const counts = sim.counts().bySystemId.kc1!
        expect(counts.duplicates).toBe(0)
        const ambiguous = rows.filter((r) => r.status === "SUBMITTING").length
        console.log(
          `[campaign-process-crash] ${TOTAL} recipients in 2 groups (1,000 repeats); SIGKILL at ${KILL_AT}+ submits with ${atKill.progress.processed} contacts processed; after the restart ${TOTAL - ambiguous} DELIVRD, ${ambiguous} ambiguous (claimed before the kill), 0 sent twice`
        )
      }),
    150_000
  )
})

import { expect, layer } from "@effect/vitest"
import { SmscSimulator } from "@volley/engine/smsc-sim/SmscSimulator"
import { Effect } from "effect"
import { campaignActors } from "../../engine/test/support/CampaignFixtures.js"
import { eventually } from "../../engine/test/support/eventually.js"
import { draft, groupWith } from "./campaigns-support.js"
import { apiWithEngine } from "./support/ApiEngineHarness.js"
import { asOperator, expectStatus, newSender, type Sender } from "./support/ApiHarness.js"

/**
 * The API with the engine's campaign supervisor, binds and correlator. Pages of two contacts, so a rate
 * cap spreads a campaign over seconds and a pause has something left to stop.
 */
const ApiWithCampaigns = apiWithEngine("tcmp", campaignActors({ pageSize: 2, pollIntervalMs: 100 }))

const PRICE = 10

/** An operator, a route for 38093… and a bind to the simulator, through the operators' API. */
const seedCatalog = (port: number) =>
  Effect.gen(function* () {
    expectStatus(
      yield* asOperator("POST", "/v1/admin/operators", {
        id: "op-ce",
        name: "CE",
        defaultValiditySeconds: 86_400
      }),
      201
    )
    expectStatus(
      yield* asOperator("POST", "/v1/admin/routes", {
        id: "route-ce",
        name: "CE",
        operatorId: "op-ce",
        prefixes: ["38093"],
        pricePerPartMinor: PRICE
      }),
      201
    )
    expectStatus(
      yield* asOperator("POST", "/v1/admin/binds", {
        id: "ce-1",
        operatorId: "op-ce",
        host: "127.0.0.1",
        port,
        systemId: "ce",
        password: "secret",
        windowSize: 10,
        tps: 500,
        enquireLinkSeconds: 30
      }),
      201
    )
  })

const number = (i: number) => `+38093${String(1_000_000 + i).slice(-7)}`

const reportOf = (sender: Sender, campaignId: string) =>
  Effect.map(sender.as("GET", `/v1/campaigns/${campaignId}/report`), (r) => expectStatus(r, 200).body)

const messagesOf = (sender: Sender, campaignId: string) =>
  Effect.map(reportOf(sender, campaignId), (report) => report.messages as number)

/** The message count a second after a pause or cancel, and again a second later: it must not move. */
const stopsWithinASecond = (sender: Sender, campaignId: string) =>
  Effect.gen(function* () {
    yield* Effect.sleep("1 second")
    const settled = yield* messagesOf(sender, campaignId)
    yield* Effect.sleep("1 second")
    expect(yield* messagesOf(sender, campaignId)).toBe(settled)
    return settled
  })

layer(ApiWithCampaigns, { excludeTestServices: true })("campaigns end to end", (it) => {
  it.scoped(
    "started through the API: pause and cancel stop it within a second, resume goes on, blacklisted numbers get nothing and the report says why",
    () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({ accounts: { ce: { receiptDelayMs: 10 } } })
        yield* seedCatalog(sim.port)
        yield* Effect.ensuring(
          Effect.gen(function* () {
            const sender = yield* newSender("Campaigner", { bonusMinor: 10_000 })
            expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/activate`), 200)
            const contacts = Array.from({ length: 30 }, (_, i) => ({
              number: number(i),
              name: `N${i}`,
              ...(i === 4 ? {} : { fields: { city: `City${i % 3}` } })
            }))
            const group = yield* groupWith(sender, "Everyone", contacts)
            expectStatus(yield* sender.as("POST", "/v1/blacklist", { number: number(7) }), 201)
            const campaign = yield* draft(sender, [group], { text: "Hi {name} in {city}", rateCap: 6 })
            const base = `/v1/campaigns/${campaign.id}`

            expectStatus(yield* sender.as("POST", `${base}/start`), 200)
            yield* eventually(messagesOf(sender, campaign.id), (n) => n >= 4, 15_000)
            expect(expectStatus(yield* sender.as("POST", `${base}/pause`), 200).body.status).toBe("paused")
            const paused = yield* stopsWithinASecond(sender, campaign.id)
            expect(paused).toBeLessThan(28)

            expectStatus(yield* sender.as("POST", `${base}/resume`), 200)
            yield* eventually(messagesOf(sender, campaign.id), (n) => n > paused, 10_000)
            const done = yield* eventually(
              reportOf(sender, campaign.id),
              (r) => r.status === "completed" && r.statuses.DELIVRD === 28,
              30_000
            )
            expect(done).toMatchObject({
              messages: 28,
              skipped: { BLACKLISTED: 1, MISSING_FIELD: 1 },
              skippedTotal: 2,
              processed: 30,
              chargedMinor: 28 * PRICE,
              costMinor: 28 * PRICE
            })
            const skipped = expectStatus(
              yield* sender.as("GET", `${base}/recipients?status=SKIPPED`),
              200
            ).body
            expect(skipped.items.map((l: { to: string; reason: string }) => [l.to, l.reason])).toEqual([
              [number(4), "MISSING_FIELD"],
              [number(7), "BLACKLISTED"]
            ])
            const toBlacklisted = yield* sender.as(
              "GET",
              `/v1/messages?recipient=${encodeURIComponent(number(7))}`
            )
            expect(expectStatus(toBlacklisted, 200).body.items).toEqual([])

            // another run, cancelled midway: it stops, and nothing it still had queued is sent
            const second = yield* draft(sender, [group], { text: "Bye {name}", rateCap: 6 })
            expectStatus(yield* sender.as("POST", `/v1/campaigns/${second.id}/start`), 200)
            yield* eventually(messagesOf(sender, second.id), (n) => n >= 4, 15_000)
            const cancelled = expectStatus(
              yield* sender.as("POST", `/v1/campaigns/${second.id}/cancel`),
              200
            ).body
            expect(cancelled.campaign.status).toBe("cancelled")
            const sent = yield* stopsWithinASecond(sender, second.id)
            expect(sent).toBeLessThan(28)
            const report = yield* reportOf(sender, second.id)
            expect(report.status).toBe("cancelled")
            expect(report.statuses.QUEUED).toBe(0)
          }),
          Effect.asVoid(asOperator("POST", "/v1/admin/binds/ce-1/disable"))
        )
      }),
    60_000
  )
})

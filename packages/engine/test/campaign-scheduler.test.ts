import { expect, layer } from "@effect/vitest"
import type { AccountId, E164 } from "@volley/core"
import { Effect, Layer } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { Ledger } from "../src/account/Ledger.js"
import { BlacklistRepo } from "../src/blacklist/BlacklistRepo.js"
import { CampaignSupervisor } from "../src/campaign/CampaignSupervisor.js"
import { CampaignTuning } from "../src/campaign/CampaignTuning.js"
import { SendService } from "../src/send/SendService.js"
import { SmscSimulator } from "../src/smsc-sim/SmscSimulator.js"
import { acceptedByDestination, destinationOf, disableBinds, numbers } from "./support/BindScenario.js"
import {
  campaignActors,
  campaignMessages,
  campaignOf,
  campaignSkips,
  groupWith,
  insertCampaign,
  messageCount,
  setCampaignStatus
} from "./support/CampaignFixtures.js"
import { engineInfrastructure, eventually, seedSimCatalog } from "./support/EngineHarness.js"

const PRICE = 10 // per part, seedSimCatalog's route price

const fundedAccount = (balanceMinor: number) =>
  Effect.gen(function* () {
    const account = yield* (yield* AccountsRepo).create({ name: "Campaigner", mode: "active" })
    yield* (yield* Ledger).credit(account.id, balanceMinor, "topup")
    return account.id as AccountId
  }).pipe(Effect.orDie)

const completed = (id: Parameters<typeof campaignOf>[0], timeoutMs = 30_000) =>
  eventually(campaignOf(id), (c) => c.status === "completed", timeoutMs)

const allDelivered = (id: Parameters<typeof campaignOf>[0], count: number) =>
  eventually(
    campaignMessages(id),
    (rows) => rows.length === count && rows.every((r) => r.status === "DELIVRD")
  )

layer(engineInfrastructure({ bus: "nats", hotmaps: "redis" }), { excludeTestServices: true })(
  "a campaign's scheduler",
  (it) => {
    it.scoped(
      "sends each recipient of two groups one message with their own fields, skipping blacklisted numbers, missing fields and repeats",
      () =>
        Effect.gen(function* () {
          const sim = yield* SmscSimulator.scoped({ accounts: { cp1: { receiptDelayMs: 10 } } })
          const accountId = yield* seedSimCatalog(sim.port, [
            {
              operatorId: "op-cp",
              routeId: "route-cp",
              prefixes: ["38067"],
              binds: [{ id: "cp-1", systemId: "cp1" }]
            }
          ])
          const first = numbers("38067", 120)
          const second = [...first.slice(90), ...numbers("38067", 30, 500)] // 30 repeats, 30 new
          const contactOf = (msisdn: string, i: number) => ({
            msisdn,
            ...(i === 7 ? {} : { name: `Name${i}` }),
            fields: { city: `City${i % 5}` }
          })
          const groupA = yield* groupWith(accountId, "A", first.map(contactOf))
          const groupB = yield* groupWith(
            accountId,
            "B",
            second.map((n, i) => contactOf(n, 1_000 + i))
          )
          const blacklisted = [first[3]!, second[45]!]
          for (const n of blacklisted) yield* (yield* BlacklistRepo).add(accountId, n as E164, "STOP")

          const id = yield* insertCampaign({
            accountId,
            groupIds: [groupA, groupB],
            body: "Hi {name} from {city}"
          })
          yield* Effect.gen(function* () {
            const done = yield* completed(id)
            const expected = 120 + 30 - blacklisted.length - 1
            const rows = yield* allDelivered(id, expected)

            // Each text rendered from that recipient's own contact (group A's entry for the repeats).
            const textFor = new Map<string, string>()
            for (const [i, n] of second.entries())
              textFor.set(n, `Hi Name${1_000 + i} from City${(1_000 + i) % 5}`)
            for (const [i, n] of first.entries()) textFor.set(n, `Hi Name${i} from City${i % 5}`)
            for (const row of rows) expect(row.body).toBe(textFor.get(row.recipient))
            expect(rows.map((r) => r.recipient)).not.toContain(first[7])

            const skips = yield* campaignSkips(id)
            expect(skips.map((s) => [s.msisdn, s.reason])).toEqual(
              [
                [first[3], "BLACKLISTED"],
                [first[7], "MISSING_FIELD"],
                [second[45], "BLACKLISTED"]
              ].sort((a, b) => a[0]!.localeCompare(b[0]!))
            )
            expect(skips.find((s) => s.reason === "MISSING_FIELD")?.detail).toBe("no value for {name}")
            expect(done.progress).toMatchObject({
              processed: 180,
              messages: expected,
              skipped: 3,
              duplicates: 30,
              chargedMinor: expected * PRICE
            })
            expect(done.finishedAt).not.toBeNull()

            // What reached the operator: each once, with the text Postgres has.
            const accepted = acceptedByDestination(sim, ["cp1"])
            for (const row of rows) expect(accepted.get(destinationOf(row.recipient))).toBe(1)
            for (const n of blacklisted) expect(accepted.has(destinationOf(n))).toBe(false)
            expect(sim.counts().bySystemId.cp1?.duplicates).toBe(0)
            const sent = new Map(sim.receivedSubmits("cp1").map((s) => [s.destinationAddr, s.text]))
            for (const row of rows) expect(sent.get(destinationOf(row.recipient))).toBe(row.body)
          }).pipe(Effect.provide(campaignActors()), Effect.ensuring(disableBinds(["cp-1"])))
        }),
      60_000
    )

    it.scoped("with the 'empty' rule a missing field renders as nothing", () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({ accounts: { cp2: { receiptDelayMs: 10 } } })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-cp2",
            routeId: "route-cp2",
            prefixes: ["38050"],
            binds: [{ id: "cp-2", systemId: "cp2" }]
          }
        ])
        const [withName, withoutName] = numbers("38050", 2)
        const group = yield* groupWith(accountId, "E", [
          { msisdn: withName!, name: "Olena" },
          { msisdn: withoutName! }
        ])
        const id = yield* insertCampaign({
          accountId,
          groupIds: [group],
          body: "Hi {name}!",
          onMissingField: "empty"
        })
        yield* Effect.gen(function* () {
          yield* completed(id)
          const rows = yield* allDelivered(id, 2)
          expect(rows.map((r) => [r.recipient, r.body])).toEqual([
            [withName, "Hi Olena!"],
            [withoutName, "Hi !"]
          ])
          expect(yield* campaignSkips(id)).toEqual([])
        }).pipe(Effect.provide(campaignActors()), Effect.ensuring(disableBinds(["cp-2"])))
      })
    )

    it.scoped(
      "pauses when the balance runs out, with the reason; after a top-up and resume it completes, nobody twice",
      () =>
        Effect.gen(function* () {
          const sim = yield* SmscSimulator.scoped({ accounts: { cp3: { receiptDelayMs: 10 } } })
          yield* seedSimCatalog(sim.port, [
            {
              operatorId: "op-cp3",
              routeId: "route-cp3",
              prefixes: ["38063"],
              binds: [{ id: "cp-3", systemId: "cp3" }]
            }
          ])
          // Enough for one and a half pages of 50.
          const accountId = yield* fundedAccount(75 * PRICE)
          const recipients = numbers("38063", 200)
          const group = yield* groupWith(
            accountId,
            "M",
            recipients.map((msisdn) => ({ msisdn }))
          )
          const id = yield* insertCampaign({ accountId, groupIds: [group], body: "Sale today" })
          yield* Effect.gen(function* () {
            const paused = yield* eventually(campaignOf(id), (c) => c.status === "paused")
            expect(paused.statusReason).toMatch(
              /^insufficient balance: the next page costs 500, the balance is 250/
            )
            expect(yield* messageCount(id)).toBe(50)
            expect(paused.progress.messages).toBe(50)

            yield* (yield* Ledger).credit(accountId, 1_000 * PRICE, "topup").pipe(Effect.orDie)
            yield* setCampaignStatus(id, "running")
            const done = yield* completed(id)
            expect(done.progress).toMatchObject({ processed: 200, messages: 200, skipped: 0, duplicates: 0 })
            const rows = yield* allDelivered(id, 200)
            expect(new Set(rows.map((r) => r.recipient)).size).toBe(200)
            const accepted = acceptedByDestination(sim, ["cp3"])
            for (const n of recipients) expect(accepted.get(destinationOf(n))).toBe(1)
          }).pipe(Effect.provide(campaignActors()), Effect.ensuring(disableBinds(["cp-3"])))
        }),
      60_000
    )

    it.scoped(
      "pause, resume and cancel take effect within a second",
      () =>
        Effect.gen(function* () {
          const sim = yield* SmscSimulator.scoped({ accounts: { cp4: { receiptDelayMs: 10 } } })
          const accountId = yield* seedSimCatalog(sim.port, [
            {
              operatorId: "op-cp4",
              routeId: "route-cp4",
              prefixes: ["38066"],
              binds: [{ id: "cp-4", systemId: "cp4" }]
            }
          ])
          const recipients = numbers("38066", 600)
          const group = yield* groupWith(
            accountId,
            "P",
            recipients.map((msisdn) => ({ msisdn }))
          )
          // 100 a second: the campaign takes six seconds, long enough to stop it on the way.
          const id = yield* insertCampaign({ accountId, groupIds: [group], body: "Paced", rateCap: 100 })
          const createdAfterASecond = Effect.zipRight(Effect.sleep("1 second"), messageCount(id))
          yield* Effect.gen(function* () {
            yield* eventually(messageCount(id), (n) => n >= 100)
            yield* setCampaignStatus(id, "paused")
            const atPause = yield* createdAfterASecond
            expect(yield* createdAfterASecond).toBe(atPause)
            expect(atPause).toBeLessThan(600)
            expect(acceptedByDestination(sim, ["cp4"]).size).toBeLessThanOrEqual(atPause)

            yield* setCampaignStatus(id, "running")
            yield* eventually(messageCount(id), (n) => n > atPause, 1_000)

            yield* setCampaignStatus(id, "cancelled")
            const atCancel = yield* createdAfterASecond
            expect(yield* createdAfterASecond).toBe(atCancel)
            expect(atCancel).toBeLessThan(600)
            expect((yield* campaignOf(id)).status).toBe("cancelled")
          }).pipe(Effect.provide(campaignActors()), Effect.ensuring(disableBinds(["cp-4"])))
        }),
      60_000
    )

    it.scoped("a scheduled campaign starts by itself when its start time comes", () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({ accounts: { cp6: { receiptDelayMs: 10 } } })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-cp6",
            routeId: "route-cp6",
            prefixes: ["38073"],
            binds: [{ id: "cp-6", systemId: "cp6" }]
          }
        ])
        const group = yield* groupWith(
          accountId,
          "S",
          numbers("38073", 20).map((msisdn) => ({ msisdn }))
        )
        const startAt = new Date(Date.now() + 1_500)
        const id = yield* insertCampaign({
          accountId,
          groupIds: [group],
          body: "Later",
          status: "scheduled",
          startAt
        })
        yield* Effect.gen(function* () {
          const running = yield* eventually(campaignOf(id), (c) => c.status !== "scheduled")
          expect(running.startedAt!.getTime()).toBeGreaterThanOrEqual(startAt.getTime())
          const done = yield* completed(id)
          expect(done.progress.messages).toBe(20)
          const rows = yield* campaignMessages(id)
          expect(rows.length).toBe(20)
        }).pipe(Effect.provide(campaignActors()), Effect.ensuring(disableBinds(["cp-6"])))
      })
    )

    it.scoped("an account suspended mid-campaign pauses it, with the reason, at the next page", () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({ accounts: { cp7: { receiptDelayMs: 10 } } })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-cp7",
            routeId: "route-cp7",
            prefixes: ["38097"],
            binds: [{ id: "cp-7", systemId: "cp7" }]
          }
        ])
        const group = yield* groupWith(
          accountId,
          "U",
          numbers("38097", 400).map((msisdn) => ({ msisdn }))
        )
        const id = yield* insertCampaign({
          accountId,
          groupIds: [group],
          body: "Until suspended",
          rateCap: 100
        })
        yield* Effect.gen(function* () {
          yield* eventually(messageCount(id), (n) => n >= 50)
          yield* (yield* AccountsRepo).setMode(accountId, "suspended").pipe(Effect.orDie)
          const paused = yield* eventually(campaignOf(id), (c) => c.status === "paused", 2_000)
          expect(paused.statusReason).toBe("the account is suspended")
          const atPause = yield* messageCount(id)
          yield* Effect.sleep("500 millis")
          expect(yield* messageCount(id)).toBe(atPause)
          expect(atPause).toBeLessThan(400)
        }).pipe(Effect.provide(campaignActors()), Effect.ensuring(disableBinds(["cp-7"])))
      })
    )

    it.scoped(
      "two engines' schedulers on the same campaign: every recipient once, every counter exact",
      () =>
        Effect.gen(function* () {
          const sim = yield* SmscSimulator.scoped({ accounts: { cp8: { receiptDelayMs: 10 } } })
          const accountId = yield* seedSimCatalog(sim.port, [
            {
              operatorId: "op-cp8",
              routeId: "route-cp8",
              prefixes: ["38093"],
              binds: [{ id: "cp-8", systemId: "cp8" }]
            }
          ])
          const recipients = numbers("38093", 600)
          const group = yield* groupWith(
            accountId,
            "T",
            recipients.map((msisdn) => ({ msisdn }))
          )
          const id = yield* insertCampaign({ accountId, groupIds: [group], body: "Twice the schedulers" })
          // A second supervisor, as a second engine process would run: both pick the campaign up.
          const secondEngine = Layer.fresh(CampaignSupervisor.layer).pipe(
            Layer.provide(SendService.Default),
            Layer.provide(CampaignTuning.layer({ pageSize: 50, pollIntervalMs: 100 }))
          )
          yield* Effect.gen(function* () {
            const done = yield* completed(id)
            expect(done.progress).toMatchObject({
              processed: 600,
              messages: 600,
              skipped: 0,
              duplicates: 0,
              chargedMinor: 600 * PRICE
            })
            const rows = yield* allDelivered(id, 600)
            expect(new Set(rows.map((r) => r.recipient)).size).toBe(600)
            const accepted = acceptedByDestination(sim, ["cp8"])
            for (const n of recipients) expect(accepted.get(destinationOf(n))).toBe(1)
          }).pipe(
            Effect.provide(Layer.provideMerge(secondEngine, campaignActors())),
            Effect.ensuring(disableBinds(["cp-8"]))
          )
        }),
      60_000
    )

    it.scoped("sends nothing outside its send window", () =>
      Effect.gen(function* () {
        const sim = yield* SmscSimulator.scoped({ accounts: { cp5: { receiptDelayMs: 10 } } })
        const accountId = yield* seedSimCatalog(sim.port, [
          {
            operatorId: "op-cp5",
            routeId: "route-cp5",
            prefixes: ["38068"],
            binds: [{ id: "cp-5", systemId: "cp5" }]
          }
        ])
        const group = yield* groupWith(
          accountId,
          "W",
          numbers("38068", 10).map((msisdn) => ({ msisdn }))
        )
        // A one-hour window starting two hours from now in the account's zone (Europe/Kyiv).
        const hourNow = Number(
          new Intl.DateTimeFormat("en-GB", {
            timeZone: "Europe/Kyiv",
            hour: "2-digit",
            hourCycle: "h23"
          }).format(new Date())
        )
        const hh = (h: number) => `${String(h % 24).padStart(2, "0")}:00`
        const id = yield* insertCampaign({
          accountId,
          groupIds: [group],
          body: "Not now",
          window: { start: hh(hourNow + 2), end: hh(hourNow + 3) }
        })
        yield* Effect.gen(function* () {
          yield* Effect.sleep("1500 millis")
          expect(yield* messageCount(id)).toBe(0)
          expect((yield* campaignOf(id)).status).toBe("running")
          expect(sim.counts().bySystemId.cp5?.submits ?? 0).toBe(0)
        }).pipe(Effect.provide(campaignActors()), Effect.ensuring(disableBinds(["cp-5"])))
      })
    )
  }
)

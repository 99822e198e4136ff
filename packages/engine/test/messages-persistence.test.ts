import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { type AccountId, type E164, type MessageId, type OperatorId, type RouteId, uuid7 } from "@volley/core"
import { Effect, Layer } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { MessagesRepo, type NewMessage } from "../src/message/MessagesRepo.js"
import { TestDatabase } from "./support/TestDatabase.js"

const Repos = Layer.mergeAll(AccountsRepo.Default, MessagesRepo.Default).pipe(
  Layer.provideMerge(TestDatabase)
)

const withRoute = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`INSERT INTO operators (id, name, default_validity_seconds) VALUES ('kyivstar', 'Kyivstar', 259200)
    ON CONFLICT DO NOTHING`
  yield* sql`INSERT INTO routes (id, name, operator_id, prefixes, price_per_part_minor)
    VALUES ('ua-kyivstar', 'Kyivstar', 'kyivstar', '{38067}', 85) ON CONFLICT DO NOTHING`
})

const message = (accountId: AccountId, n: number, overrides: Partial<NewMessage> = {}): NewMessage => ({
  id: uuid7() as MessageId,
  accountId,
  campaignId: null,
  recipient: `+38067${String(10_000_000 + n).slice(1)}` as E164,
  sender: "Volley",
  body: `Your code is ${n}`,
  encoding: "GSM7",
  parts: 1,
  routeId: "ua-kyivstar" as RouteId,
  operatorId: "kyivstar" as OperatorId,
  pricePerPartMinor: 85,
  chargeMinor: 85,
  validitySeconds: 259_200,
  scheduledAt: null,
  ...overrides
})

layer(Repos)("messages persisted QUEUED", (it) => {
  it.effect("a batch of 2,000 is stored in one call, each readable with its QUEUED history", () =>
    Effect.gen(function* () {
      yield* withRoute
      const { id: accountId } = yield* (yield* AccountsRepo).create({ name: "Bulk" })
      const messages = yield* MessagesRepo
      const batch = Array.from({ length: 2_000 }, (_, n) => message(accountId, n))
      const inserted = yield* messages.insertQueued(batch)
      expect(inserted.length).toBe(2_000)
      const stored = yield* messages.get(accountId, batch[1_234]!.id)
      expect(stored).toMatchObject({
        recipient: "+380670001234",
        body: "Your code is 1234",
        status: "QUEUED",
        chargeMinor: 85,
        smscMessageId: null,
        campaignId: null
      })
      expect(stored.history.map((h) => [h.status, h.source])).toEqual([["QUEUED", "api"]])
      expect(stored.history[0]?.at).toBeInstanceOf(Date)
    })
  )

  it.effect("another account's message is not found rather than shown", () =>
    Effect.gen(function* () {
      yield* withRoute
      const accounts = yield* AccountsRepo
      const owner = yield* accounts.create({ name: "Owner" })
      const stranger = yield* accounts.create({ name: "Stranger" })
      const messages = yield* MessagesRepo
      const [id] = yield* messages.insertQueued([message(owner.id, 1)])
      const error = yield* messages.get(stranger.id, id!).pipe(Effect.flip)
      expect(error._tag).toBe("MessageNotFound")
    })
  )

  it.effect(
    "a campaign recipient inserted twice yields one message: a resumed page creates no duplicate",
    () =>
      Effect.gen(function* () {
        yield* withRoute
        const sql = yield* SqlClient.SqlClient
        const { id: accountId } = yield* (yield* AccountsRepo).create({ name: "Campaigner" })
        const campaignId = uuid7()
        yield* sql`INSERT INTO campaigns (id, account_id, name, sender, body, group_ids)
        VALUES (${campaignId}, ${accountId}, 'Promo', 'Volley', 'Hi {name}', '{}')`
        const messages = yield* MessagesRepo
        const page = Array.from({ length: 10 }, (_, n) =>
          message(accountId, n, { campaignId: campaignId as never })
        )
        expect((yield* messages.insertQueued(page)).length).toBe(10)
        const replay = page.map((m, n) => message(accountId, n, { campaignId: m.campaignId }))
        expect(yield* messages.insertQueued(replay)).toEqual([])
        const [count] = yield* sql<{
          n: number
        }>`SELECT count(*)::int8 AS n FROM messages WHERE campaign_id = ${campaignId}`
        expect(count?.n).toBe(10)
        const stored = yield* messages.get(accountId, page[0]!.id)
        expect(stored.history[0]?.source).toBe("campaign")
      })
  )
})

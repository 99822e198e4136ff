import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { type AccountId, type E164, type MessageId, type OperatorId, type RouteId, uuid7 } from "@volley/core"
import { Effect, Layer } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { Ledger } from "../src/account/Ledger.js"
import { MessagesRepo } from "../src/message/MessagesRepo.js"
import { type CorrelatedReceipt, MessageTransitions } from "../src/message/MessageTransitions.js"
import { TestDatabase } from "./support/TestDatabase.js"

const Repos = Layer.mergeAll(
  AccountsRepo.Default,
  MessagesRepo.Default,
  MessageTransitions.Default,
  Ledger.Default
).pipe(Layer.provideMerge(TestDatabase))

/** An account with `count` messages QUEUED and charged 85 per part. */
const setup = (count: number, parts = 1) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`INSERT INTO operators (id, name, default_validity_seconds) VALUES ('kyivstar', 'Kyivstar', 259200)
      ON CONFLICT DO NOTHING`
    yield* sql`INSERT INTO routes (id, name, operator_id, prefixes, price_per_part_minor)
      VALUES ('ua-kyivstar', 'Kyivstar', 'kyivstar', '{38067}', 85) ON CONFLICT DO NOTHING`
    const account = yield* (yield* AccountsRepo).create({ name: "Sender", bonusMinor: 10_000 })
    yield* (yield* Ledger).debit(account.id, count * parts * 85, { reference: "batch" })
    const ids = yield* (yield* MessagesRepo).insertQueued(
      Array.from({ length: count }, (_, n) => ({
        id: uuid7() as MessageId,
        accountId: account.id,
        campaignId: null,
        recipient: `+38067${String(10_000_000 + n).slice(1)}` as E164,
        sender: "Volley",
        body: "x",
        encoding: "GSM7" as const,
        parts,
        routeId: "ua-kyivstar" as RouteId,
        operatorId: "kyivstar" as OperatorId,
        pricePerPartMinor: 85,
        chargeMinor: 85 * parts,
        validitySeconds: 3600,
        scheduledAt: null
      }))
    )
    return { accountId: account.id as AccountId, ids }
  })

const statusOf = (id: MessageId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ status: string; smscMessageId: string | null; refunded: boolean }>`
      SELECT status, smsc_message_id, refunded FROM messages WHERE id = ${id}`
    return row!
  })

const receipt = (messageId: MessageId, status: CorrelatedReceipt["status"], part = 1): CorrelatedReceipt => ({
  messageId,
  part,
  status,
  err: status === "DELIVRD" ? "000" : "001",
  smscMessageId: `smsc-${messageId.slice(-6)}-${part}`,
  receivedAt: Date.now()
})

layer(Repos)("message status transitions", (it) => {
  it.effect("a claim takes only QUEUED messages, so a redelivered job is not sent twice", () =>
    Effect.gen(function* () {
      const { ids } = yield* setup(3)
      const transitions = yield* MessageTransitions
      expect((yield* transitions.claim(ids, "bind-a")).size).toBe(3)
      expect((yield* transitions.claim(ids, "bind-b")).size).toBe(0)
    })
  )

  it.effect(
    "accepted submits go ENROUTE with their SMSC id and a history entry carrying the SMPP status",
    () =>
      Effect.gen(function* () {
        const { ids } = yield* setup(2)
        const transitions = yield* MessageTransitions
        yield* transitions.claim(ids, "bind-a")
        const { changes } = yield* transitions.settleSubmits(
          ids.map((id, n) => ({
            _tag: "Accepted" as const,
            messageId: id,
            bindId: "bind-a",
            operatorId: "kyivstar",
            smscIds: [`id${n}`],
            at: Date.now()
          }))
        )
        expect(changes.map((c) => c.status)).toEqual(["ENROUTE", "ENROUTE"])
        expect(yield* statusOf(ids[0]!)).toMatchObject({ status: "ENROUTE", smscMessageId: "id0" })
        const stored = yield* (yield* MessagesRepo).get(changes[0]!.accountId, ids[0]!)
        expect(stored.history.at(-1)).toMatchObject({
          status: "ENROUTE",
          source: "bind",
          smppStatus: 0,
          bindId: "bind-a"
        })
      })
  )

  it.effect("a permanent refusal ends REJECTD with its SMPP status and refunds the charge once", () =>
    Effect.gen(function* () {
      const { accountId, ids } = yield* setup(2)
      const transitions = yield* MessageTransitions
      const ledger = yield* Ledger
      const before = yield* ledger.balanceOf(accountId)
      yield* transitions.claim(ids, "bind-a")
      const settle = ids.map((id) => ({
        _tag: "Rejected" as const,
        messageId: id,
        smppStatus: 0x0b,
        reason: "ESME_RINVDSTADR"
      }))
      yield* transitions.settleSubmits(settle)
      yield* transitions.settleSubmits(settle)
      expect(yield* ledger.balanceOf(accountId)).toBe(before + 170)
      expect(yield* statusOf(ids[0]!)).toMatchObject({ status: "REJECTD", refunded: true })
      const stored = yield* (yield* MessagesRepo).get(accountId, ids[0]!)
      expect(stored.smppStatus).toBe(0x0b)
    })
  )

  it.effect("a throttled submit goes back to QUEUED and can be claimed again", () =>
    Effect.gen(function* () {
      const { ids } = yield* setup(1)
      const transitions = yield* MessageTransitions
      yield* transitions.claim(ids, "bind-a")
      const { requeued } = yield* transitions.settleSubmits([
        { _tag: "Requeued", messageId: ids[0]!, smppStatus: 0x58, reason: "ESME_RTHROTTLED" }
      ])
      expect([...requeued]).toEqual(ids)
      expect((yield* statusOf(ids[0]!)).status).toBe("QUEUED")
      expect((yield* transitions.claim(ids, "bind-b")).size).toBe(1)
    })
  )

  it.effect("an unknown outcome stays SUBMITTING (shown as ENROUTE) and is not claimable again", () =>
    Effect.gen(function* () {
      const { ids } = yield* setup(1)
      const transitions = yield* MessageTransitions
      yield* transitions.claim(ids, "bind-a")
      yield* transitions.settleSubmits([
        { _tag: "Unknown", messageId: ids[0]!, bindId: "bind-a", reason: "connection lost" }
      ])
      expect((yield* statusOf(ids[0]!)).status).toBe("SUBMITTING")
      expect((yield* transitions.claim(ids, "bind-a")).size).toBe(0)
    })
  )

  it.effect("a receipt settles the message; a duplicate is recorded, never applied twice", () =>
    Effect.gen(function* () {
      const { ids } = yield* setup(1)
      const sql = yield* SqlClient.SqlClient
      const transitions = yield* MessageTransitions
      const id = ids[0]!
      yield* transitions.claim(ids, "bind-a")
      yield* transitions.settleSubmits([
        {
          _tag: "Accepted",
          messageId: id,
          bindId: "bind-a",
          operatorId: "kyivstar",
          smscIds: ["77"],
          at: Date.now()
        }
      ])
      const first = yield* transitions.applyReceipts([receipt(id, "DELIVRD")], () => "kyivstar")
      expect(first.map((c) => c.status)).toEqual(["DELIVRD"])
      const again = yield* transitions.applyReceipts([receipt(id, "UNDELIV")], () => "kyivstar")
      expect(again).toEqual([])
      expect((yield* statusOf(id)).status).toBe("DELIVRD")
      const [stray] = yield* sql<{ reason: string; stat: string }>`
        SELECT reason, stat FROM unmatched_receipts WHERE raw = ${`message ${id}`}`
      expect(stray).toEqual({ reason: "already_final", stat: "UNDELIV" })
    })
  )

  it.effect(
    "when the rest of a receipt batch fails, the single-part changes that committed are handed back",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const { ids } = yield* setup(2)
        const transitions = yield* MessageTransitions
        const [fresh, done] = ids as [MessageId, MessageId]
        yield* transitions.claim(ids, "bind-a")
        yield* transitions.settleSubmits(
          ids.map((messageId, i) => ({
            _tag: "Accepted" as const,
            messageId,
            bindId: "bind-a",
            operatorId: "kyivstar",
            smscIds: [`9${i}`],
            at: Date.now()
          }))
        )
        yield* transitions.applyReceipts([receipt(done, "DELIVRD")], () => "kyivstar")
        // `done` is final: its second receipt goes to the second step, whose write then fails
        yield* sql`ALTER TABLE unmatched_receipts RENAME TO unmatched_receipts_away`
        const outcome = yield* transitions
          .applyReceipts([receipt(fresh, "DELIVRD"), receipt(done, "UNDELIV")], () => "kyivstar")
          .pipe(
            Effect.flip,
            Effect.ensuring(
              sql`ALTER TABLE unmatched_receipts_away RENAME TO unmatched_receipts`.pipe(Effect.orDie)
            )
          )
        expect(outcome._tag).toBe("ReceiptsPartlyApplied")
        expect(outcome.changes.map((c) => [c.messageId, c.status])).toEqual([[fresh, "DELIVRD"]])
        expect((yield* statusOf(fresh)).status).toBe("DELIVRD")
      })
  )

  it.effect("a receipt before its submit_sm_resp settles the message and the late resp keeps it final", () =>
    Effect.gen(function* () {
      const { ids } = yield* setup(1)
      const transitions = yield* MessageTransitions
      const id = ids[0]!
      yield* transitions.claim(ids, "bind-a")
      yield* transitions.applyReceipts([receipt(id, "DELIVRD")], () => "kyivstar")
      const { changes } = yield* transitions.settleSubmits([
        {
          _tag: "Accepted",
          messageId: id,
          bindId: "bind-a",
          operatorId: "kyivstar",
          smscIds: ["78"],
          at: Date.now()
        }
      ])
      expect(changes).toEqual([])
      expect(yield* statusOf(id)).toMatchObject({ status: "DELIVRD", smscMessageId: "78" })
    })
  )

  it.effect("a concatenated message is final only when every part is, with the worst part's status", () =>
    Effect.gen(function* () {
      const { ids } = yield* setup(2, 3)
      const transitions = yield* MessageTransitions
      const [good, bad] = [ids[0]!, ids[1]!]
      yield* transitions.claim(ids, "bind-a")
      yield* transitions.settleSubmits(
        ids.map((id) => ({
          _tag: "Accepted" as const,
          messageId: id,
          bindId: "bind-a",
          operatorId: "kyivstar",
          smscIds: ["1", "2", "3"].map((p) => `${id.slice(-4)}-${p}`),
          at: Date.now()
        }))
      )
      const partial = yield* transitions.applyReceipts(
        [receipt(good, "DELIVRD", 1), receipt(good, "DELIVRD", 2), receipt(bad, "DELIVRD", 1)],
        () => "kyivstar"
      )
      expect(partial).toEqual([])
      expect((yield* statusOf(good)).status).toBe("ENROUTE")
      const rest = yield* transitions.applyReceipts(
        [receipt(good, "DELIVRD", 3), receipt(bad, "UNDELIV", 2), receipt(bad, "DELIVRD", 3)],
        () => "kyivstar"
      )
      expect(new Map(rest.map((c) => [c.messageId, c.status]))).toEqual(
        new Map([
          [good, "DELIVRD"],
          [bad, "UNDELIV"]
        ])
      )
    })
  )
})

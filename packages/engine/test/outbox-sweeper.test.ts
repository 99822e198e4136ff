import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { decodeSubmitJob, encodeSubmitJob, type MessageId, SubmitJob } from "@volley/core"
import { Effect, Either, Layer } from "effect"
import { Bus } from "../src/bus/Bus.js"
import { MessageTransitions } from "../src/message/MessageTransitions.js"
import { OutboxSweeper } from "../src/recovery/OutboxSweeper.js"
import {
  addOperator,
  addRoute,
  eventually,
  messageRow,
  newAccount,
  queueMessage,
  recoveryInfrastructure
} from "./support/ReceiptFixtures.js"

const Env = OutboxSweeper.layer({ interval: "100 millis", publishTimeout: "30 seconds" }).pipe(
  Layer.provideMerge(recoveryInfrastructure)
)

/** The commit happened, the publish did not (the process died in between), ten minutes ago. */
const lostPublish = (id: MessageId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    // RETURNING, not a second read: a sweep may take the row right after this commit.
    const [row] = yield* sql<{ publishedAt: string }>`
      UPDATE messages SET published_at = now() - interval '10 minutes' WHERE id = ${id} RETURNING published_at`
    return row!.publishedAt
  }).pipe(Effect.orDie)

const publishedAt = (id: MessageId) => Effect.map(messageRow(id), (r) => r.publishedAt)

/** Whatever the route's queue holds now (the pull answers at once, or after `waitMs` when empty). */
const pullAll = (routeId: string, waitMs = 0) =>
  Effect.gen(function* () {
    const deliveries = yield* (yield* Bus).pullSubmits(routeId, 100, waitMs)
    return deliveries.map((delivery) => ({
      delivery,
      job: Either.getOrThrow(decodeSubmitJob(delivery.data))
    }))
  }).pipe(Effect.orDie)

layer(Env, { excludeTestServices: true })("outbox sweeper", (it) => {
  it.effect("a message committed but never published is published again, and sent exactly once", () =>
    Effect.gen(function* () {
      const account = yield* newAccount
      const route = yield* addOperator("string")
      const id = yield* queueMessage(account, route)
      const before = yield* lostPublish(id)

      yield* eventually(publishedAt(id), (at) => at !== before)
      const [first, ...more] = yield* pullAll(route.routeId, 2_000)
      expect(more).toEqual([])
      expect(first!.delivery.msgId).toMatch(new RegExp(`^${id}:s\\d+$`))
      expect(first!.job).toMatchObject({ messageId: id, routeId: route.routeId, attempt: 0, maxParts: 4 })

      // The original publish shows up after all (it was only slow): the claim lets one of the two through.
      yield* (yield* Bus).publishSubmits(route.routeId, [
        { msgId: id, data: encodeSubmitJob(new SubmitJob({ ...first!.job, attempt: 0 })) }
      ])
      const [late] = yield* pullAll(route.routeId, 2_000)
      const transitions = yield* MessageTransitions
      const claimed = yield* transitions.claim([first!.job.messageId, late!.job.messageId], "bind-t")
      expect([...claimed.keys()]).toEqual([id])
      expect(yield* transitions.claim([id], "bind-u")).toEqual(new Map())
      yield* first!.delivery.ack
      yield* late!.delivery.ack

      // SUBMITTING now: later sweeps leave it alone.
      expect(yield* pullAll(route.routeId, 500)).toEqual([])
      expect((yield* messageRow(id)).status).toBe("SUBMITTING")
    })
  )

  it.effect("a scheduled message is published only once it is due", () =>
    Effect.gen(function* () {
      const account = yield* newAccount
      const route = yield* addOperator("string")
      const id = yield* queueMessage(account, route, { scheduledAt: new Date(Date.now() + 1_500) })

      expect(yield* publishedAt(id)).toBeNull()
      expect(yield* pullAll(route.routeId)).toEqual([])

      yield* eventually(publishedAt(id), (at) => at !== null)
      const sql = yield* SqlClient.SqlClient
      const [order] = yield* sql<{ onTime: boolean }>`
        SELECT published_at >= scheduled_at AS on_time FROM messages WHERE id = ${id}`
      expect(order!.onTime).toBe(true)
      const jobs = yield* pullAll(route.routeId, 2_000)
      expect(jobs.map((j) => j.job.messageId)).toEqual([id])
      yield* Effect.forEach(jobs, (j) => j.delivery.ack)
    })
  )

  it.effect("a message published a moment ago is not published again", () =>
    Effect.gen(function* () {
      const account = yield* newAccount
      const route = yield* addOperator("string")
      const fresh = yield* queueMessage(account, route)
      const freshAt = yield* publishedAt(fresh)
      // A stale one in the same route shows when a sweep has been through.
      const stale = yield* queueMessage(account, route)
      const staleAt = yield* lostPublish(stale)

      yield* eventually(publishedAt(stale), (at) => at !== staleAt)
      expect(yield* publishedAt(fresh)).toBe(freshAt)
      const jobs = yield* pullAll(route.routeId, 2_000)
      expect(jobs.map((j) => j.job.messageId)).toEqual([stale])
      yield* Effect.forEach(jobs, (j) => j.delivery.ack)
    })
  )

  it.effect("a route still draining a backlog is not published into again until its queue is empty", () =>
    Effect.gen(function* () {
      const account = yield* newAccount
      const route = yield* addOperator("string")
      const quiet = { ...route, routeId: yield* addRoute(route.operatorId) }
      // Something still waits in the route's queue (a bind is slow or down).
      const waiting = yield* queueMessage(account, route)
      yield* (yield* Bus).publishSubmits(route.routeId, [
        {
          msgId: waiting,
          data: encodeSubmitJob(
            new SubmitJob({
              messageId: waiting,
              accountId: account,
              routeId: route.routeId,
              attempt: 0,
              recipient: "+380670000000",
              sender: "Volley",
              body: "hello",
              validitySeconds: 3_600,
              maxParts: 4,
              acceptedAt: Date.now()
            } as SubmitJob)
          )
        }
      ])
      const backlogged = yield* queueMessage(account, route)
      const backloggedAt = yield* lostPublish(backlogged)
      const witness = yield* queueMessage(account, quiet)
      const witnessAt = yield* lostPublish(witness)

      yield* eventually(publishedAt(witness), (at) => at !== witnessAt)
      expect(yield* publishedAt(backlogged)).toBe(backloggedAt)

      const drained = yield* pullAll(route.routeId, 2_000)
      expect(drained.map((j) => j.job.messageId)).toEqual([waiting])
      yield* Effect.forEach(drained, (j) => j.delivery.ack)
      yield* eventually(publishedAt(backlogged), (at) => at !== backloggedAt)
      const jobs = yield* pullAll(route.routeId, 2_000)
      expect(jobs.map((j) => j.job.messageId)).toEqual([backlogged])
      yield* Effect.forEach([...jobs, ...(yield* pullAll(quiet.routeId, 2_000))], (j) => j.delivery.ack)
    })
  )
})

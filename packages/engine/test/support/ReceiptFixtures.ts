import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql"
import {
  type AccountId,
  type BindId,
  type E164,
  encodeReceiptEvent,
  type MessageId,
  type OperatorId,
  ReceiptEvent,
  type ReceiptStatus,
  type RouteId,
  uuid7
} from "@volley/core"
import { canonicalMessageId, type IdFormat } from "@volley/core/receipt/MessageId"
import { Effect, Either, Layer, Stream } from "effect"
import { AccountsRepo } from "../../src/account/AccountsRepo.js"
import { Ledger } from "../../src/account/Ledger.js"
import { Bus } from "../../src/bus/Bus.js"
import { BusInProcess } from "../../src/bus/BusInProcess.js"
import { decodeStatusEvents } from "../../src/bus/statusEvents.js"
import { RoutingCatalog } from "../../src/catalog/RoutingCatalog.js"
import * as MemoryHotMaps from "../../src/hotmap/MemoryHotMaps.js"
import { MessagesRepo } from "../../src/message/MessagesRepo.js"
import { MessageTransitions } from "../../src/message/MessageTransitions.js"
import { TestDatabase } from "./TestDatabase.js"

/**
 * What the DLR correlator and the sweepers run on in tests: the real PostgreSQL (a schema per suite),
 * the in-process bus and the in-memory hot maps, plus the repositories used to set up messages.
 */
export const recoveryInfrastructure = Layer.mergeAll(
  AccountsRepo.Default,
  Ledger.Default,
  MessagesRepo.Default,
  MessageTransitions.Default,
  RoutingCatalog.Default
).pipe(
  Layer.provideMerge(
    Layer.mergeAll(
      BusInProcess.layerWith({ prefix: `t${randomBytes(4).toString("hex")}`, ackWaitMs: 5_000 }),
      MemoryHotMaps.layer({ maxEntries: 100_000 })
    )
  ),
  Layer.provideMerge(TestDatabase)
)

let counter = 0
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`

export { eventually } from "./eventually.js"

/** A new operator with one route of its own; the routing catalog is reloaded so workers see it. */
export const addOperator = (format: IdFormat, defaultValiditySeconds = 86_400) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const id = `op-${unique()}` as OperatorId
    const routeId = `${id}-r` as RouteId
    const prefix = `99${String(counter).padStart(6, "0")}`
    yield* sql`INSERT INTO operators (id, name, default_validity_seconds, message_id_format)
      VALUES (${id}, ${id}, ${defaultValiditySeconds}, ${format})`
    yield* sql`INSERT INTO routes (id, name, operator_id, prefixes, price_per_part_minor)
      VALUES (${routeId}, ${routeId}, ${id}, ${[prefix]}, 10)`
    yield* (yield* RoutingCatalog).reload
    return { operatorId: id, routeId, format }
  }).pipe(Effect.orDie)

/** Another route of an existing operator (its own bus queue). */
export const addRoute = (operatorId: OperatorId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const routeId = `r-${unique()}` as RouteId
    yield* sql`INSERT INTO routes (id, name, operator_id, prefixes, price_per_part_minor)
      VALUES (${routeId}, ${routeId}, ${operatorId}, ${[`98${String(counter).padStart(6, "0")}`]}, 10)`
    yield* (yield* RoutingCatalog).reload
    return routeId
  }).pipe(Effect.orDie)

export const newAccount = Effect.gen(function* () {
  const account = yield* (yield* AccountsRepo).create({ name: "Sender", mode: "active" })
  return account.id as AccountId
})

export interface QueueOptions {
  readonly parts?: number | undefined
  readonly validitySeconds?: number | undefined
  readonly scheduledAt?: Date | null | undefined
}

/** One message persisted QUEUED as the send path does (stamped published unless scheduled). */
export const queueMessage = (
  accountId: AccountId,
  route: { readonly operatorId: OperatorId; readonly routeId: RouteId },
  options: QueueOptions = {}
) =>
  Effect.gen(function* () {
    const [id] = yield* (yield* MessagesRepo).insertQueued([
      {
        id: uuid7() as MessageId,
        accountId,
        campaignId: null,
        recipient: `+38067${String(Math.floor(Math.random() * 10_000_000)).padStart(7, "0")}` as E164,
        sender: "Volley",
        body: "hello",
        encoding: "GSM7",
        parts: options.parts ?? 1,
        routeId: route.routeId,
        operatorId: route.operatorId,
        pricePerPartMinor: 10,
        chargeMinor: 10 * (options.parts ?? 1),
        validitySeconds: options.validitySeconds ?? 3_600,
        scheduledAt: options.scheduledAt ?? null
      }
    ])
    return id!
  })

/** The id a bind stores for a submit_sm_resp id (BindActor: the operator's format, else trimmed). */
export const storedSmscId = (raw: string, format: IdFormat) =>
  Either.getOrElse(canonicalMessageId(raw, format), () => raw.trim())

/** Claimed and accepted by a bind: ENROUTE with one SMSC id per part (as written in the resp). */
export const submitAccepted = (
  messageId: MessageId,
  route: { readonly operatorId: OperatorId; readonly format: IdFormat },
  respIds: ReadonlyArray<string>
) =>
  Effect.gen(function* () {
    const transitions = yield* MessageTransitions
    yield* transitions.claim([messageId], "bind-t")
    yield* transitions.settleSubmits([
      {
        _tag: "Accepted",
        messageId,
        bindId: "bind-t",
        operatorId: route.operatorId,
        smscIds: respIds.map((raw) => storedSmscId(raw, route.format)),
        at: Date.now()
      }
    ])
  })

export interface MessageRow {
  readonly status: string
  readonly smscMessageId: string | null
  readonly publishedAt: string | null
  readonly attempts: number
  readonly history: ReadonlyArray<{ readonly status: string; readonly source: string }>
}

export const messageRow = (id: MessageId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<MessageRow>`
      SELECT status, smsc_message_id, published_at, attempts, history FROM messages WHERE id = ${id}`
    return row!
  }).pipe(Effect.orDie)

export const statusOf = (id: MessageId) => Effect.map(messageRow(id), (r) => r.status)

export interface ReceiptFields {
  readonly operatorId: OperatorId
  readonly smscMessageId: string
  readonly status: ReceiptStatus
  /** Text receipts carry `err` and a done date; TLV-only ones may carry neither. */
  readonly text?: boolean | undefined
}

/** A receipt as a bind's intake publishes it (`msgSuffix` gets a copy past JetStream's de-duplication). */
export const publishReceipt = (fields: ReceiptFields, msgSuffix = "") =>
  Effect.gen(function* () {
    const bus = yield* Bus
    const text = fields.text ?? true
    const event = new ReceiptEvent({
      bindId: "bind-t" as BindId,
      operatorId: fields.operatorId,
      smscMessageId: fields.smscMessageId,
      status: fields.status,
      stat: fields.status,
      err: text ? (fields.status === "DELIVRD" ? "000" : "001") : undefined,
      doneAt: text ? Date.now() - 1_000 : undefined,
      receivedAt: Date.now(),
      raw: text ? `id:${fields.smscMessageId} sub:001 dlvrd:001 stat:${fields.status} err:000 text:hello` : ""
    })
    yield* bus.publishReceipts("bind-t", [
      {
        msgId: `${fields.operatorId}:${fields.smscMessageId}:${fields.status}${msgSuffix}`,
        data: encodeReceiptEvent(event)
      }
    ])
  }).pipe(Effect.orDie)

export interface UnmatchedRow {
  readonly smscMessageId: string
  readonly stat: string
  readonly reason: string
  readonly raw: string
}

export const unmatchedReceipts = (operatorId: OperatorId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<UnmatchedRow>`
      SELECT smsc_message_id, stat, reason, raw FROM unmatched_receipts WHERE operator_id = ${operatorId} ORDER BY id`
  }).pipe(Effect.orDie)

/**
 * The status events published so far for one message, read by a fresh subscriber from the start of the
 * stream (retained history); `windowMs` bounds how long it listens.
 */
export const statusEventsOf = (messageId: MessageId, windowMs = 300) =>
  Effect.gen(function* () {
    const bus = yield* Bus
    const deliveries = yield* bus
      .consumeStatus(`probe-${unique()}`, { batch: 500, maxInFlight: 5_000, from: "all", expiresMs: 100 })
      .pipe(Stream.interruptAfter(`${windowMs} millis`), Stream.runCollect)
    const events: Array<{ messageId: string; status: string }> = []
    for (const d of deliveries) {
      yield* d.ack
      for (const event of decodeStatusEvents(d.data)) if (event.messageId === messageId) events.push(event)
    }
    return events.map((e) => e.status)
  }).pipe(Effect.orDie)

import { SqlClient, SqlSchema } from "@effect/sql"
import {
  type AccountId,
  type CampaignId,
  type DeliveryStatus,
  type E164,
  type Encoding,
  Message,
  type MessageId,
  MessageNotFound,
  type OperatorId,
  type RouteId
} from "@volley/core"
import { Effect, Schema } from "effect"

/** A message accepted, priced and charged, about to be persisted QUEUED and published. */
export interface NewMessage {
  readonly id: MessageId
  readonly accountId: AccountId
  readonly campaignId: CampaignId | null
  readonly recipient: E164
  readonly sender: string
  readonly body: string
  readonly encoding: Encoding
  readonly parts: number
  readonly routeId: RouteId
  readonly operatorId: OperatorId
  readonly pricePerPartMinor: number
  readonly chargeMinor: number
  readonly validitySeconds: number
  readonly scheduledAt: Date | null
}

const columns = `id, account_id, campaign_id, recipient, sender, body, encoding, parts, route_id, operator_id,
  bind_id, status, status_reason, smpp_status, smsc_message_id, price_per_part_minor, charge_minor, refunded,
  attempts, validity_seconds, scheduled_at, history, created_at, submitted_at, done_at`

const Inserted = Schema.Struct({ id: Schema.String })

/** What a sender may narrow their message list by; every field optional. */
export interface MessageFilter {
  /** Created at or after. */
  readonly since?: Date | undefined
  /** Created before. */
  readonly until?: Date | undefined
  /** Stored statuses (a public ENROUTE covers SUBMITTING too). */
  readonly statuses?: ReadonlyArray<DeliveryStatus> | undefined
  readonly recipient?: E164 | undefined
  readonly campaignId?: CampaignId | undefined
}

export interface MessagesPage {
  /** The last message of the previous page. */
  readonly after?: MessageId | undefined
  readonly limit: number
}

export class MessagesRepo extends Effect.Service<MessagesRepo>()("volley/MessagesRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    /**
     * Persists a whole batch QUEUED in one statement (column arrays through `unnest`): one round trip
     * per batch, not per message. A campaign's (campaign, recipient) pair that already exists is
     * skipped, so a resumed scheduler cannot create a second message; the ids actually inserted are
     * returned so the caller publishes (and charges) exactly those. An immediate message is stamped
     * published now (the caller publishes right after the commit; the outbox sweeper re-publishes it if
     * the process died in between); a scheduled one waits unpublished for the sweeper to release it.
     */
    const insertQueued = Effect.fn("MessagesRepo.insertQueued")(function* (batch: ReadonlyArray<NewMessage>) {
      if (batch.length === 0) return [] as ReadonlyArray<MessageId>
      const now = new Date().toISOString()
      const col = <K extends keyof NewMessage>(key: K) => batch.map((m) => m[key])
      const rows = yield* sql`
        INSERT INTO messages (id, account_id, campaign_id, recipient, sender, body, encoding, parts, route_id,
          operator_id, status, price_per_part_minor, charge_minor, validity_seconds, scheduled_at, published_at,
          history, created_at, updated_at)
        SELECT u.id, u.account_id, u.campaign_id, u.recipient, u.sender, u.body, u.encoding, u.parts, u.route_id,
          u.operator_id, 'QUEUED', u.price, u.charge, u.validity, u.scheduled_at,
          CASE WHEN u.scheduled_at IS NULL THEN ${now}::timestamptz END,
          jsonb_build_array(jsonb_build_object('at', ${now}::text, 'status', 'QUEUED',
            'source', CASE WHEN u.campaign_id IS NULL THEN 'api' ELSE 'campaign' END)),
          ${now}::timestamptz, ${now}::timestamptz
        FROM unnest(${col("id")}::uuid[], ${col("accountId")}::uuid[], ${col("campaignId")}::uuid[],
          ${col("recipient")}::text[], ${col("sender")}::text[], ${col("body")}::text[], ${col("encoding")}::text[],
          ${col("parts")}::int2[], ${col("routeId")}::text[], ${col("operatorId")}::text[],
          ${col("pricePerPartMinor")}::int8[], ${col("chargeMinor")}::int8[], ${col("validitySeconds")}::int4[],
          ${batch.map((m) => m.scheduledAt?.toISOString() ?? null)}::timestamptz[])
          AS u(id, account_id, campaign_id, recipient, sender, body, encoding, parts, route_id, operator_id,
               price, charge, validity, scheduled_at)
        ON CONFLICT (campaign_id, recipient) WHERE campaign_id IS NOT NULL DO NOTHING
        RETURNING id`.pipe(Effect.flatMap(Schema.decodeUnknown(Schema.Array(Inserted))), Effect.orDie)
      return rows.map((r) => r.id as MessageId)
    })

    const findOne = SqlSchema.findOne({
      Request: Schema.Struct({ accountId: Schema.String, id: Schema.String }),
      Result: Message,
      execute: ({ accountId, id }) =>
        sql`SELECT ${sql.literal(columns)} FROM messages WHERE id = ${id} AND account_id = ${accountId}`
    })

    /** One account's message; another account's id is "not found", never a leak. */
    const get = Effect.fn("MessagesRepo.get")(function* (accountId: AccountId, id: MessageId) {
      const found = yield* findOne({ accountId, id }).pipe(Effect.orDie)
      if (found._tag === "None") return yield* new MessageNotFound({ messageId: id })
      return found.value
    })

    /**
     * One account's messages, newest first, by keyset on (created_at, id): the cursor is the last message
     * seen, looked up within the same account, so another account's id yields an empty page.
     */
    const list = Effect.fn("MessagesRepo.list")(function* (
      accountId: AccountId,
      filter: MessageFilter,
      page: MessagesPage
    ) {
      const where = [sql`account_id = ${accountId}`]
      if (filter.since !== undefined)
        where.push(sql`created_at >= ${filter.since.toISOString()}::timestamptz`)
      if (filter.until !== undefined) where.push(sql`created_at < ${filter.until.toISOString()}::timestamptz`)
      if (filter.statuses !== undefined) where.push(sql`status = ANY(${filter.statuses}::text[])`)
      if (filter.recipient !== undefined) where.push(sql`recipient = ${filter.recipient}`)
      if (filter.campaignId !== undefined) where.push(sql`campaign_id = ${filter.campaignId}`)
      if (page.after !== undefined) {
        where.push(sql`(created_at, id) < (
          SELECT c.created_at, c.id FROM messages c WHERE c.id = ${page.after} AND c.account_id = ${accountId})`)
      }
      const rows = yield* sql`
        SELECT ${sql.literal(columns)} FROM messages WHERE ${sql.and(where)}
        ORDER BY created_at DESC, id DESC LIMIT ${page.limit}`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(Message))),
        Effect.orDie
      )
      return rows
    })

    return { insertQueued, get, list } as const
  })
}) {}

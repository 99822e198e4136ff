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

/** Operators' filters: a sender's, plus the message itself and the account, any of them. */
export interface AnyMessageFilter extends MessageFilter {
  readonly id?: MessageId | undefined
  readonly accountId?: AccountId | undefined
}

/** A message with the name of its account, for operators. */
export interface MessageOfAccount {
  readonly message: Message
  readonly accountName: string
}

/** One part of a concatenated message: its own SMSC id and receipt status. */
export class MessagePart extends Schema.Class<MessagePart>("MessagePart")({
  seq: Schema.Int,
  operatorId: Schema.String,
  smscMessageId: Schema.NullOr(Schema.String),
  status: Schema.String,
  smppStatus: Schema.NullOr(Schema.Int),
  updatedAt: Schema.Date
}) {}

const AccountName = Schema.Array(Schema.Struct({ accountName: Schema.String }))

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

    /** The filter's conditions on a `messages` row, unqualified. */
    const conditions = (filter: MessageFilter) => {
      const where = []
      if (filter.since !== undefined)
        where.push(sql`created_at >= ${filter.since.toISOString()}::timestamptz`)
      if (filter.until !== undefined) where.push(sql`created_at < ${filter.until.toISOString()}::timestamptz`)
      if (filter.statuses !== undefined) where.push(sql`status = ANY(${filter.statuses}::text[])`)
      if (filter.recipient !== undefined) where.push(sql`recipient = ${filter.recipient}`)
      if (filter.campaignId !== undefined) where.push(sql`campaign_id = ${filter.campaignId}`)
      return where
    }

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
      const where = [sql`account_id = ${accountId}`, ...conditions(filter)]
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

    /** Any account's message with its account's name. For operators only. */
    const find = Effect.fn("MessagesRepo.find")(function* (id: MessageId) {
      const rows = yield* sql`
        SELECT ${sql.literal(columns)}, (SELECT a.name FROM accounts a WHERE a.id = messages.account_id) AS account_name
        FROM messages WHERE id = ${id}`.pipe(Effect.orDie)
      if (rows.length === 0) return yield* new MessageNotFound({ messageId: id })
      const [message] = yield* Schema.decodeUnknown(Schema.Array(Message))(rows).pipe(Effect.orDie)
      const [named] = yield* Schema.decodeUnknown(AccountName)(rows).pipe(Effect.orDie)
      return { message: message!, accountName: named!.accountName } satisfies MessageOfAccount
    })

    /** A message's parts (none for a single-part message), in order. */
    const parts = Effect.fn("MessagesRepo.parts")(function* (id: MessageId) {
      return yield* sql`
        SELECT seq, operator_id, smsc_message_id, status, smpp_status, updated_at
        FROM message_parts WHERE message_id = ${id} ORDER BY seq`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(MessagePart))),
        Effect.orDie
      )
    })

    /**
     * Every account's messages matching the filter, newest first, with their account's name; the same
     * keyset on (created_at, id) as `list`, the cursor looked up in any account. There is no index on
     * created_at alone (every insert would pay for one), so this is a skip scan done by hand: per account,
     * the newest matching rows from its own index (messages_account_time, or messages_account_recipient
     * with a recipient), merged. An account, a message id or a campaign id narrows it to one account.
     */
    const listAll = Effect.fn("MessagesRepo.listAll")(function* (
      filter: AnyMessageFilter,
      page: MessagesPage
    ) {
      const where = [sql`account_id = a.id`, ...conditions(filter)]
      if (filter.id !== undefined) where.push(sql`id = ${filter.id}`)
      if (page.after !== undefined) {
        where.push(
          sql`(created_at, id) < (SELECT c.created_at, c.id FROM messages c WHERE c.id = ${page.after})`
        )
      }
      const accounts = [sql`TRUE`]
      if (filter.accountId !== undefined) accounts.push(sql`a.id = ${filter.accountId}`)
      if (filter.id !== undefined)
        accounts.push(sql`a.id = (SELECT x.account_id FROM messages x WHERE x.id = ${filter.id})`)
      if (filter.campaignId !== undefined)
        accounts.push(sql`a.id = (SELECT x.account_id FROM campaigns x WHERE x.id = ${filter.campaignId})`)
      const rows = yield* sql`
        SELECT m.* FROM accounts a CROSS JOIN LATERAL (
          SELECT ${sql.literal(columns)}, a.name AS account_name FROM messages WHERE ${sql.and(where)}
          ORDER BY created_at DESC, id DESC LIMIT ${page.limit}) m
        WHERE ${sql.and(accounts)}
        ORDER BY m.created_at DESC, m.id DESC LIMIT ${page.limit}`.pipe(Effect.orDie)
      const messages = yield* Schema.decodeUnknown(Schema.Array(Message))(rows).pipe(Effect.orDie)
      const names = yield* Schema.decodeUnknown(AccountName)(rows).pipe(Effect.orDie)
      return messages.map((message, i): MessageOfAccount => ({ message, accountName: names[i]!.accountName }))
    })

    return { insertQueued, get, list, find, parts, listAll } as const
  })
}) {}

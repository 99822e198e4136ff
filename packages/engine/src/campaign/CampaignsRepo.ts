import { SqlClient, SqlSchema } from "@effect/sql"
import { type AccountId, type CampaignId, CampaignNotFound } from "@volley/core"
import {
  Campaign,
  CampaignCursor,
  CampaignProgress,
  CampaignStatus,
  OnMissingField,
  SendWindow
} from "@volley/core/campaign/Campaign"
import {
  AccountId as AccountIdSchema,
  CampaignId as CampaignIdSchema,
  GroupId
} from "@volley/core/schema/ids"
import { Effect, Option, Schema } from "effect"

/** The columns of a campaign row, times of day as "HH:MM". */
export const campaignColumns = `id, account_id, name, sender, body, group_ids, status, status_reason, start_at,
  to_char(window_start, 'HH24:MI') AS window_start, to_char(window_end, 'HH24:MI') AS window_end,
  rate_cap, validity_seconds, on_missing_field, cursor, processed, messages_created, skipped, duplicates,
  charged_minor, created_at, started_at, finished_at`

const Int8 = Schema.Union(Schema.Number, Schema.NumberFromString)

/** A `campaigns` row as Postgres returns it (camelCased by the client). */
export const CampaignRow = Schema.Struct({
  id: CampaignIdSchema,
  accountId: AccountIdSchema,
  name: Schema.String,
  sender: Schema.String,
  body: Schema.String,
  groupIds: Schema.Array(GroupId),
  status: CampaignStatus,
  statusReason: Schema.NullOr(Schema.String),
  startAt: Schema.NullOr(Schema.Date),
  windowStart: Schema.NullOr(Schema.String),
  windowEnd: Schema.NullOr(Schema.String),
  rateCap: Schema.NullOr(Schema.Number),
  validitySeconds: Schema.NullOr(Schema.Number),
  onMissingField: OnMissingField,
  cursor: Schema.Unknown,
  processed: Int8,
  messagesCreated: Int8,
  skipped: Int8,
  duplicates: Int8,
  chargedMinor: Int8,
  createdAt: Schema.Date,
  startedAt: Schema.NullOr(Schema.Date),
  finishedAt: Schema.NullOr(Schema.Date)
})
export type CampaignRow = typeof CampaignRow.Type

const decodeCursor = Schema.decodeUnknownSync(CampaignCursor)

export const campaignFromRow = (row: CampaignRow): Campaign =>
  new Campaign(
    {
      id: row.id,
      accountId: row.accountId,
      name: row.name,
      sender: row.sender,
      body: row.body,
      groupIds: row.groupIds,
      status: row.status,
      statusReason: row.statusReason,
      startAt: row.startAt,
      sendWindow:
        row.windowStart !== null && row.windowEnd !== null
          ? new SendWindow({ start: row.windowStart, end: row.windowEnd })
          : null,
      rateCap: row.rateCap,
      validitySeconds: row.validitySeconds,
      onMissingField: row.onMissingField,
      cursor: decodeCursor(row.cursor),
      progress: new CampaignProgress({
        processed: row.processed,
        messages: row.messagesCreated,
        skipped: row.skipped,
        duplicates: row.duplicates,
        chargedMinor: row.chargedMinor
      }),
      createdAt: row.createdAt,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt
    },
    true
  )

/**
 * Campaign rows. Sender-facing reads are scoped by account (another account's campaign is
 * `CampaignNotFound`); `find` is unscoped, for the engine's schedulers.
 */
export class CampaignsRepo extends Effect.Service<CampaignsRepo>()("volley/CampaignsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const findRow = SqlSchema.findOne({
      Request: Schema.String,
      Result: CampaignRow,
      execute: (id) => sql`SELECT ${sql.literal(campaignColumns)} FROM campaigns WHERE id = ${id}`
    })

    /** Any account's campaign, for the engine. */
    const find = (campaignId: CampaignId) =>
      findRow(campaignId).pipe(Effect.map(Option.map(campaignFromRow)), Effect.orDie)

    /** The caller's campaign, or `CampaignNotFound`. */
    const get = Effect.fn("CampaignsRepo.get")(function* (accountId: AccountId, campaignId: CampaignId) {
      const found = yield* find(campaignId)
      if (Option.isNone(found) || found.value.accountId !== accountId)
        return yield* new CampaignNotFound({ campaignId })
      return found.value
    })

    return { find, get } as const
  })
}) {}

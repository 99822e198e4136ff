import { SqlClient, SqlSchema } from "@effect/sql"
import {
  type AccountId,
  type CampaignId,
  CampaignNotFound,
  CampaignStateConflict,
  InvalidCampaign,
  uuid7
} from "@volley/core"
import {
  Campaign,
  CampaignCursor,
  CampaignProgress,
  CampaignStatus,
  OnMissingField,
  SendWindow
} from "@volley/core/campaign/Campaign"
import { GroupNotFound } from "@volley/core/contacts/errors"
import {
  AccountId as AccountIdSchema,
  CampaignId as CampaignIdSchema,
  GroupId
} from "@volley/core/schema/ids"
import { compile } from "@volley/core/template/Template"
import { MAX_VALIDITY, MIN_VALIDITY } from "@volley/core/validity/Validity"
import { Array as Arr, Duration, Effect, Either, Option, Schema } from "effect"

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

export const MAX_CAMPAIGN_GROUPS = 20

/** A campaign as its sender describes it; it is stored as a draft. */
export interface NewCampaign {
  readonly name: string
  readonly sender: string
  readonly body: string
  readonly groupIds: ReadonlyArray<GroupId>
  readonly startAt?: Date | null | undefined
  readonly sendWindow?: SendWindow | null | undefined
  readonly rateCap?: number | null | undefined
  readonly validitySeconds?: number | null | undefined
  readonly onMissingField?: OnMissingField | undefined
}

/** A draft's changes: undefined keeps a field, null clears an optional one. */
export type CampaignPatch = { readonly [K in keyof NewCampaign]?: NewCampaign[K] | undefined }

export interface CampaignsPage {
  /** The last campaign of the previous page. */
  readonly after?: CampaignId | undefined
  readonly limit: number
  readonly status?: CampaignStatus | undefined
}

/** Operators' page over every account's campaigns, optionally one account's. */
export interface AllCampaignsPage extends CampaignsPage {
  readonly accountId?: AccountId | undefined
}

/** A campaign with the name of the account it belongs to, for operators' lists. */
export interface CampaignOfAccount {
  readonly campaign: Campaign
  readonly accountName: string
}

const MIN_VALIDITY_SECONDS = Duration.toSeconds(MIN_VALIDITY)
const MAX_VALIDITY_SECONDS = Duration.toSeconds(MAX_VALIDITY)

/** The rules no stored campaign may break (the template is checked by `compile`, groups against the db). */
const checkSettings = (input: NewCampaign): InvalidCampaign | undefined => {
  if (input.name.trim() === "") return new InvalidCampaign({ reason: "EMPTY_NAME" })
  if (input.body === "") return new InvalidCampaign({ reason: "EMPTY_TEXT" })
  if (input.groupIds.length === 0) return new InvalidCampaign({ reason: "NO_GROUPS" })
  if (input.groupIds.length > MAX_CAMPAIGN_GROUPS) return new InvalidCampaign({ reason: "TOO_MANY_GROUPS" })
  const seen = new Set<string>()
  for (const id of input.groupIds) {
    if (seen.has(id)) return new InvalidCampaign({ reason: "DUPLICATE_GROUP", value: id })
    seen.add(id)
  }
  const { rateCap, validitySeconds } = input
  if (rateCap != null && !(Number.isSafeInteger(rateCap) && rateCap >= 1))
    return new InvalidCampaign({ reason: "INVALID_RATE_CAP", value: String(rateCap) })
  if (
    validitySeconds != null &&
    !(
      Number.isInteger(validitySeconds) &&
      validitySeconds >= MIN_VALIDITY_SECONDS &&
      validitySeconds <= MAX_VALIDITY_SECONDS
    )
  )
    return new InvalidCampaign({ reason: "INVALID_VALIDITY", value: String(validitySeconds) })
  return undefined
}

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

    /** The first of `groupIds` that is not one of the account's groups, if any. */
    const firstForeignGroup = (accountId: AccountId, groupIds: ReadonlyArray<GroupId>) =>
      sql<{ id: string }>`
        SELECT id FROM contact_groups WHERE account_id = ${accountId} AND id = ANY(${groupIds}::uuid[])`.pipe(
        Effect.orDie,
        Effect.map((rows) => {
          const own = new Set(rows.map((r) => r.id))
          return groupIds.find((id) => !own.has(id))
        })
      )

    const SettingsRow = Schema.Struct({
      name: Schema.String,
      sender: Schema.String,
      body: Schema.String,
      groupIds: Schema.Array(Schema.String),
      startAt: Schema.NullOr(Schema.String),
      windowStart: Schema.NullOr(Schema.String),
      windowEnd: Schema.NullOr(Schema.String),
      rateCap: Schema.NullOr(Schema.Number),
      validitySeconds: Schema.NullOr(Schema.Number),
      onMissingField: OnMissingField
    })

    const insertRow = SqlSchema.single({
      Request: Schema.Struct({ id: Schema.String, accountId: Schema.String, ...SettingsRow.fields }),
      Result: CampaignRow,
      execute: (r) => sql`
        INSERT INTO campaigns (id, account_id, name, sender, body, group_ids, start_at, window_start, window_end,
          rate_cap, validity_seconds, on_missing_field)
        VALUES (${r.id}, ${r.accountId}, ${r.name}, ${r.sender}, ${r.body}, ${r.groupIds}::uuid[],
          ${r.startAt}::timestamptz, ${r.windowStart}::time, ${r.windowEnd}::time, ${r.rateCap}, ${r.validitySeconds},
          ${r.onMissingField})
        RETURNING ${sql.literal(campaignColumns)}`
    })

    const updateDraftRow = SqlSchema.findOne({
      Request: Schema.Struct({ id: Schema.String, accountId: Schema.String, ...SettingsRow.fields }),
      Result: CampaignRow,
      execute: (r) => sql`
        UPDATE campaigns SET name = ${r.name}, sender = ${r.sender}, body = ${r.body},
          group_ids = ${r.groupIds}::uuid[], start_at = ${r.startAt}::timestamptz,
          window_start = ${r.windowStart}::time, window_end = ${r.windowEnd}::time, rate_cap = ${r.rateCap},
          validity_seconds = ${r.validitySeconds}, on_missing_field = ${r.onMissingField}, updated_at = now()
        WHERE id = ${r.id} AND account_id = ${r.accountId} AND status = 'draft'
        RETURNING ${sql.literal(campaignColumns)}`
    })

    /** The settings as stored, once they pass every rule. */
    const checked = (accountId: AccountId, input: NewCampaign) =>
      Effect.gen(function* () {
        const invalid = checkSettings(input)
        if (invalid !== undefined) return yield* invalid
        const template = compile(input.body)
        if (Either.isLeft(template)) return yield* template.left
        const foreign = yield* firstForeignGroup(accountId, input.groupIds)
        if (foreign !== undefined) return yield* new GroupNotFound({ groupId: foreign })
        return {
          name: input.name.trim(),
          sender: input.sender,
          body: input.body,
          groupIds: input.groupIds,
          startAt: input.startAt?.toISOString() ?? null,
          windowStart: input.sendWindow?.start ?? null,
          windowEnd: input.sendWindow?.end ?? null,
          rateCap: input.rateCap ?? null,
          validitySeconds: input.validitySeconds ?? null,
          onMissingField: input.onMissingField ?? "skip"
        } satisfies typeof SettingsRow.Type
      })

    /**
     * Stores a draft. The text must compile (`InvalidTemplate` names the placeholder), every group must be
     * the account's own (`GroupNotFound` names the first that is not). Whether the sender may use the
     * sender ID is the caller's check, as on the send path.
     */
    const create = Effect.fn("CampaignsRepo.create")(function* (accountId: AccountId, input: NewCampaign) {
      const settings = yield* checked(accountId, input)
      const row = yield* insertRow({ id: uuid7(), accountId, ...settings }).pipe(Effect.orDie)
      return campaignFromRow(row)
    })

    /**
     * Changes a draft: fields left undefined keep their value, `null` clears an optional one; the result
     * passes the same rules as `create`. Anything but a draft is a `CampaignStateConflict` ("edit").
     */
    const updateDraft = Effect.fn("CampaignsRepo.updateDraft")(function* (
      accountId: AccountId,
      campaignId: CampaignId,
      patch: CampaignPatch
    ) {
      const current = yield* get(accountId, campaignId)
      if (current.status !== "draft")
        return yield* new CampaignStateConflict({ campaignId, status: current.status, action: "edit" })
      const pick = <K extends keyof CampaignPatch>(key: K, now: NewCampaign[K]) =>
        patch[key] === undefined ? now : (patch[key] as NewCampaign[K])
      const settings = yield* checked(accountId, {
        name: pick("name", current.name),
        sender: pick("sender", current.sender),
        body: pick("body", current.body),
        groupIds: pick("groupIds", current.groupIds),
        startAt: pick("startAt", current.startAt),
        sendWindow: pick("sendWindow", current.sendWindow),
        rateCap: pick("rateCap", current.rateCap),
        validitySeconds: pick("validitySeconds", current.validitySeconds),
        onMissingField: pick("onMissingField", current.onMissingField)
      })
      const row = yield* updateDraftRow({ id: campaignId, accountId, ...settings }).pipe(Effect.orDie)
      if (Option.isSome(row)) return campaignFromRow(row.value)
      // started (or cancelled) between the read and the write
      const now = yield* get(accountId, campaignId)
      return yield* new CampaignStateConflict({ campaignId, status: now.status, action: "edit" })
    })

    const listRows = SqlSchema.findAll({
      Request: Schema.Struct({
        accountId: Schema.String,
        after: Schema.NullOr(Schema.String),
        status: Schema.NullOr(Schema.String),
        limit: Schema.Int
      }),
      Result: CampaignRow,
      execute: ({ accountId, after, status, limit }) => sql`
        SELECT ${sql.literal(campaignColumns)} FROM campaigns
        WHERE account_id = ${accountId}
          AND (${status}::text IS NULL OR status = ${status}::text)
          AND (${after}::uuid IS NULL OR (created_at, id) < (
            SELECT c.created_at, c.id FROM campaigns c WHERE c.id = ${after}::uuid AND c.account_id = ${accountId}))
        ORDER BY created_at DESC, id DESC LIMIT ${limit}`
    })

    /**
     * The account's campaigns, newest first, by keyset on (created_at, id): the cursor is the last
     * campaign seen, looked up within the same account (another account's id gives an empty page).
     */
    const list = (accountId: AccountId, page: CampaignsPage) =>
      listRows({
        accountId,
        after: page.after ?? null,
        status: page.status ?? null,
        limit: page.limit
      }).pipe(Effect.map(Arr.map(campaignFromRow)), Effect.orDie, Effect.withSpan("CampaignsRepo.list"))

    const RowOfAccount = Schema.Struct({ ...CampaignRow.fields, accountName: Schema.String })
    const ofAccount = (row: typeof RowOfAccount.Type): CampaignOfAccount => ({
      campaign: campaignFromRow(row),
      accountName: row.accountName
    })
    // a scalar subquery (one primary-key probe per row) rather than a join, so campaignColumns stay unqualified
    const withAccountName = `${campaignColumns},
      (SELECT a.name FROM accounts a WHERE a.id = campaigns.account_id) AS account_name`

    const listAllRows = SqlSchema.findAll({
      Request: Schema.Struct({
        accountId: Schema.NullOr(Schema.String),
        after: Schema.NullOr(Schema.String),
        status: Schema.NullOr(Schema.String),
        limit: Schema.Int
      }),
      Result: RowOfAccount,
      execute: ({ accountId, after, status, limit }) => sql`
        SELECT ${sql.literal(withAccountName)} FROM campaigns
        WHERE (${accountId}::uuid IS NULL OR account_id = ${accountId}::uuid)
          AND (${status}::text IS NULL OR status = ${status}::text)
          AND (${after}::uuid IS NULL OR (created_at, id) < (
            SELECT c.created_at, c.id FROM campaigns c WHERE c.id = ${after}::uuid))
        ORDER BY created_at DESC, id DESC LIMIT ${limit}`
    })

    /**
     * Every account's campaigns (or one account's), newest first, each with its account's name; the same
     * keyset as `list`, the cursor looked up in any account. For operators only.
     */
    const listAll = (page: AllCampaignsPage) =>
      listAllRows({
        accountId: page.accountId ?? null,
        after: page.after ?? null,
        status: page.status ?? null,
        limit: page.limit
      }).pipe(Effect.map(Arr.map(ofAccount)), Effect.orDie, Effect.withSpan("CampaignsRepo.listAll"))

    const findRowOfAccount = SqlSchema.findOne({
      Request: Schema.String,
      Result: RowOfAccount,
      execute: (id) => sql`SELECT ${sql.literal(withAccountName)} FROM campaigns WHERE id = ${id}`
    })

    /** Any account's campaign with its account's name, or `CampaignNotFound`. For operators only. */
    const getOfAccount = Effect.fn("CampaignsRepo.getOfAccount")(function* (campaignId: CampaignId) {
      const found = yield* findRowOfAccount(campaignId).pipe(Effect.orDie)
      if (Option.isNone(found)) return yield* new CampaignNotFound({ campaignId })
      return ofAccount(found.value)
    })

    return { find, get, create, updateDraft, list, listAll, getOfAccount } as const
  })
}) {}

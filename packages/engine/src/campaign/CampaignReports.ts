import { SqlClient } from "@effect/sql"
import {
  type AccountId,
  type Campaign,
  type CampaignId,
  type DeliveryStatus,
  type GroupId,
  type MessageId,
  type PublicStatus,
  publicStatus,
  SkipReason
} from "@volley/core"
import { storedStatuses } from "@volley/core/status/DeliveryStatus"
import { PublicStatus as PublicStatusSchema } from "@volley/core/status/statuses"
import { Effect } from "effect"
import { CampaignsRepo } from "./CampaignsRepo.js"

/** A recipient's line in the report: a message's public status, or SKIPPED with the reason. */
export type RecipientStatus = PublicStatus | "SKIPPED"

export interface CampaignSummary {
  readonly campaign: Campaign
  /** The campaign's messages per status as senders see them (SUBMITTING counts as ENROUTE). */
  readonly statuses: Readonly<Record<PublicStatus, number>>
  /** Recipients left out, per reason (a number that got a message after all is not counted). */
  readonly skipped: Readonly<Record<SkipReason, number>>
  /** Contacts in the campaign's groups now (a number in two groups counts twice, as `processed` does). */
  readonly contacts: number
  /** What its messages were charged, what went back, and the difference: what the campaign cost. */
  readonly chargedMinor: number
  readonly refundedMinor: number
}

/** The counts an operator's campaign list draws its progress bars from, read from the rows. */
export interface LiveCounts {
  /** Contacts in the campaign's groups now (a number in two groups counts twice, as `processed` does). */
  readonly recipients: number
  readonly messages: number
  /** Handed to a bind or settled: every message but the QUEUED ones (SUBMITTING, ENROUTE, finals). */
  readonly sent: number
  readonly delivered: number
  /** UNDELIV, REJECTD, FAILED, EXPIRED or NOREPORT. */
  readonly failed: number
  /** Recipients left out that got no message after all (as the report counts them). */
  readonly skipped: number
  /** Messages created in the last `RATE_WINDOW_SECONDS`: the campaign's current pace. */
  readonly recent: number
}

/** The window `LiveCounts.recent` looks back over. */
export const RATE_WINDOW_SECONDS = 10

const FAILED_STATUSES: ReadonlyArray<DeliveryStatus> = ["UNDELIV", "REJECTD", "FAILED", "EXPIRED", "NOREPORT"]

const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0)

/**
 * A campaign's live counts from its summary (the same rows `liveCounts` reads), given its `recent`
 * messages: for a page that has the summary already, so nothing is counted twice.
 */
export const liveCountsOf = (summary: CampaignSummary, recent: number): LiveCounts => {
  const messages = sum(summary.statuses)
  return {
    recipients: summary.contacts,
    messages,
    sent: messages - summary.statuses.QUEUED,
    delivered: summary.statuses.DELIVRD,
    failed: FAILED_STATUSES.reduce((n, status) => n + summary.statuses[publicStatus(status)], 0),
    skipped: sum(summary.skipped),
    recent
  }
}

export interface RecipientLine {
  readonly msisdn: string
  readonly status: RecipientStatus
  /** A skip's reason (SkipReason) or a message's status reason (e.g. "err:001", "campaign cancelled"). */
  readonly reason: string | null
  /** A skip's explanation. */
  readonly detail: string | null
  readonly messageId: MessageId | null
  readonly parts: number | null
  readonly chargeMinor: number | null
  readonly refunded: boolean | null
  readonly updatedAt: Date
}

export interface RecipientsPage {
  readonly status?: RecipientStatus | undefined
  /** The last msisdn of the previous page. */
  readonly after?: string | undefined
  readonly limit: number
}

/** Statuses whose numbers "clean the groups" removes: the operator says they cannot be reached. */
const UNREACHABLE: ReadonlyArray<DeliveryStatus> = ["UNDELIV", "REJECTD"]

const zeros = <K extends string>(keys: ReadonlyArray<K>) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>

/** A count of 0 for every skip reason, to add to. */
export const noSkips = (): Record<SkipReason, number> => zeros(SkipReason.literals)

interface LineRow {
  readonly msisdn: string
  readonly status: string
  readonly reason: string | null
  readonly detail: string | null
  readonly messageId: string | null
  readonly parts: number | null
  readonly chargeMinor: string | number | null
  readonly refunded: boolean | null
  /** An ISO string: the client reads timestamps as text (see Database.ts). */
  readonly updatedAt: string
}

const toLine = (row: LineRow): RecipientLine => ({
  msisdn: row.msisdn,
  status: row.status === "SKIPPED" ? "SKIPPED" : publicStatus(row.status as DeliveryStatus),
  reason: row.reason,
  detail: row.detail,
  messageId: row.messageId as MessageId | null,
  parts: row.parts,
  chargeMinor: row.chargeMinor === null ? null : Number(row.chargeMinor),
  refunded: row.refunded,
  updatedAt: new Date(row.updatedAt)
})

/**
 * What a campaign did, read from its messages (unique per (campaign, recipient)) and its skips (one row
 * per number), scoped by account: another account's campaign is `CampaignNotFound`.
 */
export class CampaignReports extends Effect.Service<CampaignReports>()("volley/CampaignReports", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const campaigns = yield* CampaignsRepo

    /** The summary of a campaign already read (and checked to be its account's). */
    const summaryOf = Effect.fn("CampaignReports.summaryOf")(function* (campaign: Campaign) {
      const campaignId = campaign.id
      const accountId = campaign.accountId
      const [perStatus, perReason, contacts] = yield* Effect.all(
        [
          sql<{ status: DeliveryStatus; n: string; charged: string; refunded: string }>`
            SELECT status, count(*) AS n, coalesce(sum(charge_minor), 0) AS charged,
              coalesce(sum(charge_minor) FILTER (WHERE refunded), 0) AS refunded
            FROM messages WHERE campaign_id = ${campaignId} GROUP BY status`,
          sql<{ reason: SkipReason; n: string }>`
            SELECT reason, count(*) AS n FROM campaign_skips s
            WHERE s.campaign_id = ${campaignId} AND NOT EXISTS (
              SELECT 1 FROM messages m WHERE m.campaign_id = s.campaign_id AND m.recipient = s.msisdn)
            GROUP BY reason`,
          sql<{ n: string }>`
            SELECT count(*) AS n FROM contacts c JOIN contact_groups g ON g.id = c.group_id
            WHERE g.account_id = ${accountId} AND g.id = ANY(${campaign.groupIds}::uuid[])`
        ],
        { concurrency: "unbounded" }
      ).pipe(Effect.orDie)
      const statuses = zeros(PublicStatusSchema.literals)
      let chargedMinor = 0
      let refundedMinor = 0
      for (const row of perStatus) {
        statuses[publicStatus(row.status)] += Number(row.n)
        chargedMinor += Number(row.charged)
        refundedMinor += Number(row.refunded)
      }
      const skipped = noSkips()
      for (const row of perReason) skipped[row.reason] = Number(row.n)
      return {
        campaign,
        statuses,
        skipped,
        contacts: Number(contacts[0]?.n ?? 0),
        chargedMinor,
        refundedMinor
      } satisfies CampaignSummary
    })

    const summary = Effect.fn("CampaignReports.summary")(function* (
      accountId: AccountId,
      campaignId: CampaignId
    ) {
      return yield* summaryOf(yield* campaigns.get(accountId, campaignId))
    })

    const messageLines = (campaignId: CampaignId, statuses: ReadonlyArray<DeliveryStatus> | null) => sql`
      SELECT recipient AS msisdn, status, status_reason AS reason, NULL::text AS detail, id AS message_id,
        parts, charge_minor, refunded, updated_at
      FROM messages
      WHERE campaign_id = ${campaignId} AND (${statuses}::text[] IS NULL OR status = ANY(${statuses}::text[]))`

    // A number skipped once and sent to later (met again in another group) is listed by its message.
    const skipLines = (campaignId: CampaignId) => sql`
      SELECT msisdn, 'SKIPPED' AS status, reason, detail, NULL::uuid AS message_id, NULL::int2 AS parts,
        NULL::int8 AS charge_minor, NULL::boolean AS refunded, created_at AS updated_at
      FROM campaign_skips s
      WHERE s.campaign_id = ${campaignId} AND NOT EXISTS (
        SELECT 1 FROM messages m WHERE m.campaign_id = s.campaign_id AND m.recipient = s.msisdn)`

    /**
     * A keyset page of the recipients in number order, both kinds merged: each side reads its own index
     * ((campaign_id, recipient) on messages, the primary key on skips) from the cursor on, so a page costs
     * the same on the first page and the thousandth. Unchecked: the caller has checked the campaign is
     * the account's (an export checks once, then reads page after page).
     */
    const recipientLines = Effect.fn("CampaignReports.recipientLines")(function* (
      campaignId: CampaignId,
      page: RecipientsPage
    ) {
      const after = page.after ?? ""
      const limit = page.limit
      const status = page.status
      const messages =
        status === "SKIPPED"
          ? null
          : sql`(${messageLines(campaignId, status === undefined ? null : storedStatuses(status))}
              AND recipient > ${after} ORDER BY recipient LIMIT ${limit})`
      const skips =
        status === undefined || status === "SKIPPED"
          ? sql`(${skipLines(campaignId)} AND s.msisdn > ${after} ORDER BY s.msisdn LIMIT ${limit})`
          : null
      const union =
        messages !== null && skips !== null ? sql`${messages} UNION ALL ${skips}` : (messages ?? skips!)
      const rows = yield* sql<LineRow>`
        SELECT * FROM (${union}) lines ORDER BY msisdn LIMIT ${limit}`.pipe(Effect.orDie)
      return rows.map(toLine)
    })

    /** `recipientLines` of the account's campaign (another account's is `CampaignNotFound`). */
    const recipients = Effect.fn("CampaignReports.recipients")(function* (
      accountId: AccountId,
      campaignId: CampaignId,
      page: RecipientsPage
    ) {
      yield* campaigns.get(accountId, campaignId)
      return yield* recipientLines(campaignId, page)
    })

    /**
     * Removes from the campaign's groups the contacts whose number's message in this campaign ended
     * UNDELIV or REJECTD. Returns how many went from each group (groups deleted since are left out).
     */
    const cleanGroups = Effect.fn("CampaignReports.cleanGroups")(function* (
      accountId: AccountId,
      campaignId: CampaignId
    ) {
      const campaign = yield* campaigns.get(accountId, campaignId)
      const rows = yield* sql<{ groupId: GroupId; n: string }>`
        WITH groups AS (
          SELECT id FROM contact_groups WHERE account_id = ${accountId} AND id = ANY(${campaign.groupIds}::uuid[])),
        removed AS (
          DELETE FROM contacts c USING messages m, groups g
          WHERE m.campaign_id = ${campaignId} AND m.status = ANY(${UNREACHABLE}::text[])
            AND c.group_id = g.id AND c.msisdn = m.recipient
          RETURNING c.group_id)
        SELECT g.id AS group_id, (SELECT count(*) FROM removed r WHERE r.group_id = g.id) AS n FROM groups g`.pipe(
        Effect.orDie
      )
      const removed = new Map(rows.map((r) => [r.groupId, Number(r.n)]))
      return campaign.groupIds
        .filter((id) => removed.has(id))
        .map((groupId) => ({ groupId, removed: removed.get(groupId)! }))
    })

    /**
     * The live counts of several campaigns (a page of an operator's list) in one statement: one
     * aggregate pass over their messages (the (campaign_id, recipient) index; the pace is a FILTER of the
     * same pass, so it costs nothing more), their skips, and their groups' contacts. Any account's.
     */
    const liveCounts = Effect.fn("CampaignReports.liveCounts")(function* (
      campaignIds: ReadonlyArray<CampaignId>
    ) {
      const counts = new Map<CampaignId, LiveCounts>()
      if (campaignIds.length === 0) return counts
      const rows = yield* sql<{
        id: CampaignId
        recipients: string
        messages: string | null
        sent: string | null
        delivered: string | null
        failed: string | null
        recent: string | null
        skipped: string | null
      }>`
        WITH m AS (
          SELECT campaign_id, count(*) AS messages,
            count(*) FILTER (WHERE status <> 'QUEUED') AS sent,
            count(*) FILTER (WHERE status = 'DELIVRD') AS delivered,
            count(*) FILTER (WHERE status = ANY(${FAILED_STATUSES}::text[])) AS failed,
            count(*) FILTER (WHERE created_at > now() - make_interval(secs => ${RATE_WINDOW_SECONDS})) AS recent
          FROM messages WHERE campaign_id = ANY(${campaignIds}::uuid[]) GROUP BY campaign_id),
        s AS (
          SELECT campaign_id, count(*) AS skipped FROM campaign_skips s
          WHERE s.campaign_id = ANY(${campaignIds}::uuid[]) AND NOT EXISTS (
            SELECT 1 FROM messages x WHERE x.campaign_id = s.campaign_id AND x.recipient = s.msisdn)
          GROUP BY campaign_id)
        SELECT c.id,
          (SELECT count(*) FROM contacts ct JOIN contact_groups g ON g.id = ct.group_id
           WHERE g.account_id = c.account_id AND g.id = ANY(c.group_ids)) AS recipients,
          m.messages, m.sent, m.delivered, m.failed, m.recent, s.skipped
        FROM campaigns c LEFT JOIN m ON m.campaign_id = c.id LEFT JOIN s ON s.campaign_id = c.id
        WHERE c.id = ANY(${campaignIds}::uuid[])`.pipe(Effect.orDie)
      for (const row of rows) {
        counts.set(row.id, {
          recipients: Number(row.recipients),
          messages: Number(row.messages ?? 0),
          sent: Number(row.sent ?? 0),
          delivered: Number(row.delivered ?? 0),
          failed: Number(row.failed ?? 0),
          skipped: Number(row.skipped ?? 0),
          recent: Number(row.recent ?? 0)
        })
      }
      return counts
    })

    /** The campaign's messages created in the last `RATE_WINDOW_SECONDS` (`LiveCounts.recent`). */
    const recentMessages = Effect.fn("CampaignReports.recentMessages")(function* (campaignId: CampaignId) {
      const rows = yield* sql<{ n: string }>`
        SELECT count(*) AS n FROM messages
        WHERE campaign_id = ${campaignId} AND created_at > now() - make_interval(secs => ${RATE_WINDOW_SECONDS})`.pipe(
        Effect.orDie
      )
      return Number(rows[0]?.n ?? 0)
    })

    return {
      summary,
      summaryOf,
      recentMessages,
      recipients,
      recipientLines,
      cleanGroups,
      liveCounts
    } as const
  }),
  dependencies: [CampaignsRepo.Default]
}) {}

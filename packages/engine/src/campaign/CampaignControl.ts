import { SqlClient, SqlSchema } from "@effect/sql"
import {
  type AccountId,
  type Campaign,
  type CampaignId,
  CampaignNotFound,
  CampaignStateConflict,
  type CampaignStatus,
  type MessageId
} from "@volley/core"
import { Effect, Option, Schema } from "effect"
import { Ledger } from "../account/Ledger.js"
import { CampaignRow, CampaignsRepo, campaignColumns, campaignFromRow } from "./CampaignsRepo.js"

/** The status_reason a sender's pause leaves (the scheduler writes its own, "insufficient balance: …"). */
const PAUSED_BY_SENDER = "paused by sender"
const CANCELLED_BY_SENDER = "cancelled by sender"
/** The status_reason an operator's pause or cancel leaves, so the sender can tell who stopped it. */
const PAUSED_BY_OPERATOR = "paused by operator"
const CANCELLED_BY_OPERATOR = "cancelled by operator"
/** The status_reason of a campaign's messages that a cancel failed before any bind claimed them. */
const CAMPAIGN_CANCELLED = "campaign cancelled"

export type CampaignAction = "start" | "pause" | "resume" | "cancel"
/** What operators may do to any account's campaign (starting stays the sender's). */
export type OperatorAction = Exclude<CampaignAction, "start">

/** The statuses each action applies to; anything else is a `CampaignStateConflict`. */
export const allowedFrom: Record<CampaignAction, ReadonlyArray<CampaignStatus>> = {
  start: ["draft"],
  pause: ["scheduled", "running"],
  resume: ["paused"],
  cancel: ["draft", "scheduled", "running", "paused"]
}

const Transition = Schema.Struct({
  accountId: Schema.String,
  campaignId: Schema.String,
  from: Schema.Array(Schema.String)
})

/** What a cancel did besides the campaign row: the QUEUED messages it failed and what went back. */
export interface Cancelled {
  readonly campaign: Campaign
  readonly failedMessages: number
  readonly refundedMinor: number
  /** The failed messages, for the status events senders' webhooks hear about. */
  readonly failed: ReadonlyArray<{ readonly messageId: MessageId; readonly recipient: string }>
}

/**
 * Start, pause, resume and cancel: each is one conditional UPDATE of the campaign row, guarded by the
 * statuses it applies to, so two requests racing (or a request racing the scheduler's own completion or
 * pause) cannot both win. The supervisor polls the row and the scheduler commits each page guarded by
 * `status = 'running'`, so a pause or cancel committed here stops sending at the next page.
 */
export class CampaignControl extends Effect.Service<CampaignControl>()("volley/CampaignControl", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const ledger = yield* Ledger
    const campaigns = yield* CampaignsRepo

    // A start time still ahead waits as "scheduled" (the supervisor flips it to running, setting
    // started_at); otherwise it runs now. Resume follows the same rule, so a campaign paused before its
    // start time goes back to waiting for it.
    const runOrWait = `CASE WHEN start_at > now() THEN 'scheduled' ELSE 'running' END`
    const startedAt = `CASE WHEN start_at > now() THEN started_at ELSE coalesce(started_at, now()) END`

    const update = (set: string) =>
      SqlSchema.findOne({
        Request: Transition,
        Result: CampaignRow,
        execute: ({ accountId, campaignId, from }) => sql`
          UPDATE campaigns SET ${sql.literal(set)}, updated_at = now()
          WHERE id = ${campaignId} AND account_id = ${accountId} AND status = ANY(${from}::text[])
          RETURNING ${sql.literal(campaignColumns)}`
      })

    const statements: Record<CampaignAction, ReturnType<typeof update>> = {
      start: update(`status = ${runOrWait}, started_at = ${startedAt}, status_reason = NULL`),
      pause: update(`status = 'paused', status_reason = '${PAUSED_BY_SENDER}'`),
      resume: update(`status = ${runOrWait}, started_at = ${startedAt}, status_reason = NULL`),
      cancel: update(`status = 'cancelled', status_reason = '${CANCELLED_BY_SENDER}', finished_at = now()`)
    }

    // An operator's pause and cancel say who did it; resume is the sender's statement.
    const byOperator: Record<OperatorAction, ReturnType<typeof update>> = {
      pause: update(`status = 'paused', status_reason = '${PAUSED_BY_OPERATOR}'`),
      resume: statements.resume,
      cancel: update(`status = 'cancelled', status_reason = '${CANCELLED_BY_OPERATOR}', finished_at = now()`)
    }

    /**
     * The action applied (by the sender's statement, or the one given: an operator's), or why not: the
     * campaign is not the account's, or its status forbids it.
     */
    const transition = (
      accountId: AccountId,
      campaignId: CampaignId,
      action: CampaignAction,
      statement: ReturnType<typeof update> = statements[action]
    ) =>
      Effect.gen(function* () {
        const row = yield* statement({ accountId, campaignId, from: allowedFrom[action] }).pipe(Effect.orDie)
        if (Option.isSome(row)) return campaignFromRow(row.value)
        const current = yield* campaigns.get(accountId, campaignId)
        return yield* new CampaignStateConflict({ campaignId, status: current.status, action })
      })

    /**
     * Fails the campaign's messages still QUEUED (no bind has claimed them: their claim, QUEUED →
     * SUBMITTING, now fails, so they are never sent) and refunds them with one ledger credit. Messages
     * already claimed or sent go on and end as they will.
     */
    const failQueued = (campaign: Campaign) =>
      Effect.gen(function* () {
        const rows = yield* sql<{ id: MessageId; recipient: string; chargeMinor: number }>`
          UPDATE messages SET status = 'FAILED', status_reason = ${CAMPAIGN_CANCELLED}, done_at = now(),
            updated_at = now(), refunded = charge_minor > 0,
            history = history || jsonb_build_array(jsonb_build_object(
              'at', now(), 'status', 'FAILED', 'source', 'campaign', 'detail', ${CAMPAIGN_CANCELLED}::text))
          WHERE campaign_id = ${campaign.id} AND status = 'QUEUED'
          RETURNING id, recipient, charge_minor`.pipe(Effect.orDie)
        const refundedMinor = rows.reduce((sum, r) => sum + Number(r.chargeMinor), 0)
        if (refundedMinor > 0) {
          yield* ledger
            .credit(campaign.accountId, refundedMinor, "refund", {
              reference: `campaign:${campaign.id}`,
              note: `${rows.length} message(s) of a cancelled campaign`
            })
            .pipe(Effect.orDie)
        }
        return {
          failedMessages: rows.length,
          refundedMinor,
          failed: rows.map((r) => ({ messageId: r.id, recipient: r.recipient }))
        }
      })

    const start = Effect.fn("CampaignControl.start")((accountId: AccountId, campaignId: CampaignId) =>
      transition(accountId, campaignId, "start")
    )
    const pause = Effect.fn("CampaignControl.pause")((accountId: AccountId, campaignId: CampaignId) =>
      transition(accountId, campaignId, "pause")
    )
    const resume = Effect.fn("CampaignControl.resume")((accountId: AccountId, campaignId: CampaignId) =>
      transition(accountId, campaignId, "resume")
    )

    /**
     * Cancels (by the effect given) and, in the same transaction (after the campaign row, whose lock
     * orders it after any page the scheduler is committing), fails and refunds the messages no bind has
     * claimed yet.
     */
    const cancelWith = <E, R>(cancelled: Effect.Effect<Campaign, E, R>) =>
      Effect.gen(function* () {
        const campaign = yield* cancelled
        return { campaign, ...(yield* failQueued(campaign)) } satisfies Cancelled
      }).pipe(sql.withTransaction, Effect.catchTag("SqlError", Effect.die))

    const cancel = Effect.fn("CampaignControl.cancel")((accountId: AccountId, campaignId: CampaignId) =>
      cancelWith(transition(accountId, campaignId, "cancel"))
    )

    /**
     * An operator's action on any account's campaign: the campaign's account is looked up first
     * (`CampaignNotFound` if there is none), then the same guarded UPDATE as the sender's.
     */
    const operatorTransition = (campaignId: CampaignId, action: OperatorAction) =>
      Effect.gen(function* () {
        const found = yield* campaigns.find(campaignId)
        if (Option.isNone(found)) return yield* new CampaignNotFound({ campaignId })
        return yield* transition(found.value.accountId, campaignId, action, byOperator[action])
      })

    const pauseByOperator = Effect.fn("CampaignControl.pauseByOperator")((campaignId: CampaignId) =>
      operatorTransition(campaignId, "pause")
    )
    const resumeByOperator = Effect.fn("CampaignControl.resumeByOperator")((campaignId: CampaignId) =>
      operatorTransition(campaignId, "resume")
    )
    /** As `cancel`: the campaign's QUEUED messages fail and are refunded in the same transaction. */
    const cancelByOperator = Effect.fn("CampaignControl.cancelByOperator")((campaignId: CampaignId) =>
      cancelWith(operatorTransition(campaignId, "cancel"))
    )

    return { start, pause, resume, cancel, pauseByOperator, resumeByOperator, cancelByOperator } as const
  }),
  dependencies: [Ledger.Default, CampaignsRepo.Default]
}) {}

import { SqlClient } from "@effect/sql"
import {
  type AccountId,
  type CampaignId,
  canTransition,
  DeliveryStatus,
  type E164,
  FINAL_STATUSES,
  type MessageId,
  type PublicStatus,
  publicStatus,
  type ReceiptStatus
} from "@volley/core"
import { type Cause, Data, Effect, Exit } from "effect"
import { Ledger } from "../account/Ledger.js"

/** How one message's submit ended, as its BindActor saw it (all parts of it together). */
export type SubmitSettlement =
  /** Every part got submit_sm_resp OK (a `null` id is a part the SMSC refused while others went). */
  | {
      readonly _tag: "Accepted"
      readonly messageId: MessageId
      readonly bindId: string
      readonly operatorId: string
      readonly smscIds: ReadonlyArray<string | null>
      readonly at: number
    }
  /** A permanent refusal before anything reached the operator: REJECTD (refunded). */
  | {
      readonly _tag: "Rejected"
      readonly messageId: MessageId
      readonly smppStatus: number
      readonly reason: string
    }
  /** Could not be handed over (retries exhausted, unencodable): FAILED (refunded). */
  | {
      readonly _tag: "Failed"
      readonly messageId: MessageId
      readonly smppStatus: number | null
      readonly reason: string
    }
  /** A transient refusal (throttled, queue full): back to QUEUED for another attempt. */
  | {
      readonly _tag: "Requeued"
      readonly messageId: MessageId
      readonly smppStatus: number | null
      readonly reason: string
    }
  /** No resp (timeout, dropped socket): the outcome is unknown, the message stays SUBMITTING (§7). */
  | {
      readonly _tag: "Unknown"
      readonly messageId: MessageId
      readonly bindId: string
      readonly reason: string
    }

/** A receipt correlated to its message and part. */
export interface CorrelatedReceipt {
  readonly messageId: MessageId
  readonly part: number
  readonly status: ReceiptStatus
  readonly err: string | undefined
  readonly smscMessageId: string
  readonly receivedAt: number
}

/** A change senders may hear about: feeds status events and webhooks. */
export interface AppliedChange {
  readonly messageId: MessageId
  readonly accountId: AccountId
  readonly campaignId: CampaignId | null
  readonly recipient: E164
  readonly status: PublicStatus
}

/** For every target status, the statuses a message may move to it from (core's transition table). */
const allowedFrom: Record<string, ReadonlyArray<string>> = Object.fromEntries(
  DeliveryStatus.literals.map((to) => [
    to,
    DeliveryStatus.literals.filter((from) => from !== to && canTransition(from, to))
  ])
)
const allowedFromJson = JSON.stringify(allowedFrom)
const FINALS = [...FINAL_STATUSES]

interface ChangedRow {
  readonly id: MessageId
  readonly accountId: AccountId
  readonly campaignId: CampaignId | null
  readonly recipient: E164
  readonly status: DeliveryStatus
}

/**
 * The single-part receipts of a batch were applied (committed on their own) but the rest failed: the
 * caller still owes their status events, then retries the batch (what was applied changes nothing again).
 */
export class ReceiptsPartlyApplied extends Data.TaggedError("ReceiptsPartlyApplied")<{
  readonly changes: ReadonlyArray<AppliedChange>
  readonly cause: Cause.Cause<never>
}> {}

const toChange = (row: ChangedRow): AppliedChange => ({
  messageId: row.id,
  accountId: row.accountId,
  campaignId: row.campaignId,
  recipient: row.recipient,
  status: publicStatus(row.status)
})

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * The batched status writes of the hot path (DESIGN.md §2, §7, §11): one statement per kind of change
 * per batch, each guarded by the transition table so a replayed job, a duplicate receipt or a late
 * resp can never move a message backwards or apply twice.
 */
export class MessageTransitions extends Effect.Service<MessageTransitions>()("volley/MessageTransitions", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const ledger = yield* Ledger

    /**
     * The claim before send: QUEUED → SUBMITTING for the ids still QUEUED. Anything else (already
     * claimed by another bind, redelivered after it was sent, settled) is not to be sent again.
     * Returns each claimed id with its attempt number (1 on the first claim).
     */
    const claim = Effect.fn("MessageTransitions.claim")(function* (
      ids: ReadonlyArray<MessageId>,
      bindId: string
    ) {
      if (ids.length === 0) return new Map<MessageId, number>()
      const rows = yield* sql<{ id: MessageId; attempts: number }>`
        UPDATE messages SET status = 'SUBMITTING', bind_id = ${bindId}, attempts = attempts + 1, updated_at = now()
        WHERE id = ANY(${ids}::uuid[]) AND status = 'QUEUED'
        RETURNING id, attempts`.pipe(Effect.orDie)
      return new Map(rows.map((r) => [r.id, r.attempts]))
    })

    const settleAccepted = (batch: ReadonlyArray<Extract<SubmitSettlement, { _tag: "Accepted" }>>) =>
      Effect.gen(function* () {
        if (batch.length === 0) return [] as ReadonlyArray<ChangedRow>
        const changed = yield* sql<ChangedRow>`
          UPDATE messages m SET
            status = CASE WHEN m.status = 'SUBMITTING' THEN 'ENROUTE' ELSE m.status END,
            smsc_message_id = u.smsc, bind_id = u.bind, smpp_status = 0, updated_at = now(),
            submitted_at = coalesce(m.submitted_at, u.at),
            history = m.history || jsonb_build_array(jsonb_build_object(
              'at', u.at, 'status', 'ENROUTE', 'source', 'bind', 'smppStatus', 0, 'bindId', u.bind))
          FROM unnest(${batch.map((s) => s.messageId)}::uuid[], ${batch.map((s) => s.smscIds[0] ?? null)}::text[],
                      ${batch.map((s) => s.bindId)}::text[], ${batch.map((s) => iso(s.at))}::timestamptz[])
            AS u(id, smsc, bind, at)
          WHERE m.id = u.id
          RETURNING m.id, m.account_id, m.campaign_id, m.recipient, m.status`.pipe(Effect.orDie)
        const multipart = batch.filter((s) => s.smscIds.length > 1)
        if (multipart.length > 0) {
          const ids: Array<string> = []
          const seqs: Array<number> = []
          const operators: Array<string> = []
          const smscIds: Array<string | null> = []
          for (const s of multipart) {
            s.smscIds.forEach((smscId, i) => {
              ids.push(s.messageId)
              seqs.push(i + 1)
              operators.push(s.operatorId)
              smscIds.push(smscId)
            })
          }
          yield* sql`
            INSERT INTO message_parts (message_id, seq, operator_id, smsc_message_id, status, smpp_status)
            SELECT u.id, u.seq, u.op, u.smsc, CASE WHEN u.smsc IS NULL THEN 'REJECTD' ELSE 'ENROUTE' END,
                   CASE WHEN u.smsc IS NULL THEN NULL ELSE 0 END
            FROM unnest(${ids}::uuid[], ${seqs}::int2[], ${operators}::text[], ${smscIds}::text[])
              AS u(id, seq, op, smsc)
            ON CONFLICT (message_id, seq) DO UPDATE SET smsc_message_id = excluded.smsc_message_id,
              operator_id = excluded.operator_id, updated_at = now()`.pipe(Effect.orDie)
        }
        return changed.filter((r) => r.status === "ENROUTE")
      })

    /** REJECTD/FAILED before anything reached the operator: final, and the charge goes back. */
    const settleRefused = (
      batch: ReadonlyArray<Extract<SubmitSettlement, { _tag: "Rejected" | "Failed" }>>
    ) =>
      Effect.gen(function* () {
        if (batch.length === 0) return [] as ReadonlyArray<ChangedRow>
        const rows = yield* sql<ChangedRow & { chargeMinor: number }>`
          UPDATE messages m SET status = u.status, status_reason = u.reason, smpp_status = u.smpp,
            done_at = now(), updated_at = now(), refunded = m.charge_minor > 0,
            history = m.history || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
              'at', now(), 'status', u.status, 'source', 'bind', 'smppStatus', u.smpp, 'detail', u.reason)))
          FROM unnest(${batch.map((s) => s.messageId)}::uuid[],
                      ${batch.map((s) => (s._tag === "Rejected" ? "REJECTD" : "FAILED"))}::text[],
                      ${batch.map((s) => s.smppStatus)}::int4[], ${batch.map((s) => s.reason)}::text[])
            AS u(id, status, smpp, reason)
          WHERE m.id = u.id AND m.status IN ('QUEUED', 'SUBMITTING')
          RETURNING m.id, m.account_id, m.campaign_id, m.recipient, m.status, m.charge_minor`.pipe(
          Effect.orDie
        )
        yield* refund(rows)
        return rows
      })

    /** One ledger credit per account per batch: refunds stay cheap when a whole route fails. */
    const refund = (rows: ReadonlyArray<{ accountId: AccountId; chargeMinor: number; id: MessageId }>) =>
      Effect.gen(function* () {
        const perAccount = new Map<AccountId, { amount: number; count: number; first: MessageId }>()
        for (const row of rows) {
          if (row.chargeMinor <= 0) continue
          const entry = perAccount.get(row.accountId)
          if (entry) {
            entry.amount += row.chargeMinor
            entry.count += 1
          } else perAccount.set(row.accountId, { amount: row.chargeMinor, count: 1, first: row.id })
        }
        for (const [accountId, { amount, count, first }] of perAccount) {
          yield* ledger
            .credit(accountId, amount, "refund", {
              reference: count === 1 ? `message:${first}` : `messages:${first}+${count - 1}`,
              note: `${count} message(s) not delivered to an operator`
            })
            .pipe(Effect.orDie)
        }
      })

    const settleRequeued = (batch: ReadonlyArray<Extract<SubmitSettlement, { _tag: "Requeued" }>>) =>
      Effect.gen(function* () {
        if (batch.length === 0) return new Set<MessageId>()
        const rows = yield* sql<{ id: MessageId }>`
          UPDATE messages m SET status = 'QUEUED', smpp_status = u.smpp, updated_at = now(), published_at = now(),
            history = m.history || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
              'at', now(), 'status', 'QUEUED', 'source', 'bind', 'smppStatus', u.smpp, 'detail', u.reason)))
          FROM unnest(${batch.map((s) => s.messageId)}::uuid[], ${batch.map((s) => s.smppStatus)}::int4[],
                      ${batch.map((s) => s.reason)}::text[]) AS u(id, smpp, reason)
          WHERE m.id = u.id AND m.status = 'SUBMITTING'
          RETURNING m.id`.pipe(Effect.orDie)
        return new Set(rows.map((r) => r.id))
      })

    const noteUnknown = (batch: ReadonlyArray<Extract<SubmitSettlement, { _tag: "Unknown" }>>) =>
      batch.length === 0
        ? Effect.void
        : sql`
          UPDATE messages m SET updated_at = now(),
            history = m.history || jsonb_build_array(jsonb_build_object(
              'at', now(), 'status', 'SUBMITTING', 'source', 'bind', 'bindId', u.bind, 'detail', u.reason))
          FROM unnest(${batch.map((s) => s.messageId)}::uuid[], ${batch.map((s) => s.bindId)}::text[],
                      ${batch.map((s) => s.reason)}::text[]) AS u(id, bind, reason)
          WHERE m.id = u.id AND m.status = 'SUBMITTING'`.pipe(Effect.asVoid, Effect.orDie)

    const settleMixed = Effect.fn("MessageTransitions.settleSubmits")(
      function* (batch: ReadonlyArray<SubmitSettlement>) {
        const accepted = batch.filter((s) => s._tag === "Accepted")
        const refused = batch.filter((s) => s._tag === "Rejected" || s._tag === "Failed")
        const requeued = batch.filter((s) => s._tag === "Requeued")
        const unknown = batch.filter((s) => s._tag === "Unknown")
        const enroute = yield* settleAccepted(accepted)
        const ended = yield* settleRefused(refused)
        const back = yield* settleRequeued(requeued)
        yield* noteUnknown(unknown)
        return { changes: [...enroute, ...ended].map(toChange), requeued: back }
      },
      (effect) => sql.withTransaction(effect).pipe(Effect.orDie)
    )

    /**
     * Records a batch of submit outcomes atomically. Returns the changes senders see and the ids that went
     * back to QUEUED (the caller re-publishes exactly those, with the next attempt number). The usual batch
     * — single-part messages the SMSC accepted — is one UPDATE, atomic by itself: no transaction's extra
     * round trips.
     */
    const settleSubmits = (batch: ReadonlyArray<SubmitSettlement>) =>
      batch.every((s) => s._tag === "Accepted" && s.smscIds.length === 1)
        ? settleAccepted(batch as ReadonlyArray<Extract<SubmitSettlement, { _tag: "Accepted" }>>).pipe(
            Effect.map((enroute) => ({ changes: enroute.map(toChange), requeued: new Set<MessageId>() })),
            Effect.withSpan("MessageTransitions.settleSubmits")
          )
        : settleMixed(batch)

    const applySinglePart = (batch: ReadonlyArray<CorrelatedReceipt>) =>
      batch.length === 0
        ? Effect.succeed([] as ReadonlyArray<ChangedRow>)
        : sql<ChangedRow>`
          UPDATE messages m SET status = u.status, updated_at = now(),
            done_at = CASE WHEN u.status = ANY(${FINALS}::text[]) THEN u.at ELSE m.done_at END,
            status_reason = coalesce(u.err, m.status_reason),
            history = m.history || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
              'at', u.at, 'status', u.status, 'source', 'receipt', 'detail', u.detail)))
          FROM unnest(${batch.map((r) => r.messageId)}::uuid[], ${batch.map((r) => r.status)}::text[],
                      ${batch.map((r) => (r.err === undefined ? null : `err:${r.err}`))}::text[],
                      ${batch.map((r) => iso(r.receivedAt))}::timestamptz[],
                      ${batch.map((r) => `smsc id ${r.smscMessageId}${r.err === undefined ? "" : ` err:${r.err}`}`)}::text[])
            AS u(id, status, err, at, detail)
          WHERE m.id = u.id AND m.parts = 1 AND (${allowedFromJson}::jsonb -> u.status) ? m.status
          RETURNING m.id, m.account_id, m.campaign_id, m.recipient, m.status`.pipe(Effect.orDie)

    /** A part's receipt updates the part; the message becomes final once every part is. */
    const applyMultipart = (batch: ReadonlyArray<CorrelatedReceipt>) =>
      Effect.gen(function* () {
        if (batch.length === 0) return [] as ReadonlyArray<ChangedRow>
        const parts = yield* sql<{ messageId: MessageId }>`
          UPDATE message_parts p SET status = u.status, updated_at = now()
          FROM unnest(${batch.map((r) => r.messageId)}::uuid[], ${batch.map((r) => r.part)}::int2[],
                      ${batch.map((r) => r.status)}::text[]) AS u(id, seq, status)
          WHERE p.message_id = u.id AND p.seq = u.seq AND (${allowedFromJson}::jsonb -> u.status) ? p.status
          RETURNING p.message_id`.pipe(Effect.orDie)
        if (parts.length === 0) return []
        return yield* sql<ChangedRow>`
          UPDATE messages m SET status = agg.status, updated_at = now(), done_at = now(),
            history = m.history || jsonb_build_array(jsonb_build_object(
              'at', now(), 'status', agg.status, 'source', 'receipt', 'detail', agg.detail))
          FROM (
            SELECT message_id,
              CASE WHEN bool_and(status = 'DELIVRD') THEN 'DELIVRD'
                   WHEN bool_or(status = 'REJECTD') THEN 'REJECTD'
                   WHEN bool_or(status = 'UNDELIV') THEN 'UNDELIV'
                   WHEN bool_or(status = 'EXPIRED') THEN 'EXPIRED'
                   ELSE 'FAILED' END AS status,
              string_agg(seq || ':' || status, ' ' ORDER BY seq) AS detail
            FROM message_parts WHERE message_id = ANY(${parts.map((p) => p.messageId)}::uuid[])
            GROUP BY message_id HAVING bool_and(status = ANY(${FINALS}::text[]))
          ) agg
          WHERE m.id = agg.message_id AND NOT (m.status = ANY(${FINALS}::text[]))
          RETURNING m.id, m.account_id, m.campaign_id, m.recipient, m.status`.pipe(Effect.orDie)
      })

    /** Receipts the single-part UPDATE did not apply: parts of concatenated messages, or nothing to do. */
    const applyRest = Effect.fn("MessageTransitions.applyReceipts")(
      function* (rest: ReadonlyArray<CorrelatedReceipt>, operatorOf: (r: CorrelatedReceipt) => string) {
        const parts = yield* sql<{ id: MessageId; parts: number }>`
          SELECT id, parts FROM messages WHERE id = ANY(${[...new Set(rest.map((r) => r.messageId))]}::uuid[])`.pipe(
          Effect.orDie
        )
        const partsOf = new Map(parts.map((p) => [p.id, p.parts]))
        const changedMulti = yield* applyMultipart(rest.filter((r) => (partsOf.get(r.messageId) ?? 1) > 1))
        const notApplied = rest.filter((r) => partsOf.get(r.messageId) === 1)
        if (notApplied.length > 0) {
          yield* recordUnmatched(
            notApplied.map((r) => ({
              operatorId: operatorOf(r),
              smscMessageId: r.smscMessageId,
              stat: r.status,
              reason: "already_final" as const,
              raw: `message ${r.messageId}`
            }))
          )
        }
        return changedMulti
      },
      (effect) => sql.withTransaction(effect).pipe(Effect.orDie)
    )

    /**
     * Applies correlated receipts. Most are for single-part messages: one UPDATE, atomic by itself, applies
     * them; what it did not apply — parts of concatenated messages, or receipts that change nothing
     * (duplicate, already final, not applicable), which are recorded in `unmatched_receipts`, never applied
     * twice — goes through one transaction. A crash between the two only redelivers receipts, and
     * applying them again changes nothing; when the second step fails, `ReceiptsPartlyApplied` carries
     * what the first committed, so its status events are not lost.
     */
    const applyReceipts = (
      receipts: ReadonlyArray<CorrelatedReceipt>,
      operatorOf: (r: CorrelatedReceipt) => string
    ) =>
      Effect.gen(function* () {
        const batch = strongestPerPart(receipts)
        const changedSingle = yield* applySinglePart(batch)
        const applied = new Set<string>(changedSingle.map((r) => r.id))
        const rest = batch.filter((r) => !applied.has(r.messageId))
        if (rest.length === 0) return changedSingle.map(toChange)
        const restExit = yield* Effect.exit(applyRest(rest, operatorOf))
        if (Exit.isFailure(restExit))
          return yield* new ReceiptsPartlyApplied({
            changes: changedSingle.map(toChange),
            cause: restExit.cause
          })
        return [...changedSingle, ...restExit.value].map(toChange)
      })

    const recordUnmatched = (
      rows: ReadonlyArray<{
        operatorId: string
        smscMessageId: string
        stat: string
        reason: "unknown_id" | "already_final" | "not_applicable"
        raw: string
      }>
    ) =>
      rows.length === 0
        ? Effect.void
        : sql`
          INSERT INTO unmatched_receipts (operator_id, smsc_message_id, stat, reason, raw)
          SELECT * FROM unnest(${rows.map((r) => r.operatorId)}::text[], ${rows.map((r) => r.smscMessageId)}::text[],
                               ${rows.map((r) => r.stat)}::text[], ${rows.map((r) => r.reason)}::text[],
                               ${rows.map((r) => r.raw)}::text[])`.pipe(Effect.asVoid, Effect.orDie)

    return { claim, settleSubmits, applyReceipts, recordUnmatched } as const
  }),
  dependencies: [Ledger.Default]
}) {}

/** Within one batch a part may have several receipts (ENROUTE then DELIVRD): keep the final one. */
const strongestPerPart = (receipts: ReadonlyArray<CorrelatedReceipt>): ReadonlyArray<CorrelatedReceipt> => {
  const byPart = new Map<string, CorrelatedReceipt>()
  for (const r of receipts) {
    const key = `${r.messageId}:${r.part}`
    const seen = byPart.get(key)
    if (!seen || (!FINAL_STATUSES.has(seen.status) && FINAL_STATUSES.has(r.status))) byPart.set(key, r)
  }
  return [...byPart.values()]
}

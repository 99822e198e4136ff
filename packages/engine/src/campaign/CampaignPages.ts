import { SqlClient } from "@effect/sql"
import type { CampaignId, GroupId, RefusalCode, RouteId } from "@volley/core"
import { type Campaign, CampaignCursor, type SkipReason } from "@volley/core/campaign/Campaign"
import { personalise } from "@volley/core/campaign/Personalisation"
import type { Contact } from "@volley/core/contacts/Contact"
import type { Template } from "@volley/core/template/Template"
import { Data, Effect, Either } from "effect"
import { ContactsRepo } from "../contacts/ContactsRepo.js"
import { CommitVetoed, type OutgoingSms, type SendResult, SendService } from "../send/SendService.js"

/** A recipient left out of a campaign, recorded in `campaign_skips`. */
interface Skip {
  readonly msisdn: string
  readonly groupId: GroupId
  readonly reason: SkipReason
  readonly detail: string
}

/** What one step of a campaign did. */
export type PageOutcome = Data.TaggedEnum<{
  /** A page was committed (possibly with no message: all skipped or duplicates). */
  Page: { readonly cursor: CampaignCursor; readonly sent: number; readonly routes: ReadonlySet<RouteId> }
  /** Every group was read to its end. */
  Finished: { readonly cursor: CampaignCursor }
  /**
   * The campaign was paused or cancelled meanwhile, or another scheduler moved its cursor: the page was
   * rolled back (the supervisor starts this campaign's scheduler again from the stored cursor if it runs).
   */
  NotRunning: {}
}>
export const PageOutcome = Data.taggedEnum<PageOutcome>()

const skipReasonOf: Record<Exclude<RefusalCode, "DUPLICATE_RECIPIENT">, SkipReason> = {
  INVALID_NUMBER: "INVALID_NUMBER",
  EMPTY_TEXT: "EMPTY_TEXT",
  TOO_MANY_PARTS: "TOO_MANY_PARTS",
  NO_ROUTE: "NO_ROUTE",
  NO_PRICE: "NO_PRICE",
  BLACKLISTED: "BLACKLISTED",
  INVALID_VALIDITY: "INVALID_VALIDITY"
}

interface PageTally {
  readonly campaignId: CampaignId
  /** The cursor this page started from, as stored: another scheduler that got there first vetoes this one. */
  readonly from: CampaignCursor
  readonly cursor: CampaignCursor
  readonly processed: number
  readonly messages: number
  readonly chargedMinor: number
  readonly duplicates: number
  readonly skips: ReadonlyArray<Skip>
}

/**
 * One page of a campaign (DESIGN.md §7): read contacts after the cursor, leave out numbers the campaign
 * already has, render each text, and hand the page to the send path, whose transaction also records the
 * skips, the counters and the new cursor — guarded by the campaign still running. A crash before the
 * commit repeats the page; after it, the page is done: nobody is skipped or sent to twice.
 */
export class CampaignPages extends Effect.Service<CampaignPages>()("volley/CampaignPages", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const contacts = yield* ContactsRepo
    const send = yield* SendService

    /** Numbers of this page the campaign already has a message or a skip for (from an earlier group). */
    const alreadyHandled = (campaignId: CampaignId, msisdns: ReadonlyArray<string>) =>
      sql<{ msisdn: string }>`
        SELECT recipient AS msisdn FROM messages WHERE campaign_id = ${campaignId} AND recipient = ANY(${msisdns}::text[])
        UNION ALL
        SELECT msisdn FROM campaign_skips WHERE campaign_id = ${campaignId} AND msisdn = ANY(${msisdns}::text[])`.pipe(
        Effect.map((rows) => new Set(rows.map((r) => r.msisdn))),
        Effect.orDie
      )

    /**
     * Skips, counters and cursor, in the caller's transaction; vetoed unless the campaign is running, its
     * account not suspended (the scheduler, restarted by the supervisor, then pauses it with why) and its
     * cursor still where this page started (a second engine's scheduler on the same campaign lost the race:
     * it starts again from the stored cursor, so nobody is counted or sent to twice).
     */
    const record = (tally: PageTally) =>
      Effect.gen(function* () {
        const { skips } = tally
        const recorded =
          skips.length === 0
            ? 0
            : (yield* sql`
            INSERT INTO campaign_skips (campaign_id, msisdn, group_id, reason, detail)
            SELECT ${tally.campaignId}, u.msisdn, u.group_id, u.reason, u.detail
            FROM unnest(${skips.map((s) => s.msisdn)}::text[], ${skips.map((s) => s.groupId)}::uuid[],
                        ${skips.map((s) => s.reason)}::text[], ${skips.map((s) => s.detail)}::text[])
              AS u(msisdn, group_id, reason, detail)
            ON CONFLICT (campaign_id, msisdn) DO NOTHING
            RETURNING 1`.pipe(Effect.orDie)).length
        const updated = yield* sql`
          UPDATE campaigns SET cursor = ${JSON.stringify(tally.cursor)}::jsonb,
            processed = processed + ${tally.processed},
            messages_created = messages_created + ${tally.messages},
            skipped = skipped + ${recorded},
            duplicates = duplicates + ${tally.duplicates + skips.length - recorded},
            charged_minor = charged_minor + ${tally.chargedMinor},
            updated_at = now()
          WHERE id = ${tally.campaignId} AND status = 'running' AND cursor = ${JSON.stringify(tally.from)}::jsonb
            AND (SELECT a.mode FROM accounts a WHERE a.id = campaigns.account_id) <> 'suspended'
          RETURNING id`.pipe(Effect.orDie)
        if (updated.length === 0)
          return yield* new CommitVetoed({ reason: "the campaign is no longer running" })
      })

    const recordAlone = (tally: PageTally) =>
      record(tally).pipe(
        sql.withTransaction,
        Effect.catchTag("SqlError", Effect.die),
        Effect.as(PageOutcome.Page({ cursor: tally.cursor, sent: 0, routes: new Set() })),
        Effect.catchTag("CommitVetoed", () => Effect.succeed(PageOutcome.NotRunning()))
      )

    /**
     * Sends the page after `cursor` (at most `size` contacts of one group). Fails only with what needs a
     * person: the balance, the sender ID or the account.
     */
    const next = Effect.fn("CampaignPages.next")(function* (
      campaign: Campaign,
      template: Template,
      from: CampaignCursor,
      size: number
    ) {
      let cursor = from
      let page: ReadonlyArray<Contact> = []
      while (page.length === 0) {
        const groupId = campaign.groupIds[cursor.groupIndex]
        if (groupId === undefined) return PageOutcome.Finished({ cursor })
        page = yield* contacts.page(groupId, cursor.afterContactId, size)
        if (page.length === 0)
          cursor = new CampaignCursor({ groupIndex: cursor.groupIndex + 1, afterContactId: 0 })
      }
      const after = new CampaignCursor({
        groupIndex: cursor.groupIndex,
        afterContactId: page[page.length - 1]!.id
      })

      // A group holds a number once; only a later group can repeat one an earlier group had.
      const handled =
        cursor.groupIndex === 0
          ? new Set<string>()
          : yield* alreadyHandled(
              campaign.id,
              page.map((c) => c.msisdn)
            )
      const skips: Array<Skip> = []
      const outgoing: Array<OutgoingSms> = []
      const origin: Array<Contact> = []
      for (const contact of page) {
        if (handled.has(contact.msisdn)) continue
        const text = personalise(template, contact, campaign.onMissingField)
        if (Either.isLeft(text)) {
          skips.push({
            msisdn: contact.msisdn,
            groupId: contact.groupId,
            reason: "MISSING_FIELD",
            detail: `no value for {${text.left.field}}`
          })
          continue
        }
        outgoing.push({ to: contact.msisdn, text: text.right })
        origin.push(contact)
      }
      const tallyOf = (result: Pick<SendResult, "accepted" | "refused" | "chargedMinor">): PageTally => {
        let duplicates = handled.size
        const refusedSkips: Array<Skip> = []
        for (const r of result.refused) {
          if (r.code === "DUPLICATE_RECIPIENT") duplicates++
          else
            refusedSkips.push({
              msisdn: origin[r.index]!.msisdn,
              groupId: origin[r.index]!.groupId,
              reason: skipReasonOf[r.code],
              detail: r.message
            })
        }
        // Neither sent nor refused: its (campaign, recipient) row existed already.
        duplicates += outgoing.length - result.accepted.length - result.refused.length
        return {
          campaignId: campaign.id,
          from,
          cursor: after,
          processed: page.length,
          messages: result.accepted.length,
          chargedMinor: result.chargedMinor,
          duplicates,
          skips: skips.concat(refusedSkips)
        }
      }
      if (outgoing.length === 0)
        return yield* recordAlone(tallyOf({ accepted: [], refused: [], chargedMinor: 0 }))

      const sent = yield* send
        .accept({
          accountId: campaign.accountId,
          sender: campaign.sender,
          messages: outgoing,
          validitySeconds: campaign.validitySeconds ?? undefined,
          campaignId: campaign.id,
          withinCommit: (result) => record(tallyOf(result))
        })
        .pipe(
          Effect.map((result) =>
            PageOutcome.Page({
              cursor: after,
              sent: result.accepted.length,
              routes: new Set(result.accepted.map((a) => a.routeId))
            })
          ),
          Effect.catchTags({
            NothingToSend: (nothing) =>
              recordAlone(tallyOf({ accepted: [], refused: nothing.refused, chargedMinor: 0 })),
            CommitVetoed: () => Effect.succeed(PageOutcome.NotRunning()),
            // the send path only ever debits positive sums
            InvalidLedgerAmount: Effect.die
          })
        )
      return sent
    })

    return { next } as const
  })
}) {}

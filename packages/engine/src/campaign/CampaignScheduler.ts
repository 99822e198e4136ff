import { SqlClient } from "@effect/sql"
import type { CampaignId, RouteId } from "@volley/core"
import type { CampaignCursor } from "@volley/core/campaign/Campaign"
import { waitForWindow } from "@volley/core/campaign/SendWindow"
import { compile } from "@volley/core/template/Template"
import { Effect, Either, Option } from "effect"
import { AccountsRepo } from "../account/AccountsRepo.js"
import { CampaignPages } from "./CampaignPages.js"
import { CampaignsRepo } from "./CampaignsRepo.js"
import { CampaignTuning } from "./CampaignTuning.js"

/** Waits of a scheduler longer than this are cut short to look at the clock again (DST, a changed window). */
const MAX_SLEEP_MS = 60_000

/**
 * One running campaign (DESIGN.md §1, §7): pages through its groups while the send window is open, the
 * routes it feeds are below the high-water mark and its rate cap allows, until every contact is done
 * (completed) or something needs a person (paused, with the reason). The campaign row is the mailbox:
 * the supervisor interrupts a scheduler whose campaign stopped running, and a page committed after a
 * pause is vetoed, so nothing is sent for a paused campaign beyond what is already queued.
 */
export class CampaignScheduler extends Effect.Service<CampaignScheduler>()("volley/CampaignScheduler", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const campaigns = yield* CampaignsRepo
    const accounts = yield* AccountsRepo
    const pages = yield* CampaignPages

    const pause = (campaignId: CampaignId, reason: string) =>
      sql`UPDATE campaigns SET status = 'paused', status_reason = ${reason}, updated_at = now()
          WHERE id = ${campaignId} AND status = 'running'`.pipe(
        Effect.orDie,
        Effect.zipRight(Effect.logWarning(`campaign ${campaignId} paused: ${reason}`))
      )

    const complete = (campaignId: CampaignId, cursor: CampaignCursor) =>
      sql`UPDATE campaigns SET status = 'completed', finished_at = now(), updated_at = now(),
            cursor = ${JSON.stringify(cursor)}::jsonb
          WHERE id = ${campaignId} AND status = 'running'`.pipe(Effect.orDie)

    /** Whether any of `routes` has `highWater` or more messages due and not yet taken by a bind. */
    const routesFull = (routes: ReadonlySet<RouteId>, highWater: number) =>
      routes.size === 0
        ? Effect.succeed(false)
        : sql<{ full: boolean }>`
            SELECT count(*) >= ${highWater} AS full FROM (
              SELECT 1 FROM messages
              WHERE status = 'QUEUED' AND route_id = ANY(${[...routes]}::text[])
                AND (scheduled_at IS NULL OR scheduled_at <= now())
              LIMIT ${highWater}) due`.pipe(
            Effect.map((rows) => rows[0]?.full === true),
            Effect.orDie
          )

    const run = Effect.fn("CampaignScheduler.run")(function* (campaignId: CampaignId) {
      const tuning = yield* CampaignTuning
      const found = yield* campaigns.find(campaignId)
      if (Option.isNone(found) || found.value.status !== "running") return
      const campaign = found.value
      const account = yield* accounts.get(campaign.accountId).pipe(Effect.option)
      if (Option.isNone(account)) return yield* pause(campaignId, "the account no longer exists")
      if (account.value.mode === "suspended") return yield* pause(campaignId, "the account is suspended")
      const template = compile(campaign.body)
      if (Either.isLeft(template))
        return yield* pause(campaignId, `the text is not a valid template: ${template.left.message}`)

      const size = Math.max(1, Math.min(tuning.pageSize, campaign.rateCap ?? Number.POSITIVE_INFINITY))
      let cursor = campaign.cursor
      let routes: ReadonlySet<RouteId> = new Set()
      while (true) {
        const closed = waitForWindow(campaign.sendWindow, account.value.timeZone, new Date())
        if (closed > 0) {
          yield* Effect.sleep(Math.min(closed, MAX_SLEEP_MS))
          continue
        }
        if (yield* routesFull(routes, tuning.highWater)) {
          yield* Effect.sleep(tuning.backlogPollMs)
          continue
        }
        const started = Date.now()
        // A page is committed and published whole, or not at all: interruption waits for it.
        const outcome = yield* Effect.uninterruptible(
          pages.next(campaign, template.right, cursor, size)
        ).pipe(
          Effect.catchTags({
            InsufficientBalance: (e) =>
              Effect.as(
                pause(
                  campaignId,
                  `insufficient balance: the next page costs ${e.requiredMinor}, the balance is ${e.availableMinor}`
                ),
                undefined
              ),
            SenderIdNotApproved: (e) =>
              Effect.as(pause(campaignId, `sender ID "${e.value}" is not approved (${e.status})`), undefined),
            InvalidSenderId: (e) => Effect.as(pause(campaignId, e.message), undefined),
            AccountNotFound: () => Effect.as(pause(campaignId, "the account no longer exists"), undefined)
          })
        )
        if (outcome === undefined) return
        switch (outcome._tag) {
          case "NotRunning":
            return
          case "Finished":
            yield* complete(campaignId, outcome.cursor)
            yield* Effect.logInfo(`campaign ${campaignId} completed`)
            return
          case "Page": {
            cursor = outcome.cursor
            if (outcome.routes.size > 0) routes = outcome.routes
            if (campaign.rateCap !== null && outcome.sent > 0) {
              const due = (outcome.sent / campaign.rateCap) * 1000 - (Date.now() - started)
              if (due > 0) yield* Effect.sleep(due)
            }
          }
        }
      }
    })

    return { run } as const
  })
}) {}

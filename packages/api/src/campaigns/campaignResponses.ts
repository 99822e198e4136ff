import type { BusShape } from "@volley/engine/bus/Bus"
import { publishStatusChanges } from "@volley/engine/bus/statusEvents"
import type { Cancelled } from "@volley/engine/campaign/CampaignControl"
import type { CampaignSummary } from "@volley/engine/campaign/CampaignReports"
import { Array as Arr, Effect } from "effect"
import { CampaignReport, SkipCounts, StatusCounts } from "./CampaignsApi.js"
import { CampaignCancelled } from "./campaignEndpoints.js"

/** Status events per bus message when a cancel fails queued messages: well under NATS's 1 MB payload. */
const STATUS_EVENTS_PER_PUBLISH = 500

const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0)

/** A campaign's report as senders and operators read it. */
export const reportOf = (s: CampaignSummary, currency: string) =>
  new CampaignReport({
    campaignId: s.campaign.id,
    status: s.campaign.status,
    statusReason: s.campaign.statusReason,
    contacts: s.contacts,
    processed: s.campaign.progress.processed,
    duplicates: s.campaign.progress.duplicates,
    messages: sum(s.statuses),
    statuses: new StatusCounts(s.statuses),
    skipped: new SkipCounts(s.skipped),
    skippedTotal: sum(s.skipped),
    chargedMinor: s.chargedMinor,
    refundedMinor: s.refundedMinor,
    costMinor: s.chargedMinor - s.refundedMinor,
    currency,
    startedAt: s.campaign.startedAt,
    finishedAt: s.campaign.finishedAt
  })

/**
 * After a cancel's commit, as binds do after theirs: the FAILED status events of the messages it failed,
 * so webhooks hear of them; then the answer.
 */
export const announceCancelled = (bus: BusShape, done: Cancelled) =>
  Effect.forEach(
    Arr.chunksOf(done.failed, STATUS_EVENTS_PER_PUBLISH),
    (chunk) =>
      publishStatusChanges(
        bus,
        chunk.map((m) => ({
          messageId: m.messageId,
          accountId: done.campaign.accountId,
          campaignId: done.campaign.id,
          recipient: m.recipient,
          status: "FAILED"
        }))
      ),
    { discard: true }
  ).pipe(
    Effect.as(
      new CampaignCancelled({
        campaign: done.campaign,
        failedMessages: done.failedMessages,
        refundedMinor: done.refundedMinor
      })
    )
  )

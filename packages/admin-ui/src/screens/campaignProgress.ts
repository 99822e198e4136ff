import type { AdminCampaign } from "../endpoints/campaigns"
import type { Segment } from "../StackedBar"

/**
 * What a campaign will end with: one message or one skip per recipient, a number met twice counting
 * once. Never less than what already exists (contacts removed from a group after the start).
 */
export const expectedOutcomes = (c: AdminCampaign): number =>
  Math.max(c.counts.recipients - c.progress.duplicates, c.counts.messages + c.counts.skipped)

/** Gone through: handed to a bind (or settled) or left out; the campaign's progress. */
export const doneOutcomes = (c: AdminCampaign): number => c.counts.sent + c.counts.skipped

/** The progress bar's shares; sent counts what is delivered and failed too, so those come out of it. */
export const progressSegments = (c: AdminCampaign): ReadonlyArray<Segment> => [
  { label: "Delivered", value: c.counts.delivered, tone: "delivered" },
  { label: "Failed", value: c.counts.failed, tone: "failed" },
  {
    label: "Sent, awaiting receipt",
    value: Math.max(0, c.counts.sent - c.counts.delivered - c.counts.failed),
    tone: "sent"
  },
  { label: "Queued", value: Math.max(0, c.counts.messages - c.counts.sent), tone: "queued" },
  { label: "Skipped", value: c.counts.skipped, tone: "skipped" }
]

// Plain data, apart from Campaign.ts: the admin UI imports this list without bundling Schema.

/**
 * draft → (start) → scheduled (start time ahead) → running ⇄ paused → completed; cancelled from any
 * state but completed. "completed" means every recipient was processed (a message created or a skip
 * recorded); delivery of the last messages goes on after it.
 */
export const campaignStatuses = ["draft", "scheduled", "running", "paused", "completed", "cancelled"] as const
export type CampaignStatus = (typeof campaignStatuses)[number]

import type { CampaignStatus } from "@volley/core/campaign/campaignStatuses"
import { request } from "../api"
import { type Page, query, segment } from "./query"

/** The API's CampaignStatus. */
export { campaignStatuses } from "@volley/core/campaign/campaignStatuses"
export type { CampaignStatus }

/** CampaignCounts: what the progress bar is drawn from, counted over the campaign's rows. */
export interface CampaignCounts {
  /** Contacts in its groups now (a number in two groups counts twice). */
  readonly recipients: number
  readonly messages: number
  /** Handed to a bind or settled. */
  readonly sent: number
  readonly delivered: number
  readonly failed: number
  readonly skipped: number
}

export interface CampaignProgress {
  readonly processed: number
  readonly messages: number
  readonly skipped: number
  readonly duplicates: number
  readonly chargedMinor: number
}

/** Campaign as the sender API returns it (pause / resume answer with this). */
export interface Campaign {
  readonly id: string
  readonly accountId: string
  readonly name: string
  readonly sender: string
  readonly body: string
  readonly groupIds: ReadonlyArray<string>
  readonly status: CampaignStatus
  readonly statusReason: string | null
  readonly startAt: string | null
  readonly rateCap: number | null
  readonly progress: CampaignProgress
  readonly createdAt: string
  readonly startedAt: string | null
  readonly finishedAt: string | null
}

/** AdminCampaign: whose it is, how far it got and how fast it goes. */
export interface AdminCampaign extends Campaign {
  readonly accountName: string
  readonly counts: CampaignCounts
  readonly messagesPerSecond: number
  readonly etaSeconds: number | null
}

/** The API's CampaignReport: messages per status now, skips per reason, money. */
export interface CampaignReport {
  readonly statuses: Readonly<Record<string, number>>
  readonly skipped: Readonly<Record<string, number>>
  readonly skippedTotal: number
  readonly duplicates: number
  readonly chargedMinor: number
  readonly refundedMinor: number
  readonly costMinor: number
  readonly currency: string
}

export interface AdminCampaignDetail extends AdminCampaign {
  readonly report: CampaignReport
}

export interface CampaignCancelled {
  readonly campaign: Campaign
  readonly failedMessages: number
  readonly refundedMinor: number
}

export type CampaignAction = "pause" | "resume" | "cancel"

const base = "/v1/admin/campaigns"

export const campaignsApi = {
  list: (filters: { readonly status?: CampaignStatus | undefined; readonly cursor?: string | undefined }) =>
    request<Page<AdminCampaign>>("GET", `${base}${query({ ...filters, limit: 100 })}`),
  get: (id: string) => request<AdminCampaignDetail>("GET", `${base}/${segment(id)}`),
  act: (id: string, action: CampaignAction) => request<unknown>("POST", `${base}/${segment(id)}/${action}`)
}

import type { PublicStatus } from "@volley/core/status/publicStatuses"
import { request } from "../api"
import { type Page, query, segment } from "./query"

/** Statuses as senders see them (the search filter); SUBMITTING shows as ENROUTE. */
export { publicStatuses } from "@volley/core/status/publicStatuses"
export type { PublicStatus }

/** HistoryEntry: one stored step of a message's life. */
export interface HistoryEntry {
  readonly at: string
  readonly status: string
  readonly source: "api" | "campaign" | "bind" | "receipt" | "sweeper" | "policy"
  readonly smppStatus?: number
  readonly bindId?: string
  readonly detail?: string
}

/** AdminMessage: the sender's view plus whose it is, where it went and every stored step. */
export interface AdminMessage {
  readonly id: string
  readonly to: string
  readonly sender: string
  readonly text: string
  readonly encoding: "GSM7" | "UCS2"
  readonly parts: number
  readonly status: PublicStatus
  readonly statusReason: string | null
  readonly smppStatus: number | null
  readonly pricePerPartMinor: number
  readonly chargeMinor: number
  readonly refunded: boolean
  readonly campaignId: string | null
  readonly validitySeconds: number
  readonly scheduledAt: string | null
  readonly createdAt: string
  readonly submittedAt: string | null
  readonly doneAt: string | null
  readonly accountId: string
  readonly accountName: string
  readonly deliveryStatus: string
  readonly routeId: string
  readonly operatorId: string
  readonly bindId: string | null
  readonly smscMessageId: string | null
  readonly attempts: number
  readonly events: ReadonlyArray<HistoryEntry>
}

export interface MessagePart {
  readonly seq: number
  readonly operatorId: string
  readonly smscMessageId: string | null
  readonly status: string
  readonly smppStatus: number | null
  readonly updatedAt: string
}

export interface AdminMessageDetail extends AdminMessage {
  readonly partDetails: ReadonlyArray<MessagePart>
}

export interface MessageSearch {
  readonly id?: string
  readonly recipient?: string
  readonly accountId?: string
  readonly status?: PublicStatus | ""
  readonly campaignId?: string
}

const base = "/v1/admin/messages"

export const messagesApi = {
  search: (search: MessageSearch, cursor?: string) =>
    request<Page<AdminMessage>>("GET", `${base}${query({ ...search, cursor, limit: 50 })}`),
  get: (id: string) => request<AdminMessageDetail>("GET", `${base}/${segment(id)}`)
}

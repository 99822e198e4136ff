import type { StatusChange } from "../bus/statusEvents.js"

/**
 * Where a status stands in a message's life as senders hear it: ENROUTE, then NOREPORT (no receipt in
 * time), then a final state. 0 means "not sent to webhooks" (QUEUED: accepted, or put back after a throttle).
 */
export const webhookRank = (status: string): number => {
  switch (status) {
    case "ENROUTE":
      return 1
    case "NOREPORT":
      return 2
    case "DELIVRD":
    case "UNDELIV":
    case "EXPIRED":
    case "REJECTD":
    case "FAILED":
      return 3
    default:
      return 0
  }
}

/** One event as a receiver reads it; `id` is stable across retries, so receivers can de-duplicate. */
export interface WebhookEvent {
  readonly id: string
  readonly type: "message.status" | "webhook.test"
  readonly messageId: string | null
  readonly accountId: string
  readonly campaignId: string | null
  readonly recipient: string | null
  readonly status: string | null
  /** When the status changed (ISO 8601). */
  readonly at: string
}

export const statusEvent = (change: StatusChange & { readonly at: number }): WebhookEvent => ({
  id: `${change.messageId}:${change.status}`,
  type: "message.status",
  messageId: change.messageId,
  accountId: change.accountId,
  campaignId: change.campaignId,
  recipient: change.recipient,
  status: change.status,
  at: new Date(change.at).toISOString()
})

/** The body of every POST: a JSON object with the events in order (one, or a batch). */
export const webhookBody = (events: ReadonlyArray<unknown>): string => JSON.stringify({ events })

import { Effect } from "effect"
import type { BusShape } from "./Bus.js"
import { contentId } from "./contentId.js"

const statusEncoder = new TextEncoder()

export interface StatusChange {
  readonly messageId: string
  readonly accountId: string
  readonly campaignId: string | null
  readonly recipient: string
  readonly status: string
}

/**
 * Status events for webhooks and live reports: one bus message per account per batch, carrying a JSON
 * array of `StatusEvent`s (core `bus/StatusEvent.ts`). A persisted publish per status change would cost
 * two JetStream writes per SMS on the hot path; a batch costs one per account. All in flight together.
 */
export const publishStatusChanges = (bus: BusShape, changes: ReadonlyArray<StatusChange>) => {
  if (changes.length === 0) return Effect.void
  const byAccount = new Map<string, Array<StatusChange & { at: number }>>()
  const at = Date.now()
  for (const c of changes) {
    const event = {
      messageId: c.messageId,
      accountId: c.accountId,
      campaignId: c.campaignId,
      recipient: c.recipient,
      status: c.status,
      at
    }
    const list = byAccount.get(c.accountId)
    if (list === undefined) byAccount.set(c.accountId, [event])
    else list.push(event)
  }
  const publish = (accountId: string, events: ReadonlyArray<StatusChange & { at: number }>) => {
    const msgId = contentId(
      "s",
      events.map((e) => `${e.messageId}:${e.status}`)
    )
    return bus.publishStatus(accountId, [{ msgId, data: statusEncoder.encode(JSON.stringify(events)) }])
  }
  return Effect.forEach(byAccount, ([accountId, events]) => publish(accountId, events), {
    concurrency: "unbounded",
    discard: true
  }).pipe(
    Effect.asVoid,
    Effect.catchAll((error) => Effect.logWarning("status events not published", error))
  )
}

/** Reads one status bus message back into its events. */
export const decodeStatusEvents = (data: Uint8Array): ReadonlyArray<StatusChange & { at: number }> =>
  JSON.parse(new TextDecoder().decode(data)) as ReadonlyArray<StatusChange & { at: number }>

import { Effect } from "effect"
import type { BusShape } from "./Bus.js"

const statusEncoder = new TextEncoder()

/** Status events for webhooks and live reports, grouped by account, all in flight together. */
export const publishStatusChanges = (
  bus: BusShape,
  changes: ReadonlyArray<{
    messageId: string
    accountId: string
    campaignId: string | null
    recipient: string
    status: string
  }>
) => {
  if (changes.length === 0) return Effect.void
  const byAccount = new Map<string, Array<{ msgId: string; data: Uint8Array }>>()
  const at = Date.now()
  for (const c of changes) {
    const list = byAccount.get(c.accountId) ?? []
    list.push({
      msgId: `${c.messageId}:${c.status}`,
      data: statusEncoder.encode(JSON.stringify({ ...c, at }))
    })
    byAccount.set(c.accountId, list)
  }
  return Effect.forEach(byAccount, ([accountId, batch]) => bus.publishStatus(accountId, batch), {
    concurrency: "unbounded",
    discard: true
  }).pipe(Effect.catchAll((error) => Effect.logWarning("status events not published", error)))
}

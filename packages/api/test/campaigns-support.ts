import { SqlClient } from "@effect/sql"
import type { AccountId, CampaignId } from "@volley/core"
import { SendService } from "@volley/engine/send/SendService"
import { Effect } from "effect"
import { expectStatus, type Sender } from "./support/ApiHarness.js"

export interface ContactInput {
  readonly number: string
  readonly name?: string
  readonly fields?: Record<string, string>
}

/** A group of the sender's with these contacts, through the API; returns its id. */
export const groupWith = (sender: Sender, name: string, contacts: ReadonlyArray<ContactInput>) =>
  Effect.gen(function* () {
    const group = expectStatus(yield* sender.as("POST", "/v1/groups", { name }), 201).body
    for (const contact of contacts)
      expectStatus(yield* sender.as("POST", `/v1/groups/${group.id}/contacts`, contact), 201)
    return group.id as string
  })

/** A draft campaign through the API (the default sender), with any other settings given. */
export const draft = (
  sender: Sender,
  groupIds: ReadonlyArray<string>,
  settings: Record<string, unknown> = {}
) =>
  Effect.map(
    sender.as("POST", "/v1/campaigns", { name: "Spring sale", text: "Hi {name}", groupIds, ...settings }),
    (reply) => expectStatus(reply, 201).body
  )

/**
 * Messages of a campaign as its scheduler would create them (charged, QUEUED, on the bus): through the
 * engine's send path with the campaign's id, so the tests do not depend on the scheduler.
 */
export const campaignMessages = (
  sender: Sender,
  campaignId: string,
  to: ReadonlyArray<string>,
  text = "Hi"
) =>
  Effect.gen(function* () {
    const send = yield* SendService
    const result = yield* send
      .accept({
        accountId: sender.accountId as AccountId,
        sender: "Volley",
        campaignId: campaignId as CampaignId,
        messages: to.map((n) => ({ to: n, text }))
      })
      .pipe(Effect.orDie)
    return new Map(result.accepted.map((a) => [a.to as string, a.messageId as string]))
  })

/** Sets a message's status the way binds and receipts would (with a history step), refunding if asked. */
export const settle = (
  messageId: string,
  status: string,
  options: { refunded?: boolean; reason?: string } = {}
) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`UPDATE messages SET status = ${status}, refunded = ${options.refunded ?? false},
          status_reason = ${options.reason ?? null}, updated_at = now(),
          history = history || jsonb_build_array(jsonb_build_object('at', now(), 'status', ${status}::text,
            'source', 'receipt'))
        WHERE id = ${messageId}`.pipe(Effect.orDie)
  )

/** A recipient the campaign left out, as the scheduler records it. */
export const skip = (campaignId: string, msisdn: string, groupId: string, reason: string, detail: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`INSERT INTO campaign_skips (campaign_id, msisdn, group_id, reason, detail)
        VALUES (${campaignId}, ${msisdn}, ${groupId}, ${reason}, ${detail})`.pipe(Effect.orDie)
  )

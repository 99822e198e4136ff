import { SqlClient } from "@effect/sql"
import { type AccountId, type CampaignId, type E164, type GroupId, uuid7 } from "@volley/core"
import type { Campaign } from "@volley/core/campaign/Campaign"
import { Effect, Layer, Option } from "effect"
import type { BindTuningSettings } from "../../src/bind/BindTuning.js"
import { CampaignSupervisor } from "../../src/campaign/CampaignSupervisor.js"
import { CampaignsRepo } from "../../src/campaign/CampaignsRepo.js"
import { CampaignTuning, type CampaignTuningSettings } from "../../src/campaign/CampaignTuning.js"
import { ContactsRepo } from "../../src/contacts/ContactsRepo.js"
import { GroupsRepo } from "../../src/contacts/GroupsRepo.js"
import { SendService } from "../../src/send/SendService.js"
import { bindActors } from "./BindScenario.js"

/**
 * The campaign supervisor over the binds, the send path and the correlator; small pages and a quick
 * supervisor, so a few hundred contacts take many pages. `bindTuning` as for `bindActors`.
 */
export const campaignActors = (
  tuning: Partial<CampaignTuningSettings> = {},
  bindTuning: Partial<BindTuningSettings> = {}
) =>
  CampaignSupervisor.layer.pipe(
    Layer.provide(SendService.Default),
    Layer.provide(CampaignTuning.layer({ pageSize: 50, pollIntervalMs: 100, ...tuning })),
    Layer.provideMerge(bindActors(bindTuning))
  )

export interface TestContact {
  readonly msisdn: string
  readonly name?: string
  readonly fields?: Record<string, string>
}

/** A group of the account holding `contacts`, in that order. */
export const groupWith = (accountId: AccountId, name: string, contacts: ReadonlyArray<TestContact>) =>
  Effect.gen(function* () {
    const group = yield* (yield* GroupsRepo).create(accountId, name)
    const repo = yield* ContactsRepo
    for (let i = 0; i < contacts.length; i += 5_000)
      yield* repo.addMany(
        accountId,
        group.id,
        contacts
          .slice(i, i + 5_000)
          .map((c) => ({ msisdn: c.msisdn as E164, name: c.name, fields: c.fields }))
      )
    return group.id
  }).pipe(Effect.orDie)

export interface TestCampaign {
  readonly accountId: AccountId
  readonly groupIds: ReadonlyArray<GroupId>
  readonly body: string
  readonly sender?: string
  readonly status?: "draft" | "running" | "scheduled"
  readonly startAt?: Date
  readonly rateCap?: number
  readonly onMissingField?: "skip" | "empty"
  readonly window?: { readonly start: string; readonly end: string }
}

/** A campaign row as the API would create it (running unless told otherwise). */
export const insertCampaign = (spec: TestCampaign) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const id = uuid7() as CampaignId
    yield* sql`
      INSERT INTO campaigns (id, account_id, name, sender, body, group_ids, status, rate_cap, on_missing_field,
                             window_start, window_end, start_at, started_at)
      VALUES (${id}, ${spec.accountId}, ${`campaign ${id.slice(-6)}`}, ${spec.sender ?? "Volley"}, ${spec.body},
              ${spec.groupIds}::uuid[], ${spec.status ?? "running"}, ${spec.rateCap ?? null},
              ${spec.onMissingField ?? "skip"}, ${spec.window?.start ?? null}::time, ${spec.window?.end ?? null}::time,
              ${spec.startAt?.toISOString() ?? null}::timestamptz,
              ${spec.status === "scheduled" ? null : new Date().toISOString()}::timestamptz)`
    return id
  }).pipe(Effect.orDie)

export const campaignOf = (id: CampaignId) =>
  Effect.gen(function* () {
    const found = yield* (yield* CampaignsRepo).find(id)
    return Option.getOrThrow(found) as Campaign
  })

export const setCampaignStatus = (id: CampaignId, status: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`UPDATE campaigns SET status = ${status}, status_reason = NULL WHERE id = ${id}`
  }).pipe(Effect.orDie)

export interface CampaignMessage {
  readonly recipient: string
  readonly body: string
  readonly status: string
}

export const campaignMessages = (id: CampaignId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<CampaignMessage>`
      SELECT recipient, body, status FROM messages WHERE campaign_id = ${id} ORDER BY recipient`
  }).pipe(Effect.orDie)

export const campaignSkips = (id: CampaignId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<{ msisdn: string; reason: string; detail: string }>`
      SELECT msisdn, reason, detail FROM campaign_skips WHERE campaign_id = ${id} ORDER BY msisdn`
  }).pipe(Effect.orDie)

export const messageCount = (id: CampaignId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{
      n: number
    }>`SELECT count(*)::int4 AS n FROM messages WHERE campaign_id = ${id}`
    return row?.n ?? 0
  }).pipe(Effect.orDie)

import {
  type Account,
  type AccountId,
  analyze,
  type CampaignId,
  compile,
  type E164,
  type Encoding,
  type OnMissingField,
  personalise,
  type Recipient,
  type SkipReason,
  type Template
} from "@volley/core"
import { BlacklistRepo } from "@volley/engine/blacklist/BlacklistRepo"
import { CampaignAudience } from "@volley/engine/campaign/CampaignAudience"
import { noSkips } from "@volley/engine/campaign/CampaignReports"
import { CampaignsRepo } from "@volley/engine/campaign/CampaignsRepo"
import { type CatalogSnapshot, RoutingCatalog } from "@volley/engine/catalog/RoutingCatalog"
import { yieldToIo } from "@volley/engine/send/yieldToIo"
import { Effect, Either } from "effect"
import { priceRecipient } from "../messages/Estimator.js"
import {
  CampaignEstimate,
  CampaignPreview,
  ESTIMATE_SAMPLE,
  EXACT_ESTIMATE_LIMIT,
  PREVIEW_SAMPLES,
  PreviewSample,
  SkipCounts
} from "./CampaignsApi.js"

interface Rules {
  readonly template: Template
  readonly onMissing: OnMissingField
  readonly maxParts: number
  readonly snapshot: CatalogSnapshot
}

type Outcome =
  | {
      readonly _tag: "Message"
      readonly text: string
      readonly encoding: Encoding
      readonly parts: number
      readonly chargeMinor: number
    }
  | {
      readonly _tag: "Skipped"
      readonly reason: SkipReason
      readonly detail: string
      readonly text: string | null
    }

/** What the scheduler would do with one recipient: its text, parts and price, or why it would skip it. */
const evaluate = (rules: Rules, recipient: Recipient): Outcome => {
  const text = personalise(rules.template, recipient, rules.onMissing)
  if (Either.isLeft(text))
    return { _tag: "Skipped", reason: "MISSING_FIELD", detail: text.left.message, text: null }
  const analysed = analyze(text.right, { maxParts: rules.maxParts })
  if (Either.isLeft(analysed)) {
    const reason = analysed.left._tag === "EmptyText" ? "EMPTY_TEXT" : "TOO_MANY_PARTS"
    return { _tag: "Skipped", reason, detail: analysed.left.message, text: text.right }
  }
  const priced = priceRecipient(rules.snapshot, recipient.msisdn, analysed.right.parts)
  if (Either.isLeft(priced)) {
    const reason = priced.left.code as Extract<SkipReason, "INVALID_NUMBER" | "NO_ROUTE" | "NO_PRICE">
    return { _tag: "Skipped", reason, detail: priced.left.message, text: text.right }
  }
  return {
    _tag: "Message",
    text: text.right,
    encoding: analysed.right.encoding,
    parts: analysed.right.parts,
    chargeMinor: priced.right.chargeMinor
  }
}

/** Rendering and pricing cost tens of µs per recipient: let the event loop through between slices. */
const SLICE = 1_000

/**
 * A campaign before it starts: its text as its first recipients would get it, and what it would send and
 * cost, by the rules the send path applies (the Estimator's routing and pricing), sending nothing.
 */
export class CampaignPreviewer extends Effect.Service<CampaignPreviewer>()("volley/api/CampaignPreviewer", {
  effect: Effect.gen(function* () {
    const campaigns = yield* CampaignsRepo
    const audience = yield* CampaignAudience
    const blacklist = yield* BlacklistRepo
    const catalog = yield* RoutingCatalog

    const samplesOf = (accountId: AccountId, rules: Rules, recipients: ReadonlyArray<Recipient>) =>
      Effect.gen(function* () {
        const blocked = yield* blacklist.filterBlacklisted(
          accountId,
          recipients.map((r) => r.msisdn as E164)
        )
        return recipients.map((r) => {
          const base = { to: r.msisdn, name: r.name }
          if (blocked.has(r.msisdn as E164))
            return new PreviewSample({
              ...base,
              text: null,
              encoding: null,
              parts: null,
              chargeMinor: null,
              skipped: "BLACKLISTED",
              detail: `${r.msisdn} opted out`
            })
          const outcome = evaluate(rules, r)
          return outcome._tag === "Message"
            ? new PreviewSample({
                ...base,
                text: outcome.text,
                encoding: outcome.encoding,
                parts: outcome.parts,
                chargeMinor: outcome.chargeMinor,
                skipped: null,
                detail: null
              })
            : new PreviewSample({
                ...base,
                text: outcome.text,
                encoding: null,
                parts: null,
                chargeMinor: null,
                skipped: outcome.reason,
                detail: outcome.detail
              })
        })
      })

    const preview = Effect.fn("CampaignPreviewer.preview")(function* (
      account: Account,
      campaignId: CampaignId
    ) {
      const accountId = account.id
      const campaign = yield* campaigns.get(accountId, campaignId)
      // stored campaigns compiled when they were created
      const template = yield* Either.match(compile(campaign.body), {
        onLeft: Effect.die,
        onRight: Effect.succeed
      })
      const rules: Rules = {
        template,
        onMissing: campaign.onMissingField,
        maxParts: account.maxParts,
        snapshot: yield* catalog.snapshot
      }
      const first = yield* audience.first(accountId, campaign.groupIds, PREVIEW_SAMPLES)
      const samples = yield* samplesOf(accountId, rules, first)

      const stats = yield* audience.stats(accountId, campaign.groupIds)
      const exact = stats.numbers <= EXACT_ESTIMATE_LIMIT
      const everyNth = exact ? 1 : Math.ceil(stats.numbers / ESTIMATE_SAMPLE)
      const evaluated = yield* audience.recipients(accountId, campaign.groupIds, everyNth)
      const skipped = noSkips()
      let messages = 0
      let parts = 0
      let totalMinor = 0
      for (const [i, recipient] of evaluated.entries()) {
        if (i > 0 && i % SLICE === 0) yield* yieldToIo
        const outcome = evaluate(rules, recipient)
        if (outcome._tag === "Skipped") skipped[outcome.reason] += 1
        else {
          messages += 1
          parts += outcome.parts
          totalMinor += outcome.chargeMinor
        }
      }
      // A sample stands for every number that is not blacklisted; the blacklisted are counted exactly.
      const reachable = stats.numbers - stats.blacklisted
      const scale = exact || evaluated.length === 0 ? 1 : reachable / evaluated.length
      const scaled = (n: number) => Math.round(n * scale)
      const scaledSkips = noSkips()
      for (const reason of Object.keys(skipped) as Array<SkipReason>)
        scaledSkips[reason] = scaled(skipped[reason])
      scaledSkips.BLACKLISTED = stats.blacklisted
      return new CampaignPreview({
        samples,
        estimate: new CampaignEstimate({
          exact,
          contacts: stats.contacts,
          numbers: stats.numbers,
          evaluated: evaluated.length,
          messages: scaled(messages),
          skipped: new SkipCounts(scaledSkips),
          parts: scaled(parts),
          totalMinor: scaled(totalMinor),
          currency: account.currency
        })
      })
    })

    return { preview } as const
  })
}) {}

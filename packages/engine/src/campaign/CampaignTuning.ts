import { Config, Context, Effect, Layer } from "effect"

/** How every campaign scheduler of a process behaves; per-campaign settings are on the campaign. */
export interface CampaignTuningSettings {
  /** Contacts per page: one transaction, one debit and one publish each. */
  readonly pageSize: number
  /**
   * A scheduler waits while a route it sends to has this many messages queued and not yet taken by a
   * bind (§1 back-pressure): a paused or cancelled campaign then has at most this much still on its way.
   */
  readonly highWater: number
  /** How often the supervisor looks for campaigns to start, pause or stop. */
  readonly pollIntervalMs: number
  /** How often a scheduler held back by a full queue looks again. */
  readonly backlogPollMs: number
  /** Campaigns sending at once in this process; more wait their turn. */
  readonly maxRunning: number
}

const defaultCampaignTuning: CampaignTuningSettings = {
  pageSize: 1_000,
  highWater: 5_000,
  pollIntervalMs: 250,
  backlogPollMs: 50,
  maxRunning: 32
}

export class CampaignTuning extends Context.Reference<CampaignTuning>()("volley/CampaignTuning", {
  defaultValue: (): CampaignTuningSettings => defaultCampaignTuning
}) {
  static layer(overrides: Partial<CampaignTuningSettings>) {
    return Layer.succeed(CampaignTuning, { ...defaultCampaignTuning, ...overrides })
  }

  /** `VOLLEY_CAMPAIGN_PAGE_SIZE` and `VOLLEY_CAMPAIGN_HIGH_WATER` over the defaults. */
  static readonly fromEnv = Layer.unwrapEffect(
    Effect.gen(function* () {
      const pageSize = yield* Config.integer("VOLLEY_CAMPAIGN_PAGE_SIZE").pipe(
        Config.withDefault(defaultCampaignTuning.pageSize)
      )
      const highWater = yield* Config.integer("VOLLEY_CAMPAIGN_HIGH_WATER").pipe(
        Config.withDefault(defaultCampaignTuning.highWater)
      )
      return CampaignTuning.layer({ pageSize, highWater })
    })
  )
}

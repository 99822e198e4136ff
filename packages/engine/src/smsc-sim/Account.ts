import { emptyCounters, type SimulatorCounters } from "./Counters.js"
import type { Delivery } from "./Delivery.js"
import { Fifo } from "./Fifo.js"
import {
  mergeAccountSettings,
  RECEIPT_STATS,
  type ReceiptStat,
  type SimulatorAccountConfig,
  type SimulatorAccountSettings
} from "./SimulatorConfig.js"
import { TokenBucket } from "./TokenBucket.js"

/** What an account needs of a connection to hand it deliveries. */
export interface DeliveryTarget {
  /** Bound as receiver or transceiver, open, and with room in its deliver_sm window. */
  readonly canDeliver: boolean
  deliver(delivery: Delivery): void
}

/**
 * One system_id's run-time state: its settings (replaced whole on `configure`, so a PDU handler always
 * sees one consistent version), counters, TPS bucket, bound connections and the deliveries waiting for a
 * receiver — an SMSC stores receipts and MO until a receiver binds, so do we (up to `maxPending`).
 */
export class Account {
  settings: SimulatorAccountSettings
  readonly counters: SimulatorCounters = emptyCounters()
  readonly bucket: TokenBucket
  /** Weights of RECEIPT_STATS in order, and their sum, for the weighted draw. */
  mixWeights: ReadonlyArray<number> = []
  mixTotal = 0
  private readonly targets: Array<DeliveryTarget> = []
  private nextTarget = 0
  private readonly pending = new Fifo<Delivery>()

  constructor(
    readonly systemId: string,
    settings: SimulatorAccountSettings,
    private readonly maxPending: number
  ) {
    this.settings = settings
    this.bucket = new TokenBucket(settings.tps)
    this.indexMix()
  }

  configure(patch: SimulatorAccountConfig): void {
    const before = this.settings
    this.settings = mergeAccountSettings(before, patch)
    if (this.settings.tps !== before.tps) this.bucket.reset(this.settings.tps)
    this.indexMix()
  }

  /** Picks a receipt state from the configured mix. */
  drawStat(random: { weighted(weights: ReadonlyArray<number>, total: number): number }): ReceiptStat {
    return RECEIPT_STATS[random.weighted(this.mixWeights, this.mixTotal)]!
  }

  addTarget(target: DeliveryTarget): void {
    this.targets.push(target)
    this.flush()
  }

  removeTarget(target: DeliveryTarget): void {
    const i = this.targets.indexOf(target)
    if (i >= 0) this.targets.splice(i, 1)
  }

  /** Sends on `preferred` when it can take it (a receipt goes back where its submit came from), else on
   *  the next receiver in turn, else keeps it for later. */
  deliver(delivery: Delivery, preferred?: DeliveryTarget | undefined): void {
    if (this.pendingCount > 0) {
      // Older deliveries wait: this one queues behind them, and whatever can go now goes.
      this.keep(delivery)
      this.flush()
      return
    }
    const target = preferred?.canDeliver ? preferred : this.pickTarget()
    if (target !== undefined) target.deliver(delivery)
    else this.keep(delivery)
  }

  /** Hands waiting deliveries to whoever can take them, oldest first. */
  flush(): void {
    while (this.pendingCount > 0) {
      const target = this.pickTarget()
      if (target === undefined) return
      const delivery = this.pending.shift()!
      this.counters.deliveriesPending--
      target.deliver(delivery)
    }
  }

  /** Keeps a delivery until a receiver can take it; beyond the cap the oldest is discarded. */
  keep(delivery: Delivery): void {
    if (this.pending.size >= this.maxPending) {
      this.pending.shift()
      this.counters.deliveriesPending--
      this.counters.deliveriesDiscarded++
    }
    this.pending.push(delivery)
    this.counters.deliveriesPending++
  }

  get pendingCount(): number {
    return this.pending.size
  }

  private pickTarget(): DeliveryTarget | undefined {
    const n = this.targets.length
    for (let k = 0; k < n; k++) {
      const target = this.targets[(this.nextTarget + k) % n]!
      if (target.canDeliver) {
        this.nextTarget = (this.nextTarget + k + 1) % n
        return target
      }
    }
    return undefined
  }

  private indexMix(): void {
    const mix = this.settings.receiptMix
    this.mixWeights = RECEIPT_STATS.map((stat) => mix[stat] ?? 0)
    this.mixTotal = this.mixWeights.reduce((a, b) => a + b, 0)
  }
}

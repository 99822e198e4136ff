import { Layer } from "effect"
import { NoReportSweeper, type NoReportSweeperOptions } from "./NoReportSweeper.js"
import { OutboxSweeper, type OutboxSweeperOptions } from "./OutboxSweeper.js"

export interface RecoveryOptions {
  readonly outbox?: OutboxSweeperOptions | undefined
  readonly noReport?: NoReportSweeperOptions | undefined
}

/**
 * The recovery side of the engine (DESIGN.md §2, §7): the outbox sweeper (QUEUED messages that are due
 * but not on the bus) and the NOREPORT sweeper (messages whose receipt never came). Both only need
 * Postgres and the bus, so any number of engine instances can run them side by side.
 */
export const Recovery = {
  layer: (options: RecoveryOptions = {}) =>
    Layer.mergeAll(OutboxSweeper.layer(options.outbox), NoReportSweeper.layer(options.noReport))
}

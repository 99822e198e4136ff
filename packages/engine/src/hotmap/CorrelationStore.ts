import { Context, type Effect } from "effect"
import type { HotMapError } from "./errors.js"

/**
 * Which message an operator's receipt is about: receipts name the message by the SMSC's id, which is only
 * unique per operator (DESIGN §4). Normalising the id (hex vs decimal, leading zeros) is the caller's job:
 * the store compares the strings as given. `operatorId` must not contain ':' (it is a key segment).
 */
export interface CorrelationKey {
  readonly operatorId: string
  readonly smscMessageId: string
}

/** Our side of the correlation: the message and which of its parts the SMSC id belongs to. */
export interface Correlation {
  readonly messageId: string
  readonly part: number
}

export interface CorrelationEntry extends CorrelationKey, Correlation {
  /** The message's validity period plus a grace time: a receipt later than that settles via Postgres. */
  readonly ttlSeconds: number
}

export interface ParkedReceipt extends CorrelationKey {
  /** The receipt as it came off the bus, replayed when its correlation appears. */
  readonly payload: Uint8Array
  readonly ttlSeconds: number
}

/** At most this many receipts are parked per SMSC id (intermediate ones plus the final); older are dropped. */
export const MAX_PARKED_PER_KEY = 16

export interface CorrelationStoreShape {
  /** Records submit_sm_resps, one round trip per batch (DESIGN §11); an existing key is overwritten. */
  readonly putMany: (entries: ReadonlyArray<CorrelationEntry>) => Effect.Effect<void, HotMapError>
  /** Aligned with `keys`: `undefined` where nothing is recorded (never written, expired or evicted). */
  readonly getMany: (
    keys: ReadonlyArray<CorrelationKey>
  ) => Effect.Effect<ReadonlyArray<Correlation | undefined>, HotMapError>
  /** Forgets correlations whose message reached a final state (an optimisation: they expire anyway). */
  readonly deleteMany: (keys: ReadonlyArray<CorrelationKey>) => Effect.Effect<void, HotMapError>

  /**
   * Parks receipts that arrived before their submit_sm_resp was recorded. Several receipts for one SMSC id
   * are kept in arrival order (at most MAX_PARKED_PER_KEY, the oldest dropped); each park renews the
   * key's TTL.
   */
  readonly parkReceipts: (entries: ReadonlyArray<ParkedReceipt>) => Effect.Effect<void, HotMapError>
  /**
   * Removes and returns the parked receipts of each key, aligned with `keys` (empty where none), atomically:
   * of two concurrent takers only one gets a given receipt.
   */
  readonly takeParked: (
    keys: ReadonlyArray<CorrelationKey>
  ) => Effect.Effect<ReadonlyArray<ReadonlyArray<Uint8Array>>, HotMapError>
}

/**
 * SMSC message id → our message, plus receipts waiting for their correlation. A cache in front of
 * Postgres (which stores the SMSC ids too): a miss or a HotMapError means "ask Postgres", never "unknown".
 */
export class CorrelationStore extends Context.Tag("volley/CorrelationStore")<
  CorrelationStore,
  CorrelationStoreShape
>() {}

// A TTL is a bound, not a promise to keep data forever: anything longer than any validity period is a bug.
const MAX_TTL_MS = 366 * 24 * 3600 * 1000

/**
 * A TTL as whole milliseconds in [1 ms, a year]: a non-positive (or NaN) TTL stores an entry that is
 * already as good as gone, and both layers treat it the same way.
 */
export const ttlMillis = (ttlSeconds: number): number => {
  const ms = Math.ceil(ttlSeconds * 1000)
  return ms >= 1 ? Math.min(ms, MAX_TTL_MS) : 1
}

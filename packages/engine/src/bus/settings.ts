/**
 * Tunables shared by both bus layers, so the in-process bus behaves like the JetStream one configured
 * with the same values.
 */
export interface BusSettings {
  /** First subject token(s): `<prefix>.submit.<route>`; stream names derive from it. */
  readonly prefix: string
  /** Unacked deliveries come back after this long. */
  readonly ackWaitMs: number
  /** Default ceiling on a consumer's unacked deliveries (routes may set their own). */
  readonly maxAckPending: number
  /** Window in which a repeated msg id is dropped. */
  readonly duplicateWindowMs: number
  /** Messages each stream keeps at most: publishes beyond are refused (work queues) or push out the oldest (status). */
  readonly maxMessages: number
  /** Status events older than this are dropped. */
  readonly statusMaxAgeMs: number
  /** How long a publish batch waits for all its acks. */
  readonly publishTimeoutMs: number
  /** Items per bundle at most, and about this many bytes (NATS' default max payload is 1 MiB). */
  readonly bundleMaxItems: number
  readonly bundleMaxBytes: number
}

export const defaultBusSettings: BusSettings = {
  prefix: "volley",
  ackWaitMs: 30_000,
  maxAckPending: 1_000,
  duplicateWindowMs: 120_000,
  maxMessages: 1_000_000,
  statusMaxAgeMs: 24 * 3_600_000,
  publishTimeoutMs: 10_000,
  bundleMaxItems: 200,
  bundleMaxBytes: 256 * 1024
}

export type BusOptions = Partial<{ readonly [K in keyof BusSettings]: BusSettings[K] | undefined }>

export const resolveSettings = (options: BusOptions = {}): BusSettings => {
  const merged: Record<string, unknown> = { ...defaultBusSettings }
  for (const [k, v] of Object.entries(options)) if (v !== undefined) merged[k] = v
  return merged as unknown as BusSettings
}

/** Pull wait of the streaming consumers when the caller does not choose one. */
export const defaultConsumeExpiresMs = 5_000

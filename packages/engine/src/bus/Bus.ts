import { Context, type Effect, type Stream } from "effect"
import type { BusError } from "./errors.js"

/** One message to publish; `msgId` becomes `Nats-Msg-Id`, de-duplicated within the stream's window. */
export interface Outgoing {
  readonly msgId: string
  readonly data: Uint8Array
}

export interface PublishResult {
  /** Newly stored messages. */
  readonly published: number
  /** Dropped because their msg id was seen within the duplicate window. */
  readonly duplicates: number
}

/**
 * A message handed to a consumer. Until it is settled (`ack`, `nak`, `term`) it counts against the
 * consumer's max-ack-pending and, if not settled within ack-wait, it is delivered again (possibly to
 * another instance). Settling twice is harmless; acking an old delivery of a redelivered message still
 * acks it (consumers are idempotent against Postgres, DESIGN §7).
 */
export interface Delivery {
  readonly data: Uint8Array
  readonly msgId: string
  /** The subject's id: routeId, bindId or accountId. */
  readonly key: string
  /** How many times this message was delivered before this delivery (0 on the first). */
  readonly redelivered: number
  readonly ack: Effect.Effect<void>
  /** Deliver again after `delayMs` (immediately when omitted). */
  nak(delayMs?: number): Effect.Effect<void>
  /** Still working on it: restarts the ack-wait timer. */
  working(): Effect.Effect<void>
  /** Never deliver again (and, on a work queue, remove it). */
  term(): Effect.Effect<void>
  /** `ack` and `nak` done at once, for loops that settle a whole batch inside one effect. */
  ackNow(): void
  nakNow(delayMs?: number): void
}

export interface QueueDepth {
  /** Stored, not yet delivered. */
  readonly pending: number
  /** Delivered, not yet acked (including those waiting for redelivery). */
  readonly inFlight: number
}

export interface ConsumeOptions {
  /** Most messages asked for by one pull. */
  readonly batch: number
  /** Most unsettled deliveries this stream holds at once; it pulls only what this leaves room for. */
  readonly maxInFlight: number
  /** How long one pull waits for messages before asking again (default 5 s). */
  readonly expiresMs?: number | undefined
}

export interface StatusConsumeOptions extends ConsumeOptions {
  /** Where a new subscriber starts: the retained history (default) or only what comes next. */
  readonly from?: "all" | "new" | undefined
}

export interface RouteOptions {
  /** Ceiling on the route's unacked deliveries: at least the sum of the route's bind windows. */
  readonly maxAckPending?: number | undefined
}

export interface TelemetrySample {
  readonly bindId: string
  readonly data: Uint8Array
}

/** What processes announce to each other: the routing catalog, sender keys and accounts. */
export type AnnouncementTopic = "catalog" | "credentials"

export interface BusShape {
  /** All publishes in flight together, their acks awaited as a group. */
  readonly publishSubmits: (
    routeId: string,
    batch: ReadonlyArray<Outgoing>
  ) => Effect.Effect<PublishResult, BusError>
  readonly publishReceipts: (
    bindId: string,
    batch: ReadonlyArray<Outgoing>
  ) => Effect.Effect<PublishResult, BusError>
  readonly publishStatus: (
    accountId: string,
    batch: ReadonlyArray<Outgoing>
  ) => Effect.Effect<PublishResult, BusError>

  /**
   * Creates the route's durable consumer, or updates its settings (idempotent). Pulling from, or asking
   * the depth of, a route that was never ensured creates its consumer with the default settings.
   */
  readonly ensureRoute: (routeId: string, options?: RouteOptions) => Effect.Effect<void, BusError>
  /**
   * Up to `max` jobs (the caller's free window). Returns as soon as some are available, or empty after
   * `expiresMs`; when the route is at its max-ack-pending it waits for room until `expiresMs`.
   */
  readonly pullSubmits: (
    routeId: string,
    max: number,
    expiresMs: number
  ) => Effect.Effect<ReadonlyArray<Delivery>, BusError>
  /** Pulls only what leaves at most `maxInFlight` deliveries unsettled. */
  readonly consumeSubmits: (routeId: string, options: ConsumeOptions) => Stream.Stream<Delivery, BusError>
  /** Stored + unacked jobs of the route, for back-pressure and the admin UI. */
  readonly queueDepth: (routeId: string) => Effect.Effect<QueueDepth, BusError>

  /** Receipts of every bind, one durable consumer shared by all correlator instances. */
  readonly consumeReceipts: (options: ConsumeOptions) => Stream.Stream<Delivery, BusError>
  /** Status events of every account, one durable consumer per subscriber name. */
  readonly consumeStatus: (
    subscriber: string,
    options: StatusConsumeOptions
  ) => Stream.Stream<Delivery, BusError>

  /** Fire and forget: lost when nobody listens. */
  readonly publishTelemetry: (bindId: string, data: Uint8Array) => Effect.Effect<void, BusError>
  /**
   * The latest sample of every bind heard so far, then updates; a slow reader skips to the latest
   * sample of each bind instead of queueing them.
   */
  readonly telemetry: () => Stream.Stream<TelemetrySample, BusError>

  /**
   * Tells every process on the bus that something they keep in memory changed (fire and forget, like
   * telemetry). `origin` names the announcing process, whose own `announcements` leave it out.
   */
  readonly announce: (topic: AnnouncementTopic, origin: string) => Effect.Effect<void, BusError>
  /**
   * One element whenever another process announced `topic`. Coalesced: announcements that arrive while
   * the reader is busy become one element, since each only means "read it again".
   */
  readonly announcements: (topic: AnnouncementTopic, exceptOrigin: string) => Stream.Stream<void, BusError>
}

export class Bus extends Context.Tag("volley/Bus")<Bus, BusShape>() {}

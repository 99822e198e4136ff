import { Schema } from "effect"
import { IdFormat } from "../receipt/MessageId.js"
import { RouteId } from "../routing/RouteId.js"
import { BindId, OperatorId } from "../schema/ids.js"

/** How an operator's SMSC writes message ids in receipts compared with its submit_sm_resp (DESIGN.md §4). */

export const BindType = Schema.Literal("transceiver", "transmitter", "receiver")
export type BindType = typeof BindType.Type

/** E.164 digits without "+", 0–15 of them; "" matches every number (a catch-all route). */
export const RoutePrefix = Schema.String.pipe(Schema.pattern(/^\d{0,15}$/))

/** ISO 3166-1 alpha-2, upper case. */
export const IsoCountry = Schema.String.pipe(Schema.pattern(/^[A-Z]{2}$/))

/** Route ids name NATS subjects (`volley.submit.<route>`), so they are slugs like operator and bind ids. */
export const RouteSlug = RouteId.pipe(Schema.pattern(/^[a-z0-9][a-z0-9_-]{0,62}$/))

const PositiveInt = Schema.Int.pipe(Schema.positive())
const Name = Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(100))

export class Operator extends Schema.Class<Operator>("Operator")({
  id: OperatorId,
  name: Schema.String,
  /** Used when neither the sender nor the route sets a validity period (DESIGN.md §5). */
  defaultValiditySeconds: Schema.Int,
  messageIdFormat: IdFormat,
  createdAt: Schema.Date
}) {}

/** One SMPP session to an operator's SMSC; the password is redacted so it never reaches a log. */
export class Bind extends Schema.Class<Bind>("Bind")({
  id: BindId,
  operatorId: OperatorId,
  host: Schema.String,
  port: Schema.Int,
  systemId: Schema.String,
  password: Schema.Redacted(Schema.String),
  systemType: Schema.String,
  bindType: BindType,
  windowSize: Schema.Int,
  tps: Schema.Int,
  enquireLinkSeconds: Schema.Int,
  enabled: Schema.Boolean,
  createdAt: Schema.Date,
  updatedAt: Schema.Date
}) {}

/** Structurally a `Route` of `routing/Routing.ts`, so a list of these builds the routing table directly. */
export class Route extends Schema.Class<Route>("Route")({
  id: RouteId,
  name: Schema.String,
  operatorId: OperatorId,
  prefixes: Schema.Array(Schema.String),
  failover: Schema.Array(RouteId),
  /** The route's default price; `RoutePrice` rows override it per destination country. */
  pricePerPartMinor: Schema.Int,
  /** Overrides the operator's default validity when set. */
  defaultValiditySeconds: Schema.NullOr(Schema.Int),
  enabled: Schema.Boolean,
  createdAt: Schema.Date,
  updatedAt: Schema.Date
}) {}

export class RoutePrice extends Schema.Class<RoutePrice>("RoutePrice")({
  routeId: RouteId,
  country: IsoCountry,
  pricePerPartMinor: Schema.Int
}) {}

// What an admin submits. The repository decodes these, so plain strings are accepted.

export const OperatorInput = Schema.Struct({
  id: OperatorId,
  name: Name,
  defaultValiditySeconds: PositiveInt,
  messageIdFormat: Schema.optional(IdFormat)
})
export type OperatorInput = typeof OperatorInput.Encoded

/** SMPP v3.4 §5.2: system_id ≤ 15, password ≤ 8, system_type ≤ 12 characters (plus the NUL). */
export const BindInput = Schema.Struct({
  id: BindId,
  operatorId: OperatorId,
  host: Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(253)),
  port: Schema.Int.pipe(Schema.between(1, 65535)),
  systemId: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(15)),
  password: Schema.String.pipe(Schema.maxLength(8)),
  systemType: Schema.optional(Schema.String.pipe(Schema.maxLength(12))),
  bindType: Schema.optional(BindType),
  windowSize: Schema.optional(Schema.Int.pipe(Schema.between(1, 10_000))),
  tps: Schema.optional(PositiveInt),
  enquireLinkSeconds: Schema.optional(PositiveInt),
  enabled: Schema.optional(Schema.Boolean)
})
export type BindInput = typeof BindInput.Encoded

export const RouteInput = Schema.Struct({
  id: RouteSlug,
  name: Name,
  operatorId: OperatorId,
  prefixes: Schema.Array(RoutePrefix),
  failover: Schema.optional(Schema.Array(RouteId)),
  pricePerPartMinor: Schema.NonNegativeInt,
  defaultValiditySeconds: Schema.optional(Schema.NullOr(PositiveInt)),
  enabled: Schema.optional(Schema.Boolean)
})
export type RouteInput = typeof RouteInput.Encoded

export const RoutePriceInput = Schema.Struct({
  routeId: RouteId,
  /** Any case on input; stored upper case. */
  country: Schema.compose(Schema.Uppercase, IsoCountry),
  pricePerPartMinor: Schema.NonNegativeInt
})
export type RoutePriceInput = typeof RoutePriceInput.Encoded

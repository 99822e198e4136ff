import { Schema } from "effect"

export const CatalogEntity = Schema.Literal("operator", "bind", "route", "routePrice")
export type CatalogEntity = typeof CatalogEntity.Type

/** The input breaks a rule of its schema (id syntax, port range, SMPP field lengths, prefix digits …). */
export class InvalidCatalogEntry extends Schema.TaggedError<InvalidCatalogEntry>()("InvalidCatalogEntry", {
  entity: CatalogEntity,
  id: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `Invalid ${this.entity} "${this.id}": ${this.problem}`
  }
}

/** A route or bind names an operator that does not exist. */
export class UnknownOperator extends Schema.TaggedError<UnknownOperator>()("UnknownOperator", {
  operatorId: Schema.String
}) {
  override get message() {
    return `Operator "${this.operatorId}" does not exist`
  }
}

/** A failover list or a price names a route that does not exist. */
export class UnknownRoute extends Schema.TaggedError<UnknownRoute>()("UnknownRoute", {
  routeId: Schema.String
}) {
  override get message() {
    return `Route "${this.routeId}" does not exist`
  }
}

/** `get`/`setEnabled` of an id that is not in the catalog. */
export class CatalogEntryNotFound extends Schema.TaggedError<CatalogEntryNotFound>()("CatalogEntryNotFound", {
  entity: CatalogEntity,
  id: Schema.String
}) {
  override get message() {
    return `No ${this.entity} "${this.id}"`
  }
}

/** Creating an entry whose id is taken (a change goes to the existing entry instead). */
export class CatalogEntryExists extends Schema.TaggedError<CatalogEntryExists>()("CatalogEntryExists", {
  entity: CatalogEntity,
  id: Schema.String
}) {
  override get message() {
    return `A ${this.entity} "${this.id}" already exists`
  }
}

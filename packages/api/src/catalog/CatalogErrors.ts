import {
  CatalogEntryExists,
  CatalogEntryNotFound,
  InvalidCatalogEntry,
  InvalidRoutingTable,
  UnknownOperator,
  UnknownRoute
} from "@volley/core"
import { withMessage } from "../http/withMessage.js"

/** The catalog's typed errors as responses, each explaining itself (see `withMessage`). */
export const EntryNotFound = withMessage(CatalogEntryNotFound)
export const EntryExists = withMessage(CatalogEntryExists)
export const InvalidEntry = withMessage(InvalidCatalogEntry)
/** A body names an operator or route that does not exist: well-formed, but it can't be applied. */
export const OperatorUnknown = withMessage(UnknownOperator)
export const RouteUnknown = withMessage(UnknownRoute)
/** A route change that would make routing ambiguous (a prefix on two routes) conflicts with the catalog. */
export const RoutingConflict = withMessage(InvalidRoutingTable)

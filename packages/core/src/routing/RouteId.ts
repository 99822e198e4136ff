import { Schema } from "effect"

export const RouteId = Schema.NonEmptyTrimmedString.pipe(Schema.brand("RouteId"))
export type RouteId = typeof RouteId.Type

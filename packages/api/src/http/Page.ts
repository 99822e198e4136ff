import { Schema } from "effect"

export const DEFAULT_PAGE_LIMIT = 50
export const MAX_PAGE_LIMIT = 500

/** A whole number in a query parameter; the description lands on the string the OpenAPI document shows. */
export const QueryInt = (description: string) =>
  Schema.compose(
    Schema.String.pipe(Schema.pattern(/^\d{1,15}$/)).annotations({ description }),
    Schema.NumberFromString
  ).pipe(Schema.int())

/** `?limit=` on every list: 1–500, default 50. */
export const PageLimit = QueryInt(`Items per page, 1–${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`).pipe(
  Schema.between(1, MAX_PAGE_LIMIT)
)

/**
 * A page of a keyset-paginated list: pass `nextCursor` back as `?cursor=` for the next page; null means
 * this was the last one. Keyset (not offset) so pages stay stable while rows are appended.
 */
export const Page = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({ items: Schema.Array(item), nextCursor: Schema.NullOr(Schema.String) })

/**
 * Repositories are asked for one row more than the page holds: its presence says whether a next page
 * exists, without a count query.
 */
export const toPage = <A>(rows: ReadonlyArray<A>, limit: number, cursorOf: (last: A) => string) => {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null }
}

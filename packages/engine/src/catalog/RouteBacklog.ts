import { SqlClient, SqlSchema } from "@effect/sql"
import { RouteId } from "@volley/core"
import { Effect, Schema } from "effect"

/** Messages of one route not yet handed to its operator, as Postgres counts them. */
export class RouteBacklogCount extends Schema.Class<RouteBacklogCount>("RouteBacklogCount")({
  routeId: RouteId,
  /** Accepted and waiting for a bind (scheduled ones included). */
  queued: Schema.Int,
  /** Claimed by a bind, submit_sm in flight or its outcome unknown. */
  submitting: Schema.Int
}) {}

/**
 * Per-route backlog for operators: counted from the messages themselves, because the bus's own depth
 * counts entries (bundles of jobs on NATS), not messages. Reads the partial index of unsettled messages.
 */
export class RouteBacklog extends Effect.Service<RouteBacklog>()("volley/RouteBacklog", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const counts = SqlSchema.findAll({
      Request: Schema.Array(Schema.String),
      Result: RouteBacklogCount,
      execute: (routeIds) => sql`
        SELECT route_id,
               count(*) FILTER (WHERE status = 'QUEUED')::int4 AS queued,
               count(*) FILTER (WHERE status = 'SUBMITTING')::int4 AS submitting
        FROM messages
        WHERE status IN ('QUEUED', 'SUBMITTING') AND route_id = ANY(${routeIds}::text[])
        GROUP BY route_id`
    })

    return {
      /** One count per route asked for; a route with nothing waiting counts 0. */
      of: (routeIds: ReadonlyArray<RouteId>) =>
        counts(routeIds).pipe(
          Effect.map((rows) => {
            const found = new Map(rows.map((row) => [row.routeId, row]))
            return routeIds.map(
              (routeId) => found.get(routeId) ?? new RouteBacklogCount({ routeId, queued: 0, submitting: 0 })
            )
          }),
          Effect.orDie,
          Effect.withSpan("RouteBacklog.of")
        )
    } as const
  })
}) {}

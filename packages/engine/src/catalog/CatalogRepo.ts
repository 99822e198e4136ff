import { SqlClient, SqlSchema } from "@effect/sql"
import { type BindId, type OperatorId, RouteId } from "@volley/core"
import {
  Bind,
  BindInput,
  Operator,
  OperatorInput,
  Route,
  RouteInput,
  RoutePrice,
  RoutePriceInput
} from "@volley/core/catalog/Catalog"
import {
  type CatalogEntity,
  CatalogEntryExists,
  CatalogEntryNotFound,
  InvalidCatalogEntry,
  UnknownOperator,
  UnknownRoute
} from "@volley/core/catalog/errors"
import { buildRoutingTable } from "@volley/core/routing/Routing"
import { Effect, Either, Option, ParseResult, Schema } from "effect"

const operatorColumns = `id, name, default_validity_seconds, message_id_format, created_at`
const bindColumns = `id, operator_id, host, port, system_id, password, system_type, bind_type, window_size, tps,
  enquire_link_seconds, enabled, created_at, updated_at`
const routeColumns = `id, name, operator_id, prefixes, failover, price_per_part_minor, default_validity_seconds,
  enabled, created_at, updated_at`

const RoutingRow = Schema.Struct({
  id: RouteId,
  prefixes: Schema.Array(Schema.String),
  failover: Schema.Array(RouteId),
  enabled: Schema.Boolean
})

/** Serialises route edits so two concurrent upserts can't each pass the routing-table check alone. */
const ROUTES_LOCK = 0x766f6c6c // "voll"

/**
 * Operators, binds, routes and per-country route prices (the admin's catalog). Every write validates its
 * input (`InvalidCatalogEntry`) and its references (`UnknownOperator`, `UnknownRoute`); a route write
 * also rebuilds the routing table with core's rules, so no edit can leave a table the router refuses
 * (e.g. one prefix on two routes → `InvalidRoutingTable`).
 */
export class CatalogRepo extends Effect.Service<CatalogRepo>()("volley/CatalogRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const validate = <A, I>(schema: Schema.Schema<A, I>, entity: CatalogEntity, id: string, input: I) =>
      Schema.decodeUnknown(schema)(input).pipe(
        Effect.mapError(
          (error) =>
            new InvalidCatalogEntry({ entity, id, problem: ParseResult.TreeFormatter.formatErrorSync(error) })
        )
      )

    const notFound = (entity: CatalogEntity, id: string) => new CatalogEntryNotFound({ entity, id })

    const orNotFound =
      (entity: CatalogEntity, id: string) =>
      <A>(option: Option.Option<A>) =>
        Option.isSome(option) ? Effect.succeed(option.value) : Effect.fail(notFound(entity, id))

    /**
     * `write` (an upsert) only if no `table` row has the id. The lock on the id makes a second concurrent
     * create wait for the first to commit and then see its row.
     */
    const createOnce = <A, E, R>(
      entity: CatalogEntity,
      table: "operators" | "binds" | "routes",
      id: string,
      write: Effect.Effect<A, E, R>
    ) =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            yield* sql`SELECT pg_advisory_xact_lock(hashtext(${`${table}:${id}`}))`
            const taken = yield* sql`SELECT 1 FROM ${sql(table)} WHERE id = ${id}`
            if (taken.length > 0) return yield* new CatalogEntryExists({ entity, id })
            return yield* write
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))

    // ---- operators

    const listOperators = SqlSchema.findAll({
      Request: Schema.Void,
      Result: Operator,
      execute: () => sql`SELECT ${sql.literal(operatorColumns)} FROM operators ORDER BY id`
    })

    const findOperator = SqlSchema.findOne({
      Request: Schema.String,
      Result: Operator,
      execute: (id) => sql`SELECT ${sql.literal(operatorColumns)} FROM operators WHERE id = ${id}`
    })

    const upsertOperatorRow = SqlSchema.single({
      Request: Schema.typeSchema(OperatorInput),
      Result: Operator,
      execute: (o) => sql`
        INSERT INTO operators (id, name, default_validity_seconds, message_id_format)
        VALUES (${o.id}, ${o.name}, ${o.defaultValiditySeconds}, coalesce(${o.messageIdFormat ?? null}, 'string'))
        ON CONFLICT (id) DO UPDATE SET
          name = EXCLUDED.name,
          default_validity_seconds = EXCLUDED.default_validity_seconds,
          message_id_format = coalesce(${o.messageIdFormat ?? null}, operators.message_id_format)
        RETURNING ${sql.literal(operatorColumns)}`
    })

    const upsertOperator = Effect.fn("CatalogRepo.upsertOperator")(function* (input: OperatorInput) {
      const operator = yield* validate(OperatorInput, "operator", input.id, input)
      return yield* upsertOperatorRow(operator).pipe(Effect.orDie)
    })

    // ---- binds

    const listBinds = SqlSchema.findAll({
      Request: Schema.Void,
      Result: Bind,
      execute: () => sql`SELECT ${sql.literal(bindColumns)} FROM binds ORDER BY id`
    })

    const findBind = SqlSchema.findOne({
      Request: Schema.String,
      Result: Bind,
      execute: (id) => sql`SELECT ${sql.literal(bindColumns)} FROM binds WHERE id = ${id}`
    })

    const upsertBindRow = SqlSchema.findOne({
      Request: Schema.typeSchema(BindInput),
      Result: Bind,
      // Optional settings left out keep their current value on update and take the column default on insert.
      execute: (b) => sql`
        INSERT INTO binds (id, operator_id, host, port, system_id, password, system_type, bind_type,
                           window_size, tps, enquire_link_seconds, enabled)
        SELECT ${b.id}, o.id, ${b.host}, ${b.port}, ${b.systemId}, ${b.password},
               coalesce(${b.systemType ?? null}, ''), coalesce(${b.bindType ?? null}, 'transceiver'),
               coalesce(${b.windowSize ?? null}::int4, 100), coalesce(${b.tps ?? null}::int4, 1000),
               coalesce(${b.enquireLinkSeconds ?? null}::int4, 30), coalesce(${b.enabled ?? null}::boolean, true)
        FROM operators o WHERE o.id = ${b.operatorId}
        ON CONFLICT (id) DO UPDATE SET
          operator_id = EXCLUDED.operator_id,
          host = EXCLUDED.host,
          port = EXCLUDED.port,
          system_id = EXCLUDED.system_id,
          password = EXCLUDED.password,
          system_type = coalesce(${b.systemType ?? null}, binds.system_type),
          bind_type = coalesce(${b.bindType ?? null}, binds.bind_type),
          window_size = coalesce(${b.windowSize ?? null}::int4, binds.window_size),
          tps = coalesce(${b.tps ?? null}::int4, binds.tps),
          enquire_link_seconds = coalesce(${b.enquireLinkSeconds ?? null}::int4, binds.enquire_link_seconds),
          enabled = coalesce(${b.enabled ?? null}::boolean, binds.enabled),
          updated_at = now()
        RETURNING ${sql.literal(bindColumns)}`
    })

    const upsertBind = Effect.fn("CatalogRepo.upsertBind")(function* (input: BindInput) {
      const bind = yield* validate(BindInput, "bind", input.id, input)
      const row = yield* upsertBindRow(bind).pipe(Effect.orDie)
      if (Option.isNone(row)) return yield* new UnknownOperator({ operatorId: bind.operatorId })
      return row.value
    })

    const setBindEnabledRow = SqlSchema.findOne({
      Request: Schema.Struct({ id: Schema.String, enabled: Schema.Boolean }),
      Result: Bind,
      execute: ({ id, enabled }) => sql`
        UPDATE binds SET enabled = ${enabled}, updated_at = now() WHERE id = ${id}
        RETURNING ${sql.literal(bindColumns)}`
    })

    // ---- routes

    const listRoutes = SqlSchema.findAll({
      Request: Schema.Void,
      Result: Route,
      execute: () => sql`SELECT ${sql.literal(routeColumns)} FROM routes ORDER BY id`
    })

    const findRoute = SqlSchema.findOne({
      Request: Schema.String,
      Result: Route,
      execute: (id) => sql`SELECT ${sql.literal(routeColumns)} FROM routes WHERE id = ${id}`
    })

    const routingRows = SqlSchema.findAll({
      Request: Schema.Void,
      Result: RoutingRow,
      execute: () => sql`SELECT id, prefixes, failover, enabled FROM routes ORDER BY id`
    })

    const upsertRouteRow = SqlSchema.single({
      Request: Schema.typeSchema(RouteInput),
      Result: Route,
      execute: (r) => sql`
        INSERT INTO routes (id, name, operator_id, prefixes, failover, price_per_part_minor,
                            default_validity_seconds, enabled)
        VALUES (${r.id}, ${r.name}, ${r.operatorId}, ${r.prefixes}::text[], ${r.failover ?? []}::text[],
                ${r.pricePerPartMinor}, ${r.defaultValiditySeconds ?? null}::int4,
                coalesce(${r.enabled ?? null}::boolean, true))
        ON CONFLICT (id) DO UPDATE SET
          name = EXCLUDED.name,
          operator_id = EXCLUDED.operator_id,
          prefixes = EXCLUDED.prefixes,
          failover = EXCLUDED.failover,
          price_per_part_minor = EXCLUDED.price_per_part_minor,
          default_validity_seconds = CASE WHEN ${r.defaultValiditySeconds !== undefined}
            THEN EXCLUDED.default_validity_seconds ELSE routes.default_validity_seconds END,
          enabled = coalesce(${r.enabled ?? null}::boolean, routes.enabled),
          updated_at = now()
        RETURNING ${sql.literal(routeColumns)}`
    })

    const upsertRoute = Effect.fn("CatalogRepo.upsertRoute")(
      function* (input: RouteInput) {
        const route = yield* validate(RouteInput, "route", input.id, input)
        yield* sql`SELECT pg_advisory_xact_lock(${ROUTES_LOCK})`
        const operator = yield* findOperator(route.operatorId)
        if (Option.isNone(operator)) return yield* new UnknownOperator({ operatorId: route.operatorId })
        const others = (yield* routingRows(undefined)).filter((r) => r.id !== route.id)
        const known = new Set<string>([route.id, ...others.map((r) => r.id)])
        const unknown = (route.failover ?? []).find((id) => !known.has(id))
        if (unknown !== undefined) return yield* new UnknownRoute({ routeId: unknown })
        const table = buildRoutingTable([
          ...others,
          {
            id: route.id,
            prefixes: route.prefixes,
            failover: route.failover ?? [],
            enabled: route.enabled ?? true
          }
        ])
        if (Either.isLeft(table)) return yield* table.left
        return yield* upsertRouteRow(route)
      },
      (effect) =>
        sql.withTransaction(effect).pipe(
          Effect.catchTags({
            SqlError: Effect.die,
            ParseError: Effect.die,
            NoSuchElementException: Effect.die
          })
        )
    )

    const setRouteEnabledRow = SqlSchema.findOne({
      Request: Schema.Struct({ id: Schema.String, enabled: Schema.Boolean }),
      Result: Route,
      execute: ({ id, enabled }) => sql`
        UPDATE routes SET enabled = ${enabled}, updated_at = now() WHERE id = ${id}
        RETURNING ${sql.literal(routeColumns)}`
    })

    // ---- route prices

    const listPrices = SqlSchema.findAll({
      Request: Schema.NullOr(Schema.String),
      Result: RoutePrice,
      execute: (routeId) => sql`
        SELECT route_id, country, price_per_part_minor FROM route_prices
        WHERE ${routeId}::text IS NULL OR route_id = ${routeId}
        ORDER BY route_id, country`
    })

    const upsertPriceRow = SqlSchema.findOne({
      Request: Schema.typeSchema(RoutePriceInput),
      Result: RoutePrice,
      execute: (p) => sql`
        INSERT INTO route_prices (route_id, country, price_per_part_minor)
        SELECT r.id, ${p.country}, ${p.pricePerPartMinor} FROM routes r WHERE r.id = ${p.routeId}
        ON CONFLICT (route_id, country) DO UPDATE SET price_per_part_minor = EXCLUDED.price_per_part_minor
        RETURNING route_id, country, price_per_part_minor`
    })

    const upsertRoutePrice = Effect.fn("CatalogRepo.upsertRoutePrice")(function* (input: RoutePriceInput) {
      const price = yield* validate(RoutePriceInput, "routePrice", `${input.routeId}/${input.country}`, input)
      const row = yield* upsertPriceRow(price).pipe(Effect.orDie)
      if (Option.isNone(row)) return yield* new UnknownRoute({ routeId: price.routeId })
      return row.value
    })

    const removeRoutePrice = (routeId: RouteId, country: string) =>
      sql`DELETE FROM route_prices WHERE route_id = ${routeId} AND country = ${country.toUpperCase()} RETURNING 1`.pipe(
        Effect.map((rows) => rows.length > 0),
        Effect.orDie,
        Effect.withSpan("CatalogRepo.removeRoutePrice")
      )

    return {
      listOperators: () =>
        listOperators(undefined).pipe(Effect.orDie, Effect.withSpan("CatalogRepo.listOperators")),
      getOperator: (id: OperatorId) =>
        findOperator(id).pipe(
          Effect.orDie,
          Effect.flatMap(orNotFound("operator", id)),
          Effect.withSpan("CatalogRepo.getOperator")
        ),
      upsertOperator,
      /** As `upsertOperator`, but an existing id is `CatalogEntryExists` instead of an update. */
      createOperator: (input: OperatorInput) =>
        createOnce("operator", "operators", input.id, upsertOperator(input)).pipe(
          Effect.withSpan("CatalogRepo.createOperator")
        ),

      listBinds: () => listBinds(undefined).pipe(Effect.orDie, Effect.withSpan("CatalogRepo.listBinds")),
      getBind: (id: BindId) =>
        findBind(id).pipe(
          Effect.orDie,
          Effect.flatMap(orNotFound("bind", id)),
          Effect.withSpan("CatalogRepo.getBind")
        ),
      upsertBind,
      /** As `upsertBind`, but an existing id is `CatalogEntryExists` instead of an update. */
      createBind: (input: BindInput) =>
        createOnce("bind", "binds", input.id, upsertBind(input)).pipe(
          Effect.withSpan("CatalogRepo.createBind")
        ),
      setBindEnabled: (id: BindId, enabled: boolean) =>
        setBindEnabledRow({ id, enabled }).pipe(
          Effect.orDie,
          Effect.flatMap(orNotFound("bind", id)),
          Effect.withSpan("CatalogRepo.setBindEnabled")
        ),

      listRoutes: () => listRoutes(undefined).pipe(Effect.orDie, Effect.withSpan("CatalogRepo.listRoutes")),
      getRoute: (id: RouteId) =>
        findRoute(id).pipe(
          Effect.orDie,
          Effect.flatMap(orNotFound("route", id)),
          Effect.withSpan("CatalogRepo.getRoute")
        ),
      upsertRoute,
      /** As `upsertRoute`, but an existing id is `CatalogEntryExists` instead of an update. */
      createRoute: (input: RouteInput) =>
        createOnce("route", "routes", input.id, upsertRoute(input)).pipe(
          Effect.withSpan("CatalogRepo.createRoute")
        ),
      setRouteEnabled: (id: RouteId, enabled: boolean) =>
        setRouteEnabledRow({ id, enabled }).pipe(
          Effect.orDie,
          Effect.flatMap(orNotFound("route", id)),
          Effect.withSpan("CatalogRepo.setRouteEnabled")
        ),

      /** Every route's country prices, or one route's. */
      listRoutePrices: (routeId?: RouteId) =>
        listPrices(routeId ?? null).pipe(Effect.orDie, Effect.withSpan("CatalogRepo.listRoutePrices")),
      upsertRoutePrice,
      removeRoutePrice
    } as const
  })
}) {}

import { SqlClient } from "@effect/sql"
import { type AccountId, uuid7 } from "@volley/core"
import { DEFAULT_SENDER_ID } from "@volley/core/sender/SenderIdRequest"
import { Effect } from "effect"
import { Ledger } from "../account/Ledger.js"

/** The demo account's fixed id, so docs, scripts and the admin UI can name it. */
export const DEMO_ACCOUNT_ID = "00000000-0000-4000-8000-00000000de00" as AccountId
export const DEMO_ACCOUNT_NAME = "Demo Sender"
/** 1,000.00 UAH, credited once, when the demo account is created. */
export const DEMO_TOPUP_MINOR = 100_000
export const DEMO_BIND_PASSWORD = "secret"

const HOUR = 3_600

/** The Ukrainian operators of DESIGN.md §5: mobile prefixes are E.164 digits without "+". */
export const DEMO_OPERATORS = [
  {
    id: "kyivstar",
    name: "Kyivstar (incl. former Beeline)",
    validitySeconds: 72 * HOUR,
    prefixes: ["38067", "38068", "38096", "38097", "38098", "38077"]
  },
  {
    id: "vodafone",
    name: "Vodafone Ukraine",
    validitySeconds: 72 * HOUR,
    prefixes: ["38050", "38066", "38095", "38099", "38075"]
  },
  { id: "lifecell", name: "Lifecell", validitySeconds: 24 * HOUR, prefixes: ["38063", "38073", "38093"] },
  { id: "utel", name: "Utel", validitySeconds: 72 * HOUR, prefixes: ["38091"] },
  { id: "peoplenet", name: "PeopleNET", validitySeconds: 72 * HOUR, prefixes: ["38092"] },
  { id: "intertelecom", name: "Intertelecom", validitySeconds: 24 * HOUR, prefixes: ["38094"] }
] as const

/** Price of one part to a Ukrainian mobile number, in kopecks. */
export const DEMO_UA_PRICE_MINOR = 85

export const INTERNATIONAL = {
  id: "international",
  name: "International (hub)",
  validitySeconds: 48 * HOUR,
  /** Everything the Ukrainian routes don't match, including Ukrainian fixed-line ranges. */
  prefixes: [""],
  /** Countries without their own price. */
  defaultPriceMinor: 450
} as const

/** Per-country prices of the international route, kopecks per part. */
export const DEMO_COUNTRY_PRICES: Readonly<Record<string, number>> = {
  PL: 180,
  DE: 320,
  GB: 260,
  US: 120,
  CA: 140,
  FR: 340,
  IT: 310,
  ES: 290,
  NL: 330,
  CZ: 210,
  SK: 220,
  HU: 230,
  RO: 200,
  MD: 190,
  LT: 170,
  LV: 170,
  EE: 180,
  GE: 250,
  IL: 240,
  TR: 150
}

export interface DemoSeedOptions {
  /** Where the built-in SMSC simulator listens; every demo bind points there. */
  readonly smscHost: string
  readonly smscPort: number
}

/**
 * Demo data, safe to run at every start: each insert is `ON CONFLICT DO NOTHING`, so rows an admin has
 * since edited (a bind moved to a real SMSC, a changed price) are never overwritten, and the demo
 * account's top-up is credited only in the transaction that creates the account.
 */
export const seedDemo = (options: DemoSeedOptions) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const ledger = yield* Ledger
    yield* sql.withTransaction(seed(sql, ledger, options))
  }).pipe(
    // Nothing here can fail for a reason a caller could handle: the account was just written.
    Effect.orDie,
    // Needs only a SqlClient: the ledger is built here, so callers at start-up wire nothing else.
    Effect.provide(Ledger.Default),
    Effect.withSpan("seedDemo")
  )

const seed = (sql: SqlClient.SqlClient, ledger: Ledger, options: DemoSeedOptions) =>
  Effect.gen(function* () {
    const operators = [...DEMO_OPERATORS, INTERNATIONAL]
    const ids = operators.map((o) => o.id)

    yield* sql`
      INSERT INTO operators (id, name, default_validity_seconds)
      SELECT * FROM unnest(${ids}::text[], ${operators.map((o) => o.name)}::text[],
                           ${operators.map((o) => o.validitySeconds)}::int4[])
      ON CONFLICT (id) DO NOTHING`

    // One route per operator, named after it; prefixes travel as a JSON array (unnest can't take text[][]
    // of ragged rows).
    yield* sql`
      INSERT INTO routes (id, name, operator_id, prefixes, price_per_part_minor)
      SELECT r.id, r.name, r.id, ARRAY(SELECT jsonb_array_elements_text(r.prefixes::jsonb)), r.price
      FROM unnest(${ids}::text[], ${operators.map((o) => o.name)}::text[],
                  ${operators.map((o) => JSON.stringify(o.prefixes))}::text[],
                  ${operators.map((o) => (o.id === INTERNATIONAL.id ? INTERNATIONAL.defaultPriceMinor : DEMO_UA_PRICE_MINOR))}::int8[])
        AS r (id, name, prefixes, price)
      ON CONFLICT (id) DO NOTHING`

    const countries = Object.keys(DEMO_COUNTRY_PRICES)
    yield* sql`
      INSERT INTO route_prices (route_id, country, price_per_part_minor)
      SELECT ${INTERNATIONAL.id}, c.country, c.price
      FROM unnest(${countries}::text[], ${countries.map((c) => DEMO_COUNTRY_PRICES[c]!)}::int8[]) AS c (country, price)
      ON CONFLICT (route_id, country) DO NOTHING`

    // One transceiver per operator on the simulator; the simulator knows the operator by system_id.
    yield* sql`
      INSERT INTO binds (id, operator_id, host, port, system_id, password, bind_type, window_size, tps)
      SELECT b.operator_id || '-sim', b.operator_id, ${options.smscHost}, ${options.smscPort}, b.operator_id,
             ${DEMO_BIND_PASSWORD}, 'transceiver', 100, 1000
      FROM unnest(${ids}::text[]) AS b (operator_id)
      ON CONFLICT (id) DO NOTHING`

    const created = yield* sql`
      INSERT INTO accounts (id, name, mode, currency, activated_at)
      VALUES (${DEMO_ACCOUNT_ID}, ${DEMO_ACCOUNT_NAME}, 'active', 'UAH', now())
      ON CONFLICT (id) DO NOTHING RETURNING id`
    if (created.length > 0) {
      yield* ledger.credit(DEMO_ACCOUNT_ID, DEMO_TOPUP_MINOR, "topup", { note: "demo balance" })
    }

    yield* sql`
      INSERT INTO sender_ids (id, account_id, value, kind, status, decision_note, decided_at)
      VALUES (${uuid7()}, ${DEMO_ACCOUNT_ID}, ${DEFAULT_SENDER_ID}, 'alpha', 'approved', 'demo', now())
      ON CONFLICT (account_id, value) DO NOTHING`
  })

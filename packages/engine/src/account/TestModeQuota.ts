import { SqlClient } from "@effect/sql"
import type { AccountId } from "@volley/core"
import { Effect } from "effect"

/**
 * The daily message cap of test-mode accounts (DESIGN.md §6), counted per day of the account's own time
 * zone. A slot is taken with one conditional upsert before the send, so concurrent sends can't both take
 * the last one; a send that ends up sending nothing gives its slot back.
 */
export class TestModeQuota extends Effect.Service<TestModeQuota>()("volley/TestModeQuota", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const take = Effect.fn("TestModeQuota.take")(function* (accountId: AccountId, dailyCap: number) {
      const rows = yield* sql`
        INSERT INTO test_mode_usage AS u (account_id, day, messages)
        SELECT a.id, (now() AT TIME ZONE a.time_zone)::date, 1 FROM accounts a
        WHERE a.id = ${accountId} AND ${dailyCap}::int4 >= 1
        ON CONFLICT (account_id, day) DO UPDATE SET messages = u.messages + 1
          WHERE u.messages < ${dailyCap}::int4
        RETURNING messages`.pipe(Effect.orDie)
      return rows.length > 0
    })

    const giveBack = Effect.fn("TestModeQuota.giveBack")(function* (accountId: AccountId) {
      yield* sql`
        UPDATE test_mode_usage u SET messages = u.messages - 1 FROM accounts a
        WHERE u.account_id = ${accountId} AND a.id = u.account_id
          AND u.day = (now() AT TIME ZONE a.time_zone)::date AND u.messages > 0`.pipe(Effect.orDie)
    })

    return { take, giveBack } as const
  })
}) {}

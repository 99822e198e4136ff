import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import type { AccountId } from "@volley/core"
import { Effect, Option } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { sweepIdempotencyKeys } from "../src/idempotency/IdempotencyKeySweeper.js"
import { IdempotencyKeysRepo } from "../src/idempotency/IdempotencyKeysRepo.js"
import { engineInfrastructure } from "./support/EngineHarness.js"

layer(engineInfrastructure(), { excludeTestServices: true })("idempotency keys", (it) => {
  it.effect("are forgotten a day after their request, and only then", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const keys = yield* IdempotencyKeysRepo
      const account = yield* (yield* AccountsRepo).create({ name: "Keys" })
      const accountId = account.id as AccountId
      for (const key of ["old", "recent", "unfinished-old"]) {
        const claim = yield* keys.claim(accountId, key, `hash-${key}`, 60_000)
        if (claim._tag !== "Claimed") return expect.fail(`${key} was not claimed`)
        if (key !== "unfinished-old") yield* keys.complete(accountId, key, claim.token, 202, { id: key })
      }
      yield* sql`UPDATE idempotency_keys SET created_at = now() - interval '25 hours'
                 WHERE account_id = ${accountId} AND key IN ('old', 'unfinished-old')`
      yield* sql`UPDATE idempotency_keys SET created_at = now() - interval '23 hours'
                 WHERE account_id = ${accountId} AND key = 'recent'`

      expect(yield* sweepIdempotencyKeys("24 hours")).toBe(2)
      expect(Option.isNone(yield* keys.find(accountId, "old"))).toBe(true)
      expect(Option.isNone(yield* keys.find(accountId, "unfinished-old"))).toBe(true)
      const recent = yield* keys.find(accountId, "recent")
      expect(Option.getOrThrow(recent).responseBody).toEqual({ id: "recent" })
      // Used again after it was forgotten, a key is a new request.
      const again = yield* keys.claim(accountId, "old", "hash-other", 60_000)
      expect(again._tag).toBe("Claimed")
    })
  )
})

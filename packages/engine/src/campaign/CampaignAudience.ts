import { SqlClient } from "@effect/sql"
import type { AccountId, GroupId, Recipient } from "@volley/core"
import { Effect } from "effect"

/** The numbers of a campaign's groups in figures, as they stand now. */
interface AudienceStats {
  /** Contact rows (a number in two groups counts twice). */
  readonly contacts: number
  /** Distinct numbers across the groups. */
  readonly numbers: number
  /** Of those, the ones the account blacklisted. */
  readonly blacklisted: number
}

interface RecipientRow {
  readonly msisdn: string
  readonly name: string | null
  /** Read as text: the client's snake→camel transform would rename the keys inside the jsonb. */
  readonly fields: string
}

const toRecipient = (row: RecipientRow): Recipient => ({
  msisdn: row.msisdn,
  name: row.name,
  fields: JSON.parse(row.fields) as Record<string, string>
})

/**
 * Who a campaign would reach, read before it starts (the preview): its groups' contacts as the
 * scheduler meets them (groups in the campaign's order, each by contact id; the first contact of a
 * number is the one whose fields are used), always within the account's own groups.
 */
export class CampaignAudience extends Effect.Service<CampaignAudience>()("volley/CampaignAudience", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    /** The first `count` distinct numbers, blacklisted ones included (the preview says they are skipped). */
    const first = Effect.fn("CampaignAudience.first")(function* (
      accountId: AccountId,
      groupIds: ReadonlyArray<GroupId>,
      count: number
    ) {
      const out: Array<Recipient> = []
      const seen = new Set<string>()
      for (const groupId of groupIds) {
        // `count` rows per group are enough even if every one of them was seen in an earlier group
        const rows = yield* sql<RecipientRow>`
          SELECT c.msisdn, c.name, c.fields::text AS fields FROM contacts c
          JOIN contact_groups g ON g.id = c.group_id AND g.account_id = ${accountId}
          WHERE c.group_id = ${groupId} ORDER BY c.id LIMIT ${count + seen.size}`.pipe(Effect.orDie)
        for (const row of rows) {
          if (out.length === count) return out
          if (seen.has(row.msisdn)) continue
          seen.add(row.msisdn)
          out.push(toRecipient(row))
        }
        if (out.length === count) return out
      }
      return out
    })

    const stats = Effect.fn("CampaignAudience.stats")(function* (
      accountId: AccountId,
      groupIds: ReadonlyArray<GroupId>
    ) {
      const rows = yield* sql<{ contacts: string; numbers: string; blacklisted: string }>`
        WITH rows AS (
          SELECT c.msisdn FROM contacts c JOIN contact_groups g ON g.id = c.group_id
          WHERE g.account_id = ${accountId} AND g.id = ANY(${groupIds}::uuid[])),
        numbers AS (SELECT DISTINCT msisdn FROM rows)
        SELECT (SELECT count(*) FROM rows) AS contacts, (SELECT count(*) FROM numbers) AS numbers,
          (SELECT count(*) FROM numbers n JOIN blacklist b ON b.account_id = ${accountId} AND b.msisdn = n.msisdn)
            AS blacklisted`.pipe(Effect.orDie)
      const row = rows[0]!
      return {
        contacts: Number(row.contacts),
        numbers: Number(row.numbers),
        blacklisted: Number(row.blacklisted)
      } satisfies AudienceStats
    })

    /**
     * Every distinct number that is not blacklisted, with its first contact's name and fields; with
     * `everyNth` > 1 only the numbers whose hash falls in 1 of `everyNth` buckets: a deterministic sample
     * spread over the whole audience (not its first rows, which one import may have filled).
     */
    const recipients = Effect.fn("CampaignAudience.recipients")(function* (
      accountId: AccountId,
      groupIds: ReadonlyArray<GroupId>,
      everyNth: number
    ) {
      const rows = yield* sql<RecipientRow>`
        SELECT DISTINCT ON (c.msisdn) c.msisdn, c.name, c.fields::text AS fields
        FROM contacts c JOIN contact_groups g ON g.id = c.group_id
        WHERE g.account_id = ${accountId} AND g.id = ANY(${groupIds}::uuid[])
          AND (${everyNth}::int4 <= 1 OR (hashtext(c.msisdn) & 2147483647) % ${everyNth}::int4 = 0)
          AND NOT EXISTS (SELECT 1 FROM blacklist b WHERE b.account_id = ${accountId} AND b.msisdn = c.msisdn)
        ORDER BY c.msisdn, array_position(${groupIds}::uuid[], c.group_id), c.id`.pipe(Effect.orDie)
      return rows.map(toRecipient)
    })

    return { first, stats, recipients } as const
  })
}) {}

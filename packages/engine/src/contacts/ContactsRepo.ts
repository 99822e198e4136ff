import { SqlClient, SqlSchema } from "@effect/sql"
import type { AccountId, GroupId } from "@volley/core"
import { AddContactsResult, Contact, ContactFields, type NewContact } from "@volley/core/contacts/Contact"
import { GroupNotFound } from "@volley/core/contacts/errors"
import type { E164 } from "@volley/core/phone/PhoneNumber"
import { Effect, Schema } from "effect"

/**
 * `fields` is read as text and parsed here: the client's snake→camel result transform would otherwise
 * rename the keys inside the jsonb (`first_name` → `firstName`) and break templates. It is written as
 * text too, for the same reason in the other direction.
 */
const ContactRow = Schema.Struct({ ...Contact.fields, fields: Schema.parseJson(ContactFields) })
const columns = `id, group_id, msisdn, name, fields::text AS fields, created_at`

const Counts = Schema.Struct({ groupFound: Schema.Boolean, affected: Schema.Int })

export const MAX_PAGE_SIZE = 10_000

export class ContactsRepo extends Effect.Service<ContactsRepo>()("volley/ContactsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const counts = (rows: ReadonlyArray<unknown>) =>
      Schema.decodeUnknown(Schema.Array(Counts))(rows).pipe(Effect.map((r) => r[0]!))

    /**
     * Adds contacts in one statement (`unnest` of parallel arrays); numbers already in the group, or
     * repeated within `contacts` (the first one wins), are counted as duplicates and left as they are.
     */
    const addMany = Effect.fn("ContactsRepo.addMany")(function* (
      accountId: AccountId,
      groupId: GroupId,
      contacts: ReadonlyArray<NewContact>
    ) {
      const msisdns: Array<string> = []
      const names: Array<string | null> = []
      const fields: Array<string> = []
      for (const c of contacts) {
        msisdns.push(c.msisdn)
        names.push(c.name ?? null)
        fields.push(JSON.stringify(c.fields ?? {}))
      }
      const result = yield* sql`
        WITH g AS (
          SELECT id FROM contact_groups WHERE id = ${groupId} AND account_id = ${accountId}),
        added AS (
          INSERT INTO contacts (group_id, msisdn, name, fields)
          SELECT g.id, c.msisdn, c.name, c.fields::jsonb
          FROM g, unnest(${msisdns}::text[], ${names}::text[], ${fields}::text[])
            WITH ORDINALITY AS c (msisdn, name, fields, n)
          ORDER BY c.n
          ON CONFLICT (group_id, msisdn) DO NOTHING
          RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM g) AS group_found, (SELECT count(*) FROM added) AS affected`.pipe(
        Effect.flatMap(counts),
        Effect.orDie
      )
      if (!result.groupFound) return yield* new GroupNotFound({ groupId })
      return new AddContactsResult({ added: result.affected, duplicates: contacts.length - result.affected })
    })

    /** Removes these numbers from the group; returns how many were there. */
    const remove = Effect.fn("ContactsRepo.remove")(function* (
      accountId: AccountId,
      groupId: GroupId,
      msisdns: ReadonlyArray<E164>
    ) {
      const result = yield* sql`
        WITH g AS (
          SELECT id FROM contact_groups WHERE id = ${groupId} AND account_id = ${accountId}),
        removed AS (
          DELETE FROM contacts c USING g
          WHERE c.group_id = g.id AND c.msisdn = ANY(${msisdns}::text[])
          RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM g) AS group_found, (SELECT count(*) FROM removed) AS affected`.pipe(
        Effect.flatMap(counts),
        Effect.orDie
      )
      if (!result.groupFound) return yield* new GroupNotFound({ groupId })
      return result.affected
    })

    const count = Effect.fn("ContactsRepo.count")(function* (accountId: AccountId, groupId: GroupId) {
      const result = yield* sql`
        WITH g AS (
          SELECT id FROM contact_groups WHERE id = ${groupId} AND account_id = ${accountId})
        SELECT EXISTS (SELECT 1 FROM g) AS group_found,
               (SELECT count(*) FROM contacts c, g WHERE c.group_id = g.id) AS affected`.pipe(
        Effect.flatMap(counts),
        Effect.orDie
      )
      if (!result.groupFound) return yield* new GroupNotFound({ groupId })
      return result.affected
    })

    const pageRows = SqlSchema.findAll({
      Request: Schema.Struct({ groupId: Schema.String, afterId: Schema.Int, limit: Schema.Int }),
      Result: ContactRow,
      execute: ({ groupId, afterId, limit }) => sql`
        SELECT ${sql.literal(columns)} FROM contacts
        WHERE group_id = ${groupId} AND id > ${afterId}
        ORDER BY id LIMIT ${limit}`
    })

    /**
     * Keyset paging in id order: pass the last contact's id as `afterId` (0 for the first page); an empty
     * page is the end. Not account-scoped — for the campaign scheduler and callers that already checked
     * the group with `GroupsRepo.get`.
     */
    const page = (groupId: GroupId, afterId: number, limit: number) =>
      pageRows({ groupId, afterId, limit: Math.max(1, Math.min(MAX_PAGE_SIZE, Math.trunc(limit))) }).pipe(
        Effect.map((rows) => rows.map((row) => new Contact(row, true))),
        Effect.orDie,
        Effect.withSpan("ContactsRepo.page")
      )

    return { addMany, remove, count, page } as const
  })
}) {}

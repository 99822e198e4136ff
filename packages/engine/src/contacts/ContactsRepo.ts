import { SqlClient, SqlSchema } from "@effect/sql"
import type { AccountId, GroupId } from "@volley/core"
import { AddContactsResult, Contact, ContactFields, type NewContact } from "@volley/core/contacts/Contact"
import { ContactAlreadyInGroup, ContactNotFound, GroupNotFound } from "@volley/core/contacts/errors"
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

/** Contacts as the parallel arrays an `unnest` insert takes. */
const columnsOf = (contacts: ReadonlyArray<NewContact>) => {
  const msisdns: Array<string> = []
  const names: Array<string | null> = []
  const fields: Array<string> = []
  for (const c of contacts) {
    msisdns.push(c.msisdn)
    names.push(c.name ?? null)
    fields.push(c.fields === undefined ? "{}" : JSON.stringify(c.fields))
  }
  return { msisdns, names, fields }
}

/** What one batch of an import did; see `importBatch`. */
export interface ImportBatchResult {
  readonly added: number
  readonly addedEarlier: number
  readonly alreadyInGroup: number
}

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
      const { msisdns, names, fields } = columnsOf(contacts)
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
      Effect.zipRight(
        // Until ANALYZE has seen a freshly imported group, the planner expects a few hundred rows and
        // reads ALL of the group's remaining rows to sort them (120 ms a page on 1,000,000 contacts);
        // walking the (group_id, id) index reads one page (0.2 ms) whatever the statistics say.
        sql`SET LOCAL enable_bitmapscan = off`,
        pageRows({ groupId, afterId, limit: Math.max(1, Math.min(MAX_PAGE_SIZE, Math.trunc(limit))) })
      ).pipe(
        sql.withTransaction,
        Effect.map((rows) => rows.map((row) => new Contact(row, true))),
        Effect.orDie,
        Effect.withSpan("ContactsRepo.page")
      )

    const insertOne = SqlSchema.findAll({
      Request: Schema.Struct({
        accountId: Schema.String,
        groupId: Schema.String,
        msisdn: Schema.String,
        name: Schema.NullOr(Schema.String),
        fields: Schema.String
      }),
      Result: ContactRow,
      execute: ({ accountId, groupId, msisdn, name, fields }) => sql`
        INSERT INTO contacts (group_id, msisdn, name, fields)
        SELECT g.id, ${msisdn}, ${name}, ${fields}::jsonb
        FROM contact_groups g WHERE g.id = ${groupId} AND g.account_id = ${accountId}
        ON CONFLICT (group_id, msisdn) DO NOTHING
        RETURNING ${sql.literal(columns)}`
    })

    const groupExists = (accountId: AccountId, groupId: GroupId) =>
      sql`SELECT 1 FROM contact_groups WHERE id = ${groupId} AND account_id = ${accountId}`.pipe(
        Effect.map((rows) => rows.length > 0),
        Effect.orDie
      )

    /** Adds one contact; a number already in the group is `ContactAlreadyInGroup` (the stored one stays). */
    const add = Effect.fn("ContactsRepo.add")(function* (
      accountId: AccountId,
      groupId: GroupId,
      contact: NewContact
    ) {
      const rows = yield* insertOne({
        accountId,
        groupId,
        msisdn: contact.msisdn,
        name: contact.name ?? null,
        fields: JSON.stringify(contact.fields ?? {})
      }).pipe(Effect.orDie)
      if (rows[0] !== undefined) return new Contact(rows[0], true)
      if (!(yield* groupExists(accountId, groupId))) return yield* new GroupNotFound({ groupId })
      return yield* new ContactAlreadyInGroup({ groupId, msisdn: contact.msisdn })
    })

    /** Removes one contact by id from the account's group. */
    const removeOne = Effect.fn("ContactsRepo.removeOne")(function* (
      accountId: AccountId,
      groupId: GroupId,
      contactId: number
    ) {
      const rows = yield* sql`
        DELETE FROM contacts c USING contact_groups g
        WHERE c.id = ${contactId} AND c.group_id = g.id AND g.id = ${groupId} AND g.account_id = ${accountId}
        RETURNING c.id`.pipe(Effect.orDie)
      if (rows.length > 0) return
      if (!(yield* groupExists(accountId, groupId))) return yield* new GroupNotFound({ groupId })
      return yield* new ContactNotFound({ groupId, contactId })
    })

    /**
     * One batch of an import: one INSERT, and a look-up of the numbers that were already there, if any.
     * `contacts` must hold distinct numbers (the importer de-duplicates within a batch). Meant to run
     * inside the import's transaction: a number that an earlier batch of that same transaction added is
     * told apart from one that was in the group before by its row's `xmin` (the id of the transaction
     * that inserted it), so in-file duplicates across batches are counted exactly with no set of the
     * file's numbers kept in memory. The group is not checked here: the importer checked it.
     */
    const importBatch = Effect.fn("ContactsRepo.importBatch")(function* (
      groupId: GroupId,
      contacts: ReadonlyArray<NewContact>
    ) {
      const { msisdns, names, fields } = columnsOf(contacts)
      const inserted = yield* sql<{ readonly msisdn: string }>`
        INSERT INTO contacts (group_id, msisdn, name, fields)
        SELECT ${groupId}, i.msisdn, i.name, i.fields::jsonb
        FROM unnest(${msisdns}::text[], ${names}::text[], ${fields}::text[])
          WITH ORDINALITY AS i (msisdn, name, fields, n)
        ORDER BY i.n
        ON CONFLICT (group_id, msisdn) DO NOTHING
        RETURNING msisdn`.pipe(Effect.orDie)
      const added = inserted.length
      if (added === contacts.length) return { added, addedEarlier: 0, alreadyInGroup: 0 }
      // Only the numbers that were there already are looked up, each by the unique index: the table has
      // no statistics yet in the middle of a large import, and a plan over the whole group would grow
      // with every batch.
      const addedNow = new Set(inserted.map((row) => row.msisdn))
      const there = msisdns.filter((msisdn) => !addedNow.has(msisdn))
      const ours = yield* sql`
        SELECT count(*) AS n FROM unnest(${there}::text[]) AS m (msisdn)
        CROSS JOIN LATERAL (
          SELECT x.xmin FROM contacts x WHERE x.group_id = ${groupId} AND x.msisdn = m.msisdn) x
        WHERE x.xmin = pg_current_xact_id()::xid`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ n: Schema.Int })))),
        Effect.orDie
      )
      const addedEarlier = ours[0]!.n
      // What neither this batch nor an earlier one added was in the group already (or was committed by
      // someone else meanwhile, which is the same thing to the uploader).
      return {
        added,
        addedEarlier,
        alreadyInGroup: contacts.length - added - addedEarlier
      } satisfies ImportBatchResult
    })

    return { addMany, add, remove, removeOne, importBatch, count, page } as const
  })
}) {}

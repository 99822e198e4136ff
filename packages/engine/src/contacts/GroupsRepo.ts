import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { type AccountId, AccountNotFound, type GroupId, uuid7 } from "@volley/core"
import { GroupNameTaken, GroupNotFound, InvalidGroupName } from "@volley/core/contacts/errors"
import { ContactGroup, GroupName, GroupSummary } from "@volley/core/contacts/Group"
import { Effect, Either, Option, Schema } from "effect"

const columns = `id, account_id, name, created_at`
// The count walks the (group_id, id) index: fine for lists of groups, each counted when asked.
const summaryColumns = `g.id, g.name, g.created_at,
  (SELECT count(*) FROM contacts c WHERE c.group_id = g.id) AS contacts`

const decodeName = Schema.decodeEither(GroupName)

/** PostgreSQL's unique_violation. */
const isUniqueViolation = (error: SqlError.SqlError) =>
  (error.cause as { readonly code?: unknown } | undefined)?.code === "23505"

/**
 * Contact groups, always scoped by account: another account's group is `GroupNotFound`, exactly like a
 * group that does not exist.
 */
export class GroupsRepo extends Effect.Service<GroupsRepo>()("volley/GroupsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const validName = (name: string) => Either.mapLeft(decodeName(name), () => new InvalidGroupName({ name }))

    const insert = SqlSchema.findAll({
      Request: Schema.Struct({ id: Schema.String, accountId: Schema.String, name: Schema.String }),
      Result: ContactGroup,
      execute: ({ id, accountId, name }) => sql`
        INSERT INTO contact_groups (id, account_id, name)
        SELECT ${id}, a.id, ${name} FROM accounts a WHERE a.id = ${accountId}
        ON CONFLICT (account_id, name) DO NOTHING
        RETURNING ${sql.literal(columns)}`
    })

    const create = Effect.fn("GroupsRepo.create")(function* (accountId: AccountId, rawName: string) {
      const name = yield* validName(rawName)
      const rows = yield* insert({ id: uuid7(), accountId, name }).pipe(Effect.orDie)
      if (rows[0]) return rows[0]
      const accounts = yield* sql`SELECT 1 FROM accounts WHERE id = ${accountId}`.pipe(Effect.orDie)
      return yield* accounts.length > 0 ? new GroupNameTaken({ name }) : new AccountNotFound({ accountId })
    })

    const findOne = SqlSchema.findOne({
      Request: Schema.Struct({ accountId: Schema.String, groupId: Schema.String }),
      Result: ContactGroup,
      execute: ({ accountId, groupId }) => sql`
        SELECT ${sql.literal(columns)} FROM contact_groups WHERE id = ${groupId} AND account_id = ${accountId}`
    })

    const get = Effect.fn("GroupsRepo.get")(function* (accountId: AccountId, groupId: GroupId) {
      const row = yield* findOne({ accountId, groupId }).pipe(Effect.orDie)
      if (Option.isNone(row)) return yield* new GroupNotFound({ groupId })
      return row.value
    })

    const renameRow = SqlSchema.findOne({
      Request: Schema.Struct({ accountId: Schema.String, groupId: Schema.String, name: Schema.String }),
      Result: ContactGroup,
      execute: ({ accountId, groupId, name }) => sql`
        UPDATE contact_groups SET name = ${name} WHERE id = ${groupId} AND account_id = ${accountId}
        RETURNING ${sql.literal(columns)}`
    })

    const rename = Effect.fn("GroupsRepo.rename")(function* (
      accountId: AccountId,
      groupId: GroupId,
      rawName: string
    ) {
      const name = yield* validName(rawName)
      const row = yield* renameRow({ accountId, groupId, name }).pipe(
        Effect.catchIf(
          (e) => e._tag === "SqlError" && isUniqueViolation(e),
          () => Effect.fail(new GroupNameTaken({ name }))
        ),
        Effect.catchTags({ SqlError: Effect.die, ParseError: Effect.die })
      )
      if (Option.isNone(row)) return yield* new GroupNotFound({ groupId })
      return row.value
    })

    /** Deletes the group and its contacts (ON DELETE CASCADE). */
    const remove = Effect.fn("GroupsRepo.delete")(function* (accountId: AccountId, groupId: GroupId) {
      const rows = yield* sql`
        DELETE FROM contact_groups WHERE id = ${groupId} AND account_id = ${accountId} RETURNING id`.pipe(
        Effect.orDie
      )
      if (rows.length === 0) return yield* new GroupNotFound({ groupId })
    })

    const list = SqlSchema.findAll({
      Request: Schema.String,
      Result: ContactGroup,
      execute: (accountId) => sql`
        SELECT ${sql.literal(columns)} FROM contact_groups WHERE account_id = ${accountId} ORDER BY name, id`
    })

    const summaryRows = SqlSchema.findAll({
      Request: Schema.Struct({
        accountId: Schema.String,
        groupId: Schema.NullOr(Schema.String),
        after: Schema.NullOr(Schema.String),
        limit: Schema.Int
      }),
      Result: GroupSummary,
      execute: ({ accountId, groupId, after, limit }) => sql`
        SELECT ${sql.literal(summaryColumns)} FROM contact_groups g
        WHERE g.account_id = ${accountId}
          AND (${groupId}::uuid IS NULL OR g.id = ${groupId}::uuid)
          AND (${after}::text IS NULL OR g.name > ${after}::text)
        ORDER BY g.name LIMIT ${limit}`
    })

    /** One group with its contact count. */
    const summary = Effect.fn("GroupsRepo.summary")(function* (accountId: AccountId, groupId: GroupId) {
      const rows = yield* summaryRows({ accountId, groupId, after: null, limit: 1 }).pipe(Effect.orDie)
      if (rows[0] === undefined) return yield* new GroupNotFound({ groupId })
      return rows[0]
    })

    /**
     * A keyset page of the account's groups with their contact counts, in name order: names are unique
     * per account, so the last name of a page is the cursor of the next.
     */
    const summaries = (
      accountId: AccountId,
      options: { readonly after?: string | undefined; limit: number }
    ) =>
      summaryRows({ accountId, groupId: null, after: options.after ?? null, limit: options.limit }).pipe(
        Effect.orDie,
        Effect.withSpan("GroupsRepo.summaries")
      )

    return {
      create,
      summary,
      summaries,
      rename,
      delete: remove,
      get,
      list: (accountId: AccountId) => list(accountId).pipe(Effect.orDie, Effect.withSpan("GroupsRepo.list"))
    } as const
  })
}) {}

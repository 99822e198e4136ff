import type { Readable } from "node:stream"
import { SqlClient } from "@effect/sql"
import type { AccountId, CountryCode, GroupId } from "@volley/core"
import { InvalidImportHeader, MalformedImportFile } from "@volley/core/contacts/errors"
import {
  ImportColumns,
  type ImportFormat,
  type ImportLayout,
  ImportTally,
  MAX_LISTED_INVALID_ROWS
} from "@volley/core/contacts/Import"
import { Effect, Stream } from "effect"
import { ContactsRepo } from "./ContactsRepo.js"
import { GroupsRepo } from "./GroupsRepo.js"
import { contactBatches } from "./import/contactBatches.js"
import { csvRows } from "./import/csvRows.js"
import { SheetReadError } from "./import/SheetRow.js"
import { xlsxRows } from "./import/xlsxRows.js"

export interface ImportOptions {
  readonly format: ImportFormat
  /** How national numbers ("067 123 45 67") are read; without it only international forms are valid. */
  readonly defaultCountry?: CountryCode | undefined
  /** Contacts per INSERT (default 5,000). */
  readonly batchSize?: number | undefined
  /** Invalid rows listed in the report (default 1,000); all are counted. */
  readonly maxListedInvalid?: number | undefined
}

export const DEFAULT_IMPORT_BATCH = 5_000

const rowsOf = (format: ImportFormat, source: Readable) =>
  format === "csv" ? csvRows(source) : xlsxRows(source)

/**
 * Imports a CSV or XLSX stream into a group (issue 5): rows are parsed as they arrive, normalised to E.164
 * and inserted in batches (one `INSERT … ON CONFLICT DO NOTHING` of up to 5,000 rows), the next batch
 * parsed while the previous one is written, so memory stays bounded whatever the file's size. The whole
 * import is one transaction: a file that turns out malformed halfway adds nothing, and the report counts
 * exactly what happened to every row.
 */
export class ContactImport extends Effect.Service<ContactImport>()("volley/ContactImport", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const groups = yield* GroupsRepo
    const contacts = yield* ContactsRepo

    const run = Effect.fn("ContactImport.run")(function* (
      accountId: AccountId,
      groupId: GroupId,
      source: Readable,
      options: ImportOptions
    ) {
      // before reading any of the body: another account's group is not found
      yield* groups.get(accountId, groupId)
      const tally = new ImportTally(options.maxListedInvalid ?? MAX_LISTED_INVALID_ROWS)
      let layout: ImportLayout | undefined
      const batches = contactBatches(rowsOf(options.format, source), tally, {
        size: options.batchSize ?? DEFAULT_IMPORT_BATCH,
        defaultCountry: options.defaultCountry,
        onHeader: (l) => {
          layout = l
        }
      })
      const readFailure = (error: unknown): InvalidImportHeader | MalformedImportFile => {
        if (error instanceof InvalidImportHeader) return error
        if (error instanceof SheetReadError) {
          return new MalformedImportFile({ format: options.format, row: error.row, detail: error.detail })
        }
        throw error
      }
      yield* Stream.fromAsyncIterable(batches, readFailure).pipe(
        // one batch parsed ahead while the previous one is written
        Stream.buffer({ capacity: 1 }),
        Stream.runForEach((batch) =>
          Effect.map(contacts.importBatch(groupId, batch), (result) => {
            tally.added += result.added
            tally.duplicatesInFile += result.addedEarlier
            tally.alreadyInGroup += result.alreadyInGroup
          })
        ),
        sql.withTransaction,
        Effect.catchTag("SqlError", Effect.die)
      )
      const columns = layout?.columns ?? new ImportColumns({ phone: "", name: null, fields: [] })
      return tally.report(options.format, columns)
    })

    return { run } as const
  })
}) {}

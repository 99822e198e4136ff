import { setImmediate as nextTurn } from "node:timers/promises"
import type { CountryCode, NewContact } from "@volley/core"
import { type ImportLayout, type ImportTally, ImportLayout as Layout } from "@volley/core/contacts/Import"
import { Either } from "effect"
import { SheetReadError, type SheetRow } from "./SheetRow.js"

export interface BatchOptions {
  /** Contacts per batch (one INSERT each). */
  readonly size: number
  readonly defaultCountry?: CountryCode | undefined
  /** Called once with the header's layout, before the first batch. */
  readonly onHeader: (layout: ImportLayout) => void
}

/** Rows normalised between two turns of the event loop (~10 ms of libphonenumber), so I/O keeps flowing. */
const ROWS_PER_TURN = 1_000

/**
 * Sheet rows → batches of distinct, normalised contacts. The first row is the header; every later row
 * is counted in `tally` as read, and as invalid (with its row number) or a duplicate of an earlier row
 * of the same batch here. Duplicates across batches are the database's to tell (`importBatch`), so memory
 * holds one batch, never the file's numbers.
 */
export async function* contactBatches(
  rows: AsyncIterable<SheetRow>,
  tally: ImportTally,
  options: BatchOptions
): AsyncGenerator<ReadonlyArray<NewContact>> {
  let layout: ImportLayout | undefined
  let batch: Array<NewContact> = []
  let inBatch = new Set<string>()
  let sinceTurn = 0
  for await (const { row, cells } of rows) {
    if (layout === undefined) {
      layout = Either.getOrThrowWith(Layout.fromHeader(cells.map((c) => c ?? "")), (error) => error)
      options.onHeader(layout)
      continue
    }
    tally.rowsRead++
    const contact = layout.contactOf(cells, options.defaultCountry)
    if (Either.isLeft(contact)) {
      tally.refuse(row, contact.left)
    } else if (inBatch.has(contact.right.msisdn)) {
      tally.duplicatesInFile++
    } else {
      inBatch.add(contact.right.msisdn)
      batch.push(contact.right)
      if (batch.length >= options.size) {
        yield batch
        batch = []
        inBatch = new Set()
      }
    }
    if (++sinceTurn >= ROWS_PER_TURN) {
      sinceTurn = 0
      await nextTurn()
    }
  }
  if (layout === undefined) throw new SheetReadError("the file is empty (it has no header row)", null)
  if (batch.length > 0) yield batch
}

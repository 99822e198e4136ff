import type { Readable } from "node:stream"
import ExcelJS from "exceljs"
import { SheetReadError, type SheetRow } from "./SheetRow.js"

/** A cell's value as text: numbers in full (a phone stored as a number has no exponent below 1e21). */
const cellText = (value: ExcelJS.CellValue): string | undefined => {
  if (value === null || value === undefined) return undefined
  if (typeof value === "string") return value
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  if (value instanceof Date) return value.toISOString()
  if ("richText" in value) return value.richText.map((run) => run.text).join("")
  if ("formula" in value || "sharedFormula" in value) {
    return cellText((value as { result?: ExcelJS.CellValue }).result as ExcelJS.CellValue)
  }
  if ("text" in value) return typeof value.text === "string" ? value.text : cellText(value.text)
  if ("error" in value) return String(value.error)
  return undefined
}

/**
 * The rows of the first worksheet stored in an XLSX upload (normally the first tab), streamed from the zip as it arrives. Empty rows are
 * not stored in XLSX, so they are skipped; a row's number is the spreadsheet's. Two limits of the format:
 * the shared-strings table (every distinct text cell) is held in memory, and a worksheet stored in the
 * zip before that table is spooled to a temporary file first.
 */
export async function* xlsxRows(source: Readable): AsyncGenerator<SheetRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    worksheets: "emit",
    sharedStrings: "cache",
    hyperlinks: "ignore",
    styles: "ignore",
    entries: "ignore"
  })
  // exceljs reads a worksheet at once when the shared strings and relationships came first, and then
  // assumes xl/workbook.xml did too; some writers (exceljs's own, at times) store it later, which would
  // crash the reader. Sheet names are not needed here, so an empty sheet list stands in until it comes.
  ;(workbook as unknown as { model: { sheets: ReadonlyArray<unknown> } }).model = { sheets: [] }
  let first = true
  try {
    for await (const worksheet of workbook) {
      if (!first) {
        // Read to the end and dropped: a worksheet exceljs spooled to a temporary file is deleted as soon as
        // the loop moves on, and a read stream it opened on it but nobody consumed then fails with ENOENT
        // outside any handler (an uncaught exception).
        for await (const _ of worksheet) {
        }
        continue
      }
      first = false
      for await (const row of worksheet) {
        const values = row.values as ReadonlyArray<ExcelJS.CellValue> // sparse, from index 1
        const cells: Array<string | undefined> = []
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]))
        yield { row: row.number, cells }
      }
    }
  } catch (error) {
    if (error instanceof SheetReadError) throw error
    throw new SheetReadError(`not a readable XLSX workbook (${describe(error)})`, null)
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error))

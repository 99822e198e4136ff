import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { type CsvError, parse } from "csv-parse"
import { SheetReadError, type SheetRow } from "./SheetRow.js"

/** A record longer than this is refused (a runaway quote would otherwise buffer the rest of the file). */
const MAX_RECORD_BYTES = 64 * 1024
const DELIMITERS = [",", ";", "\t"] as const

/**
 * The delimiter the header line uses most, outside quotes: spreadsheets save "CSV" with `;` where the
 * decimal separator is a comma (most of Europe), and with tabs as "Unicode text".
 */
const sniffDelimiter = (head: string): string => {
  const counts = new Map<string, number>()
  let quoted = false
  for (const c of head) {
    if (c === '"') quoted = !quoted
    else if (!quoted && (c === "\n" || c === "\r")) break
    else if (!quoted && (DELIMITERS as ReadonlyArray<string>).includes(c))
      counts.set(c, (counts.get(c) ?? 0) + 1)
  }
  let best = ","
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d
  return best
}

/** Lines a record takes: one, plus the line breaks inside its quoted fields. */
const linesOf = (record: ReadonlyArray<string>) => {
  let lines = 1
  for (const field of record) {
    for (let i = field.indexOf("\n"); i !== -1; i = field.indexOf("\n", i + 1)) lines++
  }
  return lines
}

const isBlank = (record: ReadonlyArray<string>) => record.length === 1 && record[0] === ""

/** The first chunk is read ahead to choose the delimiter, then put back in front of the rest. */
const withHead = async (source: Readable) => {
  const chunks = source[Symbol.asyncIterator]()
  const first = await chunks.next()
  const head: Buffer = first.done === true ? Buffer.alloc(0) : Buffer.from(first.value as Uint8Array)
  async function* all() {
    yield head
    for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value
  }
  return {
    head: head.subarray(0, 4096).toString("utf8"),
    stream: Readable.from(all(), { objectMode: false })
  }
}

/**
 * The rows of a CSV upload (RFC 4180 quoting, UTF-8 with or without a BOM, `,` `;` or tab delimited),
 * streamed: memory holds one chunk and the records parsed from it. Blank lines are skipped; a row's
 * number is the line it starts on.
 */
export async function* csvRows(source: Readable): AsyncGenerator<SheetRow> {
  const { head, stream } = await withHead(source)
  const parser = parse({
    bom: true,
    delimiter: sniffDelimiter(head),
    relax_column_count: true,
    // blank lines come through as [""] and are skipped below, so lines are counted here (the parser's
    // `info` would count them too, at ~3 µs and two objects per record)
    max_record_size: MAX_RECORD_BYTES
  })
  const piped = pipeline(stream, parser)
  piped.catch(() => undefined) // the same error ends the iteration below
  let line = 1
  try {
    for await (const record of parser as AsyncIterable<Array<string>>) {
      const row = line
      line += linesOf(record)
      if (!isBlank(record)) yield { row, cells: record }
    }
  } catch (error) {
    const csv = error as Partial<CsvError>
    if (typeof csv.code === "string" && csv.code.startsWith("CSV_")) {
      throw new SheetReadError(csv.message ?? csv.code, typeof csv.lines === "number" ? csv.lines : null)
    }
    throw error
  }
}

import { Either, Schema } from "effect"
import type { InvalidPhoneNumber } from "../phone/errors.js"
import { PhoneNumberProblem } from "../phone/errors.js"
import { type CountryCode, parsePhoneNumber } from "../phone/PhoneNumber.js"
import type { NewContact } from "./Contact.js"
import { InvalidImportHeader } from "./errors.js"

export const ImportFormat = Schema.Literal("csv", "xlsx")
export type ImportFormat = typeof ImportFormat.Type

/** Header names (compared case-insensitively) that hold the phone number, and the contact's name. */
const PHONE_COLUMNS: ReadonlyArray<string> = ["phone", "number", "msisdn"]
const NAME_COLUMN = "name"

/** A row whose number could not be read: where it is, what it said, and why it was refused. */
export class InvalidRow extends Schema.Class<InvalidRow>("InvalidRow")({
  row: Schema.Int.annotations({ description: "Row number as a spreadsheet shows it: the header is row 1" }),
  value: Schema.String.annotations({ description: "The phone cell as written" }),
  reason: PhoneNumberProblem,
  message: Schema.String
}) {}

/** Which columns the header row named: the number, the name, and the custom fields kept per contact. */
export class ImportColumns extends Schema.Class<ImportColumns>("ImportColumns")({
  phone: Schema.String,
  name: Schema.NullOr(Schema.String),
  fields: Schema.Array(Schema.String)
}) {}

/**
 * What an upload did. Every data row is accounted for exactly once:
 * `rowsRead = added + duplicatesInFile + alreadyInGroup + invalid`.
 */
export class ImportReport extends Schema.Class<ImportReport>("ImportReport")({
  format: ImportFormat,
  columns: ImportColumns,
  rowsRead: Schema.Int.annotations({ description: "Data rows after the header (blank lines are not rows)" }),
  added: Schema.Int,
  duplicatesInFile: Schema.Int.annotations({
    description: "Rows whose number an earlier row of the same file already had (the first row wins)"
  }),
  alreadyInGroup: Schema.Int.annotations({
    description: "Rows whose number was in the group before the upload (the contact is left as it was)"
  }),
  invalid: Schema.Int,
  invalidRows: Schema.Array(InvalidRow).annotations({ description: "In file order, the first ones only" }),
  invalidRowsTruncated: Schema.Boolean.annotations({
    description: "More rows were invalid than `invalidRows` lists; `invalid` counts them all"
  })
}) {}

export const MAX_LISTED_INVALID_ROWS = 1_000

/** Where each column of a data row goes; read once from the header row. */
export class ImportLayout {
  private constructor(
    readonly columns: ImportColumns,
    private readonly phoneAt: number,
    private readonly nameAt: number | undefined,
    private readonly fieldsAt: ReadonlyArray<readonly [index: number, key: string]>
  ) {}

  /**
   * The header row: one phone column (`phone`, `number` or `msisdn`), an optional `name` column, and any
   * other named column is a custom field kept under its header as written. Columns with an empty header
   * are ignored; a name used twice (case-insensitively) is refused, as is a header with no phone column.
   */
  static fromHeader(header: ReadonlyArray<string>): Either.Either<ImportLayout, InvalidImportHeader> {
    const names = header.map((cell) => cell.trim())
    const refuse = (detail: string) => Either.left(new InvalidImportHeader({ columns: names, detail }))
    const seen = new Set<string>()
    const phones: Array<number> = []
    let nameAt: number | undefined
    const fieldsAt: Array<readonly [number, string]> = []
    for (const [index, name] of names.entries()) {
      if (name === "") continue
      const lower = name.toLowerCase()
      if (seen.has(lower)) return refuse(`names the column "${name}" twice`)
      seen.add(lower)
      if (PHONE_COLUMNS.includes(lower)) phones.push(index)
      else if (lower === NAME_COLUMN) nameAt = index
      else fieldsAt.push([index, name])
    }
    const [phoneAt, ...others] = phones
    if (phoneAt === undefined) {
      return refuse(`has no phone column (name one of: ${PHONE_COLUMNS.join(", ")})`)
    }
    if (others.length > 0) {
      return refuse(`has more than one phone column (${phones.map((i) => names[i]).join(", ")})`)
    }
    const columns = new ImportColumns({
      phone: names[phoneAt]!,
      name: nameAt === undefined ? null : names[nameAt]!,
      fields: fieldsAt.map(([, key]) => key)
    })
    return Either.right(new ImportLayout(columns, phoneAt, nameAt, fieldsAt))
  }

  /** The phone cell of a data row, as written (a missing cell reads as empty). */
  phoneOf(cells: ReadonlyArray<string | undefined>): string {
    return cells[this.phoneAt] ?? ""
  }

  /**
   * A data row as a contact: the number in E.164, the name and fields trimmed; an empty name or field
   * is left out, so a campaign template treats it as missing.
   */
  contactOf(
    cells: ReadonlyArray<string | undefined>,
    defaultCountry?: CountryCode
  ): Either.Either<NewContact, InvalidPhoneNumber> {
    return Either.map(parsePhoneNumber(this.phoneOf(cells), defaultCountry), (msisdn) => {
      const name = this.nameAt === undefined ? "" : (cells[this.nameAt] ?? "").trim()
      let fields: Record<string, string> | undefined
      for (const [index, key] of this.fieldsAt) {
        const value = (cells[index] ?? "").trim()
        if (value === "") continue
        fields ??= {}
        fields[key] = value
      }
      return { msisdn, name: name === "" ? undefined : name, fields }
    })
  }
}

/** Counts an import as it goes; rows are read once, so the report needs no second pass. */
export class ImportTally {
  rowsRead = 0
  added = 0
  duplicatesInFile = 0
  alreadyInGroup = 0
  invalid = 0
  private readonly invalidRows: Array<InvalidRow> = []

  constructor(private readonly maxListed = MAX_LISTED_INVALID_ROWS) {}

  refuse(row: number, error: InvalidPhoneNumber): void {
    this.invalid++
    if (this.invalidRows.length < this.maxListed) {
      this.invalidRows.push(
        new InvalidRow({ row, value: error.input, reason: error.reason, message: error.message }, true)
      )
    }
  }

  report(format: ImportFormat, columns: ImportColumns): ImportReport {
    return new ImportReport({
      format,
      columns,
      rowsRead: this.rowsRead,
      added: this.added,
      duplicatesInFile: this.duplicatesInFile,
      alreadyInGroup: this.alreadyInGroup,
      invalid: this.invalid,
      invalidRows: this.invalidRows,
      invalidRowsTruncated: this.invalid > this.invalidRows.length
    })
  }
}

/** One row of an uploaded sheet: its number as a spreadsheet shows it (from 1) and its cells as text. */
export interface SheetRow {
  readonly row: number
  readonly cells: ReadonlyArray<string | undefined>
}

/** The file could not be read as the format it claims; `row` is where reading stopped, when known. */
export class SheetReadError extends Error {
  constructor(
    readonly detail: string,
    readonly row: number | null
  ) {
    super(detail)
  }
}

/** One RFC 4180 field: quoted when it holds a quote, comma or line break; quotes doubled. */
const csvField = (value: string | number | boolean | null | undefined): string => {
  if (value === null || value === undefined) return ""
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One CSV record, CRLF-terminated as RFC 4180 has it. */
export const csvRow = (fields: ReadonlyArray<string | number | boolean | null | undefined>): string =>
  `${fields.map(csvField).join(",")}\r\n`

import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, type Stream } from "effect"
import ExcelJS from "exceljs"
import type { Reply } from "./ApiHarness.js"

export const CSV = "text/csv"
export const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/** `POST /v1/groups/:id/imports` with a raw body: bytes, or a stream sent chunked as it is produced. */
export const upload = (
  key: string,
  groupId: string,
  body: Uint8Array | Stream.Stream<Uint8Array>,
  contentType: string,
  query = ""
) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.post(`/v1/groups/${groupId}/imports${query}`).pipe(
      HttpClientRequest.bearerToken(key)
    )
    request =
      body instanceof Uint8Array
        ? HttpClientRequest.bodyUint8Array(request, body, contentType)
        : HttpClientRequest.bodyStream(request, body, { contentType })
    const response = yield* client.execute(request)
    const text = yield* response.text
    return {
      status: response.status,
      headers: response.headers,
      body: text === "" ? undefined : JSON.parse(text)
    }
  }).pipe(Effect.scoped, Effect.orDie) as Effect.Effect<Reply, never, HttpClient.HttpClient>

/** A CSV document from rows of cells, quoted where needed (RFC 4180). */
export const csvOf = (rows: ReadonlyArray<ReadonlyArray<string>>) =>
  new TextEncoder().encode(
    rows
      .map((cells) => cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(","))
      .join("\r\n")
  )

/** An XLSX workbook whose first sheet holds these rows (numbers stay numeric cells). */
export const xlsxOf = (rows: ReadonlyArray<ReadonlyArray<string | number>>) =>
  Effect.promise(async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet("Contacts")
    for (const row of rows) sheet.addRow([...row])
    workbook.addWorksheet("Notes").addRow(["phone"]).commit()
    return new Uint8Array(await workbook.xlsx.writeBuffer())
  })

import { HttpApiBuilder } from "@effect/platform"
import { NodeStream } from "@effect/platform-node"
import type { ImportFormat } from "@volley/core"
import { ContactImport } from "@volley/engine/contacts/ContactImport"
import { Effect } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"
import { CSV_TYPES, UnsupportedImportType, XLSX_TYPE } from "./ImportsApi.js"

/** The upload's format from its Content-Type (parameters such as `charset` aside). */
const formatOf = (contentType: string | undefined): ImportFormat | undefined => {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase()
  if (CSV_TYPES.includes(type)) return "csv"
  if (type === XLSX_TYPE) return "xlsx"
  return undefined
}

export const ImportsLive = HttpApiBuilder.group(VolleyApi, "imports", (handlers) =>
  Effect.gen(function* () {
    const importer = yield* ContactImport
    // raw: the body is not read into memory by HttpApi; it is streamed into the importer
    return handlers.handleRaw("import", ({ path, urlParams, request }) =>
      Effect.gen(function* () {
        const { accountId } = yield* CurrentAccount
        const contentType = request.headers["content-type"]
        const format = formatOf(contentType)
        if (format === undefined) {
          return yield* new UnsupportedImportType({
            contentType: contentType ?? "",
            message: `Send the file as text/csv or ${XLSX_TYPE}, not "${contentType ?? "no content type"}"`
          })
        }
        const source = yield* NodeStream.toReadable(request.stream)
        return yield* importer.run(accountId, path.groupId, source, {
          format,
          defaultCountry: urlParams.country
        })
      })
    )
  })
)

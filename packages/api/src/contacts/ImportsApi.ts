import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  Country,
  GroupId,
  GroupNotFound,
  ImportReport,
  InvalidImportHeader,
  MalformedImportFile
} from "@volley/core"
import { Schema } from "effect"
import { SenderAuth } from "../auth/AuthApi.js"
import { withMessage } from "../http/withMessage.js"

export const CSV_TYPES: ReadonlyArray<string> = ["text/csv", "application/csv", "text/plain"]
export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

export class UnsupportedImportType extends Schema.TaggedError<UnsupportedImportType>()(
  "UnsupportedImportType",
  { contentType: Schema.String, message: Schema.String },
  HttpApiSchema.annotations({ status: 415, description: "The body is neither CSV nor XLSX" })
) {}

/** The upload is the raw request body (no multipart), so it streams straight into the parser. */
const ImportBody = Schema.Union(
  HttpApiSchema.Uint8Array({ contentType: "text/csv" }).annotations({
    description: "UTF-8 CSV; `,` `;` or tab delimited (chosen from the header line)"
  }),
  HttpApiSchema.Uint8Array({ contentType: XLSX_TYPE }).annotations({
    description: "An Excel workbook; its first worksheet is read"
  })
)

export class ImportsApi extends HttpApiGroup.make("imports")
  .add(
    HttpApiEndpoint.post("import", "/v1/groups/:groupId/imports")
      .setPath(Schema.Struct({ groupId: GroupId }))
      .setUrlParams(
        Schema.Struct({
          country: Schema.optional(Country).annotations({
            description:
              "Read national numbers (067 123 45 67) as this country's; by default only international forms are valid"
          })
        })
      )
      .setPayload(ImportBody)
      .addSuccess(ImportReport)
      .addError(withMessage(MalformedImportFile), { status: 400 })
      .addError(withMessage(InvalidImportHeader), { status: 400 })
      .addError(withMessage(GroupNotFound), { status: 404 })
      .addError(UnsupportedImportType)
      .annotate(
        OpenApi.Description,
        "Adds a CSV or XLSX file's rows to the group, streamed (a million rows is fine). The header row names " +
          "the columns: `phone` (or `number`, `msisdn`) is required, `name` is optional, any other column is " +
          "kept as a custom field. Numbers are normalised to E.164; a number already in the group, or repeated " +
          "in the file, is not added again (the first one stays). The report accounts for every row: " +
          "rowsRead = added + duplicatesInFile + alreadyInGroup + invalid, with each invalid row's number, " +
          "value and reason (the first 1,000 listed). All or nothing: a malformed file adds nothing."
      )
  )
  .middleware(SenderAuth)
  .annotate(OpenApi.Title, "Imports")
  .annotate(OpenApi.Description, "Upload CSV or XLSX files of contacts into a group") {}

import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { OperatorId } from "@volley/core"
import { Operator, OperatorInput } from "@volley/core/catalog/Catalog"
import { Schema } from "effect"
import { OperatorAuth } from "../auth/AuthApi.js"
import { EntryExists, EntryNotFound, InvalidEntry } from "./CatalogErrors.js"

export const NewOperator = OperatorInput.annotations({ identifier: "NewOperator" })

/** Only the fields sent change. */
export const OperatorChange = OperatorInput.pipe(Schema.omit("id"), Schema.partial).annotations({
  identifier: "OperatorChange"
})

const OperatorPath = Schema.Struct({ operatorId: OperatorId })

/** Mobile operators: the default validity of their messages and how their SMSCs write message ids. */
export class OperatorsAdminApi extends HttpApiGroup.make("operatorsAdmin")
  .add(
    HttpApiEndpoint.post("create", "/v1/admin/operators")
      .setPayload(NewOperator)
      .addSuccess(Operator, { status: 201 })
      .addError(InvalidEntry, { status: 400 })
      .addError(EntryExists, { status: 409 })
  )
  .add(HttpApiEndpoint.get("list", "/v1/admin/operators").addSuccess(Schema.Array(Operator)))
  .add(
    HttpApiEndpoint.get("get", "/v1/admin/operators/:operatorId")
      .setPath(OperatorPath)
      .addSuccess(Operator)
      .addError(EntryNotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.patch("change", "/v1/admin/operators/:operatorId")
      .setPath(OperatorPath)
      .setPayload(OperatorChange)
      .addSuccess(Operator)
      .addError(InvalidEntry, { status: 400 })
      .addError(EntryNotFound, { status: 404 })
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Operators (operators)")
  .annotate(OpenApi.Description, "The mobile operators behind routes and binds") {}

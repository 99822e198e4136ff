import { HttpApi, OpenApi } from "@effect/platform"
import { HealthApi } from "./health/HealthApi.js"

/** The HTTP contract: pure data, shared by the server, its OpenAPI document and typed clients. */
export class VolleyApi extends HttpApi.make("volley")
  .add(HealthApi)
  .annotate(OpenApi.Title, "Volley SMS API")
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(
    OpenApi.Description,
    "Send single messages, batches and campaigns; read their delivery status. Operators manage routes and binds."
  ) {}

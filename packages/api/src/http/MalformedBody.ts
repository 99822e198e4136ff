import { HttpApiBuilder, HttpApiError, HttpServerError } from "@effect/platform"
import { Effect, Option } from "effect"
import { VolleyApi } from "../Api.js"

/**
 * HttpApi reads a request body with `orDie`, so unparseable JSON would end as a 500. This turns that
 * defect into the same 400 `HttpApiDecodeError` a body of the wrong shape gets.
 */
export const MalformedBodyLive = HttpApiBuilder.middleware(VolleyApi, (app) =>
  Effect.catchSomeDefect(app, (defect) =>
    HttpServerError.isServerError(defect) && defect._tag === "RequestError" && defect.reason === "Decode"
      ? Option.some(
          Effect.fail(
            new HttpApiError.HttpApiDecodeError({
              issues: [],
              message: `The request body could not be read: ${describe(defect.cause)}`
            })
          )
        )
      : Option.none()
  )
)

const describe = (cause: unknown) => (cause instanceof Error ? cause.message : "malformed body")

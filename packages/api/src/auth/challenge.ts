import { HttpApp, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"

/** Adds a header to whatever response this request ends with (the typed error's, here). */
export const withResponseHeader = (name: string, value: string) =>
  HttpApp.appendPreResponseHandler((_request, response) =>
    Effect.succeed(HttpServerResponse.setHeader(response, name, value))
  )

/** RFC 9110 §11.6.1: a 401 names the scheme it wants. */
export const challenge = withResponseHeader("WWW-Authenticate", 'Bearer realm="volley"')

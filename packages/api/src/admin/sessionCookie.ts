import { HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Duration, Effect, Option } from "effect"
import { SESSION_COOKIE, SESSION_TTL_MS } from "./OperatorSessions.js"

/** The session id the request carries, if any. */
export const presentedSessionId = Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
  Option.fromNullable(request.cookies[SESSION_COOKIE]).pipe(Option.filter((id) => id !== ""))
)

// Path=/ so the static UI under /admin and the API under /v1 both see it; Strict keeps other sites' forms out.
const attributes = (secure: boolean) => ({ httpOnly: true, sameSite: "strict", path: "/", secure }) as const

/** Sets the session cookie on whatever response this request ends with. */
export const setSessionCookie = (id: string, secure: boolean) =>
  HttpApp.appendPreResponseHandler((_request, response) =>
    Effect.succeed(
      HttpServerResponse.unsafeSetCookie(response, SESSION_COOKIE, id, {
        ...attributes(secure),
        maxAge: Duration.millis(SESSION_TTL_MS)
      })
    )
  )

/** Tells the browser to forget the session cookie. */
export const expireSessionCookie = (secure: boolean) =>
  HttpApp.appendPreResponseHandler((_request, response) =>
    Effect.succeed(HttpServerResponse.expireCookie(response, SESSION_COOKIE, attributes(secure)))
  )

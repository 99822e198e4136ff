import { expect, layer } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { ApiTest, call, expectStatus, TEST_ADMIN_TOKEN } from "./support/ApiHarness.js"

const operators = ConfigProvider.fromMap(
  new Map([["VOLLEY_OPERATORS", "alice:correct horse,bob:pw:with:colons,carol:battery staple"]])
)
const ApiWithOperators = ApiTest.pipe(
  Layer.provide(
    Layer.setConfigProvider(operators.pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv())))
  )
)

/** The `name=value` of the session cookie a reply sets. */
const sessionCookieOf = (setCookie: string | undefined) => {
  const pair = setCookie?.split(";")[0]
  if (pair === undefined || !pair.startsWith("volley_operator_session="))
    throw new Error(`no session cookie: ${setCookie}`)
  return pair
}

const withCookie = (cookie: string) => ({ headers: { cookie } })

const signIn = (username: string, password: string) =>
  call("POST", "/v1/admin/session", { json: { username, password } })

layer(ApiWithOperators, { excludeTestServices: true })("operator sign-in for the admin UI", (it) => {
  it.effect("a wrong password or an unknown operator is a 401 and sets no cookie", () =>
    Effect.gen(function* () {
      for (const [username, password] of [
        ["alice", "wrong"],
        ["mallory", "correct horse"],
        ["bob", "pw"]
      ] as const) {
        const reply = yield* signIn(username, password)
        expect(reply.status, username).toBe(401)
        expect(reply.body).toMatchObject({ _tag: "Unauthorized" })
        expect(reply.headers["set-cookie"]).toBeUndefined()
      }
    })
  )

  it.effect("a signed-in operator's session cookie opens the existing admin endpoints", () =>
    Effect.gen(function* () {
      expect((yield* call("GET", "/v1/admin/binds")).status).toBe(401)
      const reply = expectStatus(yield* signIn("bob", "pw:with:colons"), 200)
      expect(reply.body).toMatchObject({ username: "bob" })
      const setCookie = String(reply.headers["set-cookie"])
      expect(setCookie).toContain("HttpOnly")
      expect(setCookie).toContain("SameSite=Strict")
      expect(setCookie).toContain("Path=/")
      const cookie = sessionCookieOf(setCookie)

      expectStatus(yield* call("GET", "/v1/admin/binds", withCookie(cookie)), 200)
      expectStatus(yield* call("GET", "/v1/admin/bind-states", withCookie(cookie)), 200)
      expect(
        expectStatus(yield* call("GET", "/v1/admin/session", withCookie(cookie)), 200).body
      ).toMatchObject({
        username: "bob"
      })
      // The bearer token keeps working, and a made-up cookie opens nothing.
      expectStatus(yield* call("GET", "/v1/admin/binds", { token: TEST_ADMIN_TOKEN }), 200)
      const forged = withCookie("volley_operator_session=made-up")
      expect((yield* call("GET", "/v1/admin/binds", forged)).status).toBe(401)
      expect((yield* call("GET", "/v1/admin/session", forged)).status).toBe(401)
    })
  )

  it.effect("sign-out ends the session at once", () =>
    Effect.gen(function* () {
      const cookie = sessionCookieOf(
        String(expectStatus(yield* signIn("alice", "correct horse"), 200).headers["set-cookie"])
      )
      expectStatus(yield* call("GET", "/v1/admin/binds", withCookie(cookie)), 200)

      const out = expectStatus(yield* call("DELETE", "/v1/admin/session", withCookie(cookie)), 204)
      expect(String(out.headers["set-cookie"])).toMatch(
        /volley_operator_session=;.*Max-Age=0|Expires=Thu, 01 Jan 1970/
      )

      expect((yield* call("GET", "/v1/admin/binds", withCookie(cookie))).status).toBe(401)
      expect((yield* call("GET", "/v1/admin/session", withCookie(cookie))).status).toBe(401)
    })
  )

  it.effect(
    "a burst of sign-in attempts for one name is a 429 with Retry-After after 5, other names unaffected",
    () =>
      Effect.gen(function* () {
        // carol's bucket is this test's own: 5 attempts, then one every 2 seconds
        for (let attempt = 1; attempt <= 5; attempt++) {
          const reply = yield* signIn("carol", `wrong ${attempt}`)
          expect(reply.status, `attempt ${attempt}`).toBe(401)
          expect(reply.body).toMatchObject({ _tag: "Unauthorized" })
        }
        const limited = yield* signIn("carol", "wrong 6")
        expect(limited.status).toBe(429)
        expect(limited.body).toMatchObject({ _tag: "RateLimited" })
        const retryAfter = Number(limited.headers["retry-after"])
        expect(retryAfter).toBeGreaterThanOrEqual(1)
        expect(limited.body.retryAfterSeconds).toBe(retryAfter)
        expect(limited.headers["set-cookie"]).toBeUndefined()
        // the right password is refused too while the name is limited: the limit is not a password oracle
        expect((yield* signIn("carol", "battery staple")).status).toBe(429)
        // another name has a bucket of its own
        expectStatus(yield* signIn("alice", "correct horse"), 200)
      })
  )
})

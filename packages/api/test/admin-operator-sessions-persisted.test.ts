import { expect, layer } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Layer, Option } from "effect"
import { OperatorAccounts } from "../src/admin/OperatorAccounts.js"
import { OperatorSessions } from "../src/admin/OperatorSessions.js"
import { ApiTest, call, expectStatus } from "./support/ApiHarness.js"

const configured = (operators: string) =>
  Layer.setConfigProvider(
    ConfigProvider.fromMap(new Map([["VOLLEY_OPERATORS", operators]])).pipe(
      ConfigProvider.orElse(() => ConfigProvider.fromEnv())
    )
  )

const OPERATORS = "alice:correct horse,bob:battery staple"
const ApiWithOperators = ApiTest.pipe(Layer.provide(configured(OPERATORS)))

/**
 * The session store of another API process on the same database — or of this one after a restart —
 * with `operators` as its VOLLEY_OPERATORS.
 */
const anotherProcess = (operators: string) =>
  Effect.map(
    Layer.build(
      OperatorSessions.Default.pipe(
        Layer.provide(OperatorAccounts.fromConfig),
        Layer.provide(configured(operators))
      )
    ),
    (context) => Context.get(context, OperatorSessions)
  )

/** Signs in over HTTP; the session id the cookie carries. */
const signedIn = (username: string, password: string) =>
  Effect.map(call("POST", "/v1/admin/session", { json: { username, password } }), (reply) => {
    const pair = String(expectStatus(reply, 200).headers["set-cookie"]).split(";")[0]!
    return pair.slice(pair.indexOf("=") + 1)
  })

layer(ApiWithOperators, { excludeTestServices: true })("operator sessions kept in the database", (it) => {
  it.scoped("a session opened in one process is live in another, until its operator signs out", () =>
    Effect.gen(function* () {
      const id = yield* signedIn("alice", "correct horse")
      const restarted = yield* anotherProcess(OPERATORS)
      const found = yield* restarted.find(id)
      expect(Option.map(found, (s) => s.username)).toEqual(Option.some("alice"))
      expect(Option.isNone(yield* restarted.find(`${id}x`))).toBe(true)

      expectStatus(
        yield* call("DELETE", "/v1/admin/session", {
          headers: { cookie: `volley_operator_session=${id}` }
        }),
        204
      )
      expect(Option.isNone(yield* restarted.find(id))).toBe(true)
    })
  )

  it.scoped("a changed password or an operator no longer configured ends their sessions", () =>
    Effect.gen(function* () {
      const alices = yield* signedIn("alice", "correct horse")
      const bobs = yield* signedIn("bob", "battery staple")

      const alicePasswordChanged = yield* anotherProcess("alice:a new passphrase,bob:battery staple")
      expect(Option.isNone(yield* alicePasswordChanged.find(alices))).toBe(true)
      expect(Option.isSome(yield* alicePasswordChanged.find(bobs))).toBe(true)

      const bobRemoved = yield* anotherProcess("alice:correct horse")
      expect(Option.isSome(yield* bobRemoved.find(alices))).toBe(true)
      expect(Option.isNone(yield* bobRemoved.find(bobs))).toBe(true)
    })
  )
})

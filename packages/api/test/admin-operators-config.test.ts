import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Option, Redacted } from "effect"
import { OperatorAccounts } from "../src/admin/OperatorAccounts.js"

const verifyWith = (env: Record<string, string>, username: string, password: string) =>
  Effect.flatMap(OperatorAccounts, (accounts) => accounts.verify(username, Redacted.make(password))).pipe(
    Effect.provide(OperatorAccounts.fromConfig),
    Effect.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
  )

describe("operator accounts configuration", () => {
  it.effect("VOLLEY_OPERATORS lists name:password pairs; only the right password signs in", () =>
    Effect.gen(function* () {
      const env = { VOLLEY_OPERATORS: "alice:one, bob:two:three" }
      expect(yield* verifyWith(env, "alice", "one")).toEqual(Option.some("alice"))
      expect(yield* verifyWith(env, "bob", "two:three")).toEqual(Option.some("bob"))
      expect(yield* verifyWith(env, "alice", "two:three")).toEqual(Option.none())
      expect(yield* verifyWith(env, "carol", "one")).toEqual(Option.none())
    })
  )

  it.effect("a malformed list stops the start-up", () =>
    Effect.gen(function* () {
      for (const list of ["alice", "alice:", "al ice:pw", "alice:a,alice:b", " , "]) {
        const error = yield* verifyWith({ VOLLEY_OPERATORS: list }, "alice", "a").pipe(Effect.flip)
        expect(String(error), list).toContain("VOLLEY_OPERATORS")
      }
    })
  )

  it.effect("unset, the one account is `operator` with a generated password nobody can guess", () =>
    Effect.gen(function* () {
      expect(yield* verifyWith({}, "operator", "")).toEqual(Option.none())
      expect(yield* verifyWith({}, "operator", "operator")).toEqual(Option.none())
    })
  )
})

import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import { AdminToken } from "../src/auth/AdminToken.js"

const tokenWith = (env: Record<string, string>) =>
  Effect.flatMap(AdminToken, (token) => Effect.succeed(Redacted.value(token))).pipe(
    Effect.provide(AdminToken.fromConfig),
    Effect.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
  )

describe("admin token configuration", () => {
  it.effect("VOLLEY_ADMIN_TOKEN is used as configured", () =>
    Effect.gen(function* () {
      expect(yield* tokenWith({ VOLLEY_ADMIN_TOKEN: "a-long-enough-operator-token" })).toBe(
        "a-long-enough-operator-token"
      )
    })
  )

  it.effect("a short configured token stops the start-up", () =>
    Effect.gen(function* () {
      const error = yield* tokenWith({ VOLLEY_ADMIN_TOKEN: "admin" }).pipe(Effect.flip)
      expect(String(error)).toContain("VOLLEY_ADMIN_TOKEN")
    })
  )

  it.effect("unset, a random token is generated per start", () =>
    Effect.gen(function* () {
      const first = yield* tokenWith({})
      const second = yield* tokenWith({})
      expect(first).toMatch(/^va_[0-9A-Za-z]{32}$/)
      expect(second).not.toBe(first)
    })
  )
})

import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { compile, render, type Template } from "../src/template/Template.js"

const compiled = (text: string): Template => Either.getOrThrow(compile(text))
const rendered = (text: string, fields: Record<string, string | undefined>) =>
  Either.getOrThrow(render(compiled(text), fields))

describe("template rendering", () => {
  it("fills several placeholders", () => {
    const template = compiled("Hi {name}, your code is {code}. {_x1}")
    expect(template.placeholders).toEqual(["name", "code", "_x1"])
    expect(Either.getOrThrow(render(template, { name: "Olena", code: "4821", _x1: "!" }))).toBe(
      "Hi Olena, your code is 4821. !"
    )
  })

  it("fills the same placeholder twice and lists it once", () => {
    const template = compiled("{name}! Yes, {name}.")
    expect(template.placeholders).toEqual(["name"])
    expect(Either.getOrThrow(render(template, { name: "Taras" }))).toBe("Taras! Yes, Taras.")
  })

  it("takes dotted names as flat keys", () => {
    expect(rendered("Dear {customer.first_name}", { "customer.first_name": "Ira" })).toBe("Dear Ira")
  })

  it("renders a template with no placeholders as its text", () => {
    expect(compiled("Plain text").placeholders).toEqual([])
    expect(rendered("Plain text", {})).toBe("Plain text")
    expect(rendered("", {})).toBe("")
  })

  it("keeps braces that don't form a placeholder as text (GSM has { and })", () => {
    const text = "{ 5 } }{ {} {5} {-x} } { 100% {"
    expect(compiled(text).placeholders).toEqual([])
    expect(rendered(text, {})).toBe(text)
    expect(rendered("{a}}{b}", { a: "1", b: "2" })).toBe("1}2")
  })

  it("reads {{ and }} as literal braces", () => {
    expect(compiled("{{name}}").placeholders).toEqual([])
    expect(rendered("{{name}}", { name: "x" })).toBe("{name}")
    expect(rendered("{{{name}}}", { name: "x" })).toBe("{x}")
    expect(rendered("a {{ b }} c", {})).toBe("a { b } c")
  })

  it("inserts values verbatim, braces included", () => {
    expect(rendered("[{v}]", { v: "{other}" })).toBe("[{other}]")
  })

  describe("a missing field", () => {
    const template = compiled("Hi {name}, {code}")

    it("fails the render by default, naming the field", () => {
      for (const fields of [{ name: "A" }, { name: "A", code: undefined }]) {
        const error = Either.getOrThrow(Either.flip(render(template, fields)))
        expect(error._tag).toBe("MissingTemplateField")
        expect(error.field).toBe("code")
        expect(error.message).toContain("code")
      }
      expect(Either.isLeft(render(template, { name: "A" }, { onMissing: "error" }))).toBe(true)
    })

    it("renders empty when asked to", () => {
      expect(Either.getOrThrow(render(template, { code: "7" }, { onMissing: "empty" }))).toBe("Hi , 7")
    })

    it("is not taken from Object.prototype", () => {
      const error = Either.getOrThrow(Either.flip(render(compiled("{constructor}{toString}"), {})))
      expect(error.field).toBe("constructor")
    })

    it("accepts an empty string as a value", () => {
      expect(rendered("Hi {name}", { name: "" })).toBe("Hi ")
    })
  })

  describe("an unclosed placeholder", () => {
    it.each([
      ["Hi {name", "name", 3],
      ["Hi {first name}", "first", 3],
      ["{a} {b.c!}", "b.c", 4]
    ] as const)("%j is refused", (text, placeholder, position) => {
      const error = Either.getOrThrow(Either.flip(compile(text)))
      expect(error._tag).toBe("InvalidTemplate")
      expect(error.reason).toBe("UNCLOSED_PLACEHOLDER")
      expect(error.placeholder).toBe(placeholder)
      expect(error.position).toBe(position)
      expect(error.message).toContain("{{")
    })
  })

  it.effect("compiles and renders inside Effect.gen", () =>
    Effect.gen(function* () {
      const template = yield* compile("Code {code}")
      expect(yield* render(template, { code: "1" })).toBe("Code 1")
      const error = yield* Effect.flip(render(template, {}))
      expect(error.field).toBe("code")
    })
  )
})

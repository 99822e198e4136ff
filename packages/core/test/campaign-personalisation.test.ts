import { personalise, variablesOf } from "@volley/core/campaign/Personalisation"
import { compile } from "@volley/core/template/Template"
import { Either } from "effect"
import { describe, expect, it } from "vitest"

const template = (text: string) => Either.getOrThrow(compile(text))

describe("personalising a campaign text", () => {
  const olena = { msisdn: "+380671234567", name: "Olena", fields: { city: "Lviv", name: "ignored" } }

  it("fills {name} from the contact's name, custom fields by their key and {phone} with the number", () => {
    const text = personalise(template("Hi {name} from {city}, this is for {phone}"), olena, "skip")
    expect(text).toEqual(Either.right("Hi Olena from Lviv, this is for +380671234567"))
  })

  it("uses a custom 'name' field when the contact itself has no name", () => {
    expect(variablesOf({ msisdn: "+380671234567", name: null, fields: { name: "Taras" } }).name).toBe("Taras")
  })

  it("with the 'skip' rule a missing field is an error naming the field", () => {
    const text = personalise(template("Hi {name}, your code {code}"), olena, "skip")
    expect(Either.isLeft(text) && text.left.field).toBe("code")
  })

  it("with the 'empty' rule a missing field renders as nothing", () => {
    expect(personalise(template("Code: {code}."), olena, "empty")).toEqual(Either.right("Code: ."))
  })

  it("a text without placeholders is sent as written, doubled braces made single", () => {
    expect(personalise(template("Sale {{today}}"), olena, "skip")).toEqual(Either.right("Sale {today}"))
  })

  it("never reads inherited properties as fields", () => {
    const text = personalise(template("{constructor}"), { ...olena, fields: {} }, "skip")
    expect(Either.isLeft(text)).toBe(true)
  })
})

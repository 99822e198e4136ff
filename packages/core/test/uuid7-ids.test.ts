import { describe, expect, it } from "vitest"
import { uuid7 } from "../src/schema/uuid7.js"

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe("uuid7", () => {
  it("mints distinct, well-formed v7 ids in the order they were minted, across many pool refills", () => {
    const ids = Array.from({ length: 20_000 }, () => uuid7())
    expect(ids.every((id) => UUID7.test(id))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
  })

  it("carries the millisecond it was minted in its first 48 bits", () => {
    // ahead of every id minted so far: the clock never goes back for these ids
    const at = Date.now() + 3_600_000
    const id = uuid7(at)
    expect(Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(at)
  })
})

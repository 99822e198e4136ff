import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { BoundedTtlMap } from "../src/hotmap/BoundedTtlMap.js"
import { CorrelationStore } from "../src/hotmap/CorrelationStore.js"
import * as MemoryHotMaps from "../src/hotmap/MemoryHotMaps.js"
import { RateLimiter } from "../src/hotmap/RateLimiter.js"
import { hotMapSuite, measure } from "./hotmap-suite.js"

// each namespace is a fresh instance: isolation is trivial here, but the suite checks it all the same
hotMapSuite("memory hot maps", () => MemoryHotMaps.layer({ maxEntries: 200_000 }))

describe("memory hot maps: bounds", () => {
  it.live("correlations beyond the cap evict the oldest-written first", () =>
    Effect.gen(function* () {
      const store = yield* CorrelationStore
      const put = (id: string, messageId = `m-${id}`) =>
        store.putMany([{ operatorId: "op", smscMessageId: id, messageId, part: 1, ttlSeconds: 60 }])
      const get = (ids: ReadonlyArray<string>) =>
        store
          .getMany(ids.map((id) => ({ operatorId: "op", smscMessageId: id })))
          .pipe(Effect.map((r) => r.map((c) => c?.messageId)))
      for (const id of ["1", "2", "3"]) yield* put(id)
      // rewriting "1" makes it the newest, so "2" is the oldest now
      yield* put("1", "m-1b")
      yield* put("4")
      expect(yield* get(["1", "2", "3", "4"])).toEqual(["m-1b", undefined, "m-3", "m-4"])
      yield* store.putMany(
        ["5", "6", "7"].map((id) => ({
          operatorId: "op",
          smscMessageId: id,
          messageId: `m-${id}`,
          part: 1,
          ttlSeconds: 60
        }))
      )
      expect(yield* get(["1", "3", "4", "5", "6", "7"])).toEqual([
        undefined,
        undefined,
        undefined,
        "m-5",
        "m-6",
        "m-7"
      ])
    }).pipe(Effect.provide(MemoryHotMaps.layer({ maxEntries: 3 })))
  )

  it.live("parked keys and rate buckets are capped too", () =>
    Effect.gen(function* () {
      const store = yield* CorrelationStore
      const limiter = yield* RateLimiter
      const keys = ["a", "b", "c"].map((id) => ({ operatorId: "op", smscMessageId: id }))
      yield* store.parkReceipts(keys.map((k) => ({ ...k, payload: new Uint8Array([1]), ttlSeconds: 60 })))
      expect((yield* store.takeParked(keys)).map((p) => p.length)).toEqual([0, 1, 1])

      const limit = { ratePerSecond: 0.001, burst: 1 }
      for (const key of ["x", "y", "z"]) expect((yield* limiter.take(key, limit)).allowed).toBe(true)
      // "x" was evicted, so it starts full again (permissive, never stricter); "z" is still drained
      expect((yield* limiter.take("x", limit)).allowed).toBe(true)
      expect((yield* limiter.take("z", limit)).allowed).toBe(false)
    }).pipe(Effect.provide(MemoryHotMaps.layer({ maxEntries: 2 })))
  )

  it("the sweep drops expired entries within its budget and resumes where it stopped", () => {
    const map = new BoundedTtlMap<number>(100)
    for (let i = 0; i < 10; i++) map.set(`k${i}`, i, i % 2 === 0 ? 1_000 : 5_000)
    expect(map.sweep(2_000, 4)).toBe(2) // k0..k3 visited: k0, k2 expired
    expect(map.size).toBe(8)
    expect(map.sweep(2_000, 100)).toBe(3) // k4..k9: k4, k6, k8
    expect(map.size).toBe(5)
    expect(map.sweep(6_000, 100)).toBe(5) // a fresh pass
    expect(map.size).toBe(0)
    expect(() => new BoundedTtlMap(0)).toThrow(RangeError)
  })

  it.live("measured: putMany + getMany of 100,000 entries in batches of 1,000", () =>
    measure("memory", 100_000, 1_000).pipe(
      Effect.tap((found) => Effect.sync(() => expect(found).toBe(100_000))),
      Effect.provide(MemoryHotMaps.layer({ maxEntries: 200_000 }))
    )
  )
})

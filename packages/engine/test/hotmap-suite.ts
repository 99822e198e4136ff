import { expect, layer } from "@effect/vitest"
import { Cause, Effect, Exit, type Layer } from "effect"
import { type CorrelationKey, CorrelationStore, MAX_PARKED_PER_KEY } from "../src/hotmap/CorrelationStore.js"
import type { HotMapError } from "../src/hotmap/errors.js"
import { RateLimiter } from "../src/hotmap/RateLimiter.js"

/** Builds the layer under test; different `namespace`s must not see each other's keys. */
export type MakeHotMaps = (namespace: string) => Layer.Layer<CorrelationStore | RateLimiter, HotMapError>

let counter = 0
/** An operator id of its own per test, so tests sharing one layer never see each other's entries. */
const freshOperator = () => `op${++counter}-${Math.random().toString(36).slice(2, 8)}`

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const bytes = (text: string) => encoder.encode(text)
const texts = (payloads: ReadonlyArray<Uint8Array>) => payloads.map((p) => decoder.decode(p))

/** The behaviour both layers promise, written once (hotmap-memory/-redis.test.ts run it). */
export const hotMapSuite = (name: string, make: MakeHotMaps) =>
  // live clock: TTLs and token refills are checked against real time (and Redis's own clock)
  layer(make("suite"), { excludeTestServices: true })(name, (it) => {
    it.effect("putMany/getMany: results aligned with the input, misses undefined, last write wins", () =>
      Effect.gen(function* () {
        const store = yield* CorrelationStore
        const op = freshOperator()
        const other = freshOperator()
        yield* store.putMany([
          { operatorId: op, smscMessageId: "A1", messageId: "m-1", part: 1, ttlSeconds: 60 },
          { operatorId: op, smscMessageId: "A2", messageId: "m-1", part: 2, ttlSeconds: 60 },
          // ids with ':' survive the round trip
          { operatorId: op, smscMessageId: "0x:ff", messageId: "urn:msg:7", part: 3, ttlSeconds: 60 },
          { operatorId: other, smscMessageId: "A1", messageId: "m-9", part: 1, ttlSeconds: 60 }
        ])
        const got = yield* store.getMany([
          { operatorId: op, smscMessageId: "missing" },
          { operatorId: op, smscMessageId: "A2" },
          { operatorId: other, smscMessageId: "A1" },
          { operatorId: op, smscMessageId: "0x:ff" },
          { operatorId: freshOperator(), smscMessageId: "A1" },
          { operatorId: op, smscMessageId: "A1" }
        ])
        expect(got).toEqual([
          undefined,
          { messageId: "m-1", part: 2 },
          { messageId: "m-9", part: 1 },
          { messageId: "urn:msg:7", part: 3 },
          undefined,
          { messageId: "m-1", part: 1 }
        ])

        yield* store.putMany([
          { operatorId: op, smscMessageId: "A1", messageId: "m-2", part: 1, ttlSeconds: 60 }
        ])
        expect(yield* store.getMany([{ operatorId: op, smscMessageId: "A1" }])).toEqual([
          { messageId: "m-2", part: 1 }
        ])
        expect(yield* store.getMany([])).toEqual([])
        yield* store.putMany([])
      })
    )

    it.effect("batches larger than one round trip's worth stay aligned", () =>
      Effect.gen(function* () {
        const store = yield* CorrelationStore
        const op = freshOperator()
        const entries = Array.from({ length: 12_345 }, (_, i) => ({
          operatorId: op,
          smscMessageId: String(i),
          messageId: `m${i}`,
          part: (i % 4) + 1,
          ttlSeconds: 60
        }))
        yield* store.putMany(entries.filter((_, i) => i % 3 !== 0))
        const got = yield* store.getMany(entries)
        expect(got.length).toBe(entries.length)
        expect(got).toEqual(
          entries.map((e, i) => (i % 3 === 0 ? undefined : { messageId: e.messageId, part: e.part }))
        )
        yield* store.parkReceipts(entries.map((e) => ({ ...e, payload: bytes(e.messageId) })))
        const taken = yield* store.takeParked(entries)
        expect(taken.map((p) => texts(p)[0])).toEqual(entries.map((e) => e.messageId))
      })
    )

    it.effect("deleteMany forgets exactly the given keys", () =>
      Effect.gen(function* () {
        const store = yield* CorrelationStore
        const op = freshOperator()
        const keys: Array<CorrelationKey> = ["1", "2", "3"].map((id) => ({
          operatorId: op,
          smscMessageId: id
        }))
        yield* store.putMany(keys.map((k, i) => ({ ...k, messageId: `m${i}`, part: 1, ttlSeconds: 60 })))
        yield* store.deleteMany([keys[0]!, keys[2]!, { operatorId: op, smscMessageId: "never" }])
        expect(yield* store.getMany(keys)).toEqual([undefined, { messageId: "m1", part: 1 }, undefined])
        yield* store.deleteMany([])
      })
    )

    it.effect("correlations expire after their TTL", () =>
      Effect.gen(function* () {
        const store = yield* CorrelationStore
        const op = freshOperator()
        yield* store.putMany([
          { operatorId: op, smscMessageId: "short", messageId: "m-s", part: 1, ttlSeconds: 1 },
          { operatorId: op, smscMessageId: "long", messageId: "m-l", part: 1, ttlSeconds: 60 },
          // a non-positive TTL is as good as expired
          { operatorId: op, smscMessageId: "zero", messageId: "m-z", part: 1, ttlSeconds: 0 }
        ])
        const keys = ["short", "long"].map((id) => ({ operatorId: op, smscMessageId: id }))
        expect(yield* store.getMany(keys)).toEqual([
          { messageId: "m-s", part: 1 },
          { messageId: "m-l", part: 1 }
        ])
        yield* Effect.sleep("1300 millis")
        expect(yield* store.getMany([...keys, { operatorId: op, smscMessageId: "zero" }])).toEqual([
          undefined,
          { messageId: "m-l", part: 1 },
          undefined
        ])
      })
    )

    it.effect("parked receipts come back once, in arrival order, aligned with the keys", () =>
      Effect.gen(function* () {
        const store = yield* CorrelationStore
        const op = freshOperator()
        const a = { operatorId: op, smscMessageId: "a" }
        const b = { operatorId: op, smscMessageId: "b" }
        yield* store.parkReceipts([
          { ...a, payload: bytes("a-enroute"), ttlSeconds: 60 },
          { ...b, payload: bytes("b-delivrd"), ttlSeconds: 60 }
        ])
        yield* store.parkReceipts([{ ...a, payload: bytes("a-delivrd"), ttlSeconds: 60 }])
        const taken = yield* store.takeParked([b, { operatorId: op, smscMessageId: "none" }, a])
        expect(taken.map(texts)).toEqual([["b-delivrd"], [], ["a-enroute", "a-delivrd"]])
        expect((yield* store.takeParked([a, b])).map(texts)).toEqual([[], []])
        expect(yield* store.takeParked([])).toEqual([])
      })
    )

    it.effect("a parked payload is a copy of the bytes given (a view into a larger buffer is fine)", () =>
      Effect.gen(function* () {
        const store = yield* CorrelationStore
        const key = { operatorId: freshOperator(), smscMessageId: "view" }
        const big = bytes("xxxHELLOyyy")
        const view = big.subarray(3, 8)
        yield* store.parkReceipts([{ ...key, payload: view, ttlSeconds: 60 }])
        big.fill(0)
        expect((yield* store.takeParked([key])).map(texts)).toEqual([["HELLO"]])
      })
    )

    it.effect("concurrent takers share out the parked receipts: each exactly once", () =>
      Effect.gen(function* () {
        const store = yield* CorrelationStore
        const op = freshOperator()
        const keys = Array.from({ length: 50 }, (_, i) => ({ operatorId: op, smscMessageId: `k${i}` }))
        yield* store.parkReceipts(
          keys.map((k) => ({ ...k, payload: bytes(k.smscMessageId), ttlSeconds: 60 }))
        )
        const rounds = yield* Effect.all(
          Array.from({ length: 8 }, () => store.takeParked(keys)),
          { concurrency: "unbounded" }
        )
        const all = rounds.flatMap((r) => r.flatMap(texts)).sort()
        expect(all).toEqual(keys.map((k) => k.smscMessageId).sort())
      })
    )

    it.effect("parking is bounded per key (the newest kept) and by TTL", () =>
      Effect.gen(function* () {
        const store = yield* CorrelationStore
        const op = freshOperator()
        const many = { operatorId: op, smscMessageId: "many" }
        const brief = { operatorId: op, smscMessageId: "brief" }
        const total = MAX_PARKED_PER_KEY + 4
        yield* store.parkReceipts(
          Array.from({ length: total }, (_, i) => ({ ...many, payload: bytes(`r${i}`), ttlSeconds: 60 }))
        )
        yield* store.parkReceipts([{ ...brief, payload: bytes("gone"), ttlSeconds: 1 }])
        const [kept] = yield* store.takeParked([many])
        expect(texts(kept!)).toEqual(Array.from({ length: MAX_PARKED_PER_KEY }, (_, i) => `r${i + 4}`))
        yield* Effect.sleep("1300 millis")
        expect(yield* store.takeParked([brief])).toEqual([[]])
      })
    )

    it.effect("token bucket: allows the burst, then refuses with the time until the next token", () =>
      Effect.gen(function* () {
        const limiter = yield* RateLimiter
        const key = `burst-${freshOperator()}`
        const limit = { ratePerSecond: 1, burst: 5 }
        const first = yield* limiter.take(key, limit, 0)
        expect(first).toEqual({ allowed: true, retryAfterMs: 0, remaining: 5 })
        const remaining: Array<number> = []
        for (let i = 0; i < 5; i++) {
          const d = yield* limiter.take(key, limit)
          expect(d.allowed).toBe(true)
          remaining.push(d.remaining)
        }
        expect(remaining).toEqual([4, 3, 2, 1, 0])
        const refused = yield* limiter.take(key, limit)
        expect(refused.allowed).toBe(false)
        expect(refused.remaining).toBe(0)
        // one token at 1/s: just under a second away (the takes above took a few ms)
        expect(refused.retryAfterMs).toBeGreaterThan(500)
        expect(refused.retryAfterMs).toBeLessThanOrEqual(1000)
        // other keys have their own bucket
        expect((yield* limiter.take(`${key}-other`, limit, 5)).allowed).toBe(true)
      })
    )

    it.effect("token bucket: refills over time, and a refused take consumes nothing", () =>
      Effect.gen(function* () {
        const limiter = yield* RateLimiter
        const key = `refill-${freshOperator()}`
        const limit = { ratePerSecond: 20, burst: 4 }
        expect((yield* limiter.take(key, limit, 4)).allowed).toBe(true)
        const refused = yield* limiter.take(key, limit, 3)
        expect(refused.allowed).toBe(false)
        // three tokens at 20/s ≈ 150 ms
        expect(refused.retryAfterMs).toBeGreaterThan(100)
        expect(refused.retryAfterMs).toBeLessThanOrEqual(150)
        yield* Effect.sleep(`${refused.retryAfterMs + 30} millis`)
        const later = yield* limiter.take(key, limit, 3)
        expect(later.allowed).toBe(true)
        // never more than the burst, however long the pause
        yield* Effect.sleep("400 millis")
        expect((yield* limiter.take(key, limit, 0)).remaining).toBe(4)
      })
    )

    it.effect("token bucket: more than the burst is never allowed; nonsense limits are defects", () =>
      Effect.gen(function* () {
        const limiter = yield* RateLimiter
        const key = `over-${freshOperator()}`
        const over = yield* limiter.take(key, { ratePerSecond: 10, burst: 3 }, 4)
        expect(over).toEqual({ allowed: false, retryAfterMs: Number.POSITIVE_INFINITY, remaining: 3 })
        for (const [limit, n] of [
          [{ ratePerSecond: 0, burst: 3 }, 1],
          [{ ratePerSecond: 1, burst: -1 }, 1],
          [{ ratePerSecond: Number.NaN, burst: 3 }, 1],
          [{ ratePerSecond: 1, burst: 3 }, -1]
        ] as const) {
          const exit = yield* Effect.exit(limiter.take(key, limit, n))
          expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
        }
      })
    )

    it.effect("keys are isolated by namespace (the Redis prefix)", () =>
      Effect.gen(function* () {
        const store = yield* CorrelationStore
        const limiter = yield* RateLimiter
        const key = { operatorId: freshOperator(), smscMessageId: "shared" }
        yield* store.putMany([{ ...key, messageId: "here", part: 1, ttlSeconds: 60 }])
        yield* store.parkReceipts([{ ...key, payload: bytes("here"), ttlSeconds: 60 }])
        yield* limiter.take("shared-bucket", { ratePerSecond: 1, burst: 2 }, 2)

        const elsewhere = yield* Effect.gen(function* () {
          const otherStore = yield* CorrelationStore
          const otherLimiter = yield* RateLimiter
          return {
            corr: yield* otherStore.getMany([key]),
            parked: yield* otherStore.takeParked([key]),
            bucket: yield* otherLimiter.take("shared-bucket", { ratePerSecond: 1, burst: 2 }, 2)
          }
        }).pipe(Effect.provide(make("isolated")))
        expect(elsewhere.corr).toEqual([undefined])
        expect(elsewhere.parked).toEqual([[]])
        expect(elsewhere.bucket.allowed).toBe(true)
        // and ours are untouched
        expect(yield* store.getMany([key])).toEqual([{ messageId: "here", part: 1 }])
        expect((yield* store.takeParked([key])).map(texts)).toEqual([["here"]])
      })
    )
  })

/** putMany + getMany of `total` entries in batches, one batch in flight at a time; logs the rates. */
export const measure = (label: string, total: number, batchSize: number) =>
  Effect.gen(function* () {
    const store = yield* CorrelationStore
    const op = freshOperator()
    const batches = Array.from({ length: Math.ceil(total / batchSize) }, (_, b) =>
      Array.from({ length: Math.min(batchSize, total - b * batchSize) }, (_, i) => {
        const n = b * batchSize + i
        return {
          operatorId: op,
          smscMessageId: `${n.toString(16)}`,
          messageId: `msg-${n}`,
          part: 1,
          ttlSeconds: 300
        }
      })
    )
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    for (const batch of batches) yield* store.putMany(batch)
    const t1 = performance.now()
    const cpu1 = process.cpuUsage()
    let found = 0
    for (const batch of batches) {
      const got = yield* store.getMany(batch)
      for (const g of got) if (g !== undefined) found++
    }
    const t2 = performance.now()
    const cpu2 = process.cpuUsage()
    const cpuPerEntry = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage) =>
      `${((to.user + to.system - from.user - from.system) / total).toFixed(1)} µs CPU/entry`
    const rate = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString("en-US")
    // a figure for the report, not an assertion: timings depend on the machine
    console.log(
      `[hotmap bench] ${label}: ${total.toLocaleString("en-US")} entries in batches of ${batchSize}: ` +
        `putMany ${rate(total, t1 - t0)}/s (${(t1 - t0).toFixed(0)} ms, ${cpuPerEntry(cpu0, cpu1)}), ` +
        `getMany ${rate(total, t2 - t1)}/s (${(t2 - t1).toFixed(0)} ms, ${cpuPerEntry(cpu1, cpu2)}), ` +
        `both ${rate(2 * total, t2 - t0)} ops/s`
    )
    return found
  })

import { Context, Effect, Layer, Runtime } from "effect"
import { Redis } from "ioredis"
import {
  type CorrelationKey,
  CorrelationStore,
  type CorrelationStoreShape,
  MAX_PARKED_PER_KEY,
  ttlMillis
} from "./CorrelationStore.js"
import { HotMapError } from "./errors.js"
import { checkTake, RateLimiter, type RateLimiterShape } from "./RateLimiter.js"

export interface RedisHotMapsOptions {
  readonly url: string
  /** Every key starts with `<prefix>:`; one prefix per deployment (and per test run). */
  readonly prefix: string
  /** Connecting (TCP plus the ready check) gives up after this long (default 2 s). */
  readonly connectTimeoutMs?: number | undefined
  /** A call (one batch) gives up after this long (default 2 s), so callers fall back instead of waiting. */
  readonly commandTimeoutMs?: number | undefined
}

/**
 * The token bucket of RateLimiter.ts (`refill` + `decide`), in one script so read-refill-take-write is
 * atomic across every API instance. Redis's own clock (TIME) is the only clock, so instances with skewed
 * clocks still agree. Returns { allowed 0|1, retryAfterMs (-1: never), whole tokens left }.
 */
const TAKE_TOKENS_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local s = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(s[1])
local ts = tonumber(s[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
else
  if now > ts then ts = now end
  tokens = math.min(burst, tokens + (ts - tonumber(s[2])) * rate / 1000)
end
local allowed = 0
local retry = 0
if n <= tokens then
  tokens = tokens - n
  allowed = 1
elseif n > burst then
  retry = -1
else
  retry = math.ceil((n - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return { allowed, retry, math.floor(tokens) }
`

/*
 * The batch operations are scripts rather than pipelines of one command per entry: a script is one
 * command whose arguments ioredis encodes in bulk, where a pipeline builds a Command (promise, args,
 * encoding) per entry. Measured here for 1,000-entry batches: ≈ 3.5 µs of client CPU per entry instead of
 * ≈ 11 µs (DESIGN §11's budget is ≈ 400 µs per message for everything). Scripts are also atomic, which
 * parking and taking need anyway.
 */

/** KEYS: correlation keys; ARGV: value, ttl-ms per key. */
const PUT_MANY_LUA = `
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'PX', ARGV[2 * i])
end
return #KEYS
`

/** KEYS: park keys; ARGV: max per key, then payload, ttl-ms per key. Each park renews the key's TTL. */
const PARK_LUA = `
local max = tonumber(ARGV[1])
for i = 1, #KEYS do
  redis.call('RPUSH', KEYS[i], ARGV[2 * i])
  redis.call('LTRIM', KEYS[i], -max, -1)
  redis.call('PEXPIRE', KEYS[i], ARGV[2 * i + 1])
end
return #KEYS
`

/** KEYS: park keys. Returns each key's receipts (empty where none) and deletes them, atomically. */
const TAKE_PARKED_LUA = `
local out = {}
for i = 1, #KEYS do
  local items = redis.call('LRANGE', KEYS[i], 0, -1)
  if #items > 0 then redis.call('DEL', KEYS[i]) end
  out[i] = items
end
return out
`

// defineCommand adds methods ioredis's types cannot know about (arrays are flattened into arguments;
// the *Buffer variant returns bulk strings as Buffers); this is their shape.
interface Scripts {
  volleyTakeTokens(key: string, rate: string, burst: string, n: string): Promise<[number, number, number]>
  volleyPutMany(numKeys: number, args: ReadonlyArray<string>): Promise<number>
  volleyPark(numKeys: number, args: ReadonlyArray<string | Buffer>): Promise<number>
  volleyTakeParkedBuffer(numKeys: number, keys: ReadonlyArray<string>): Promise<Array<Array<Buffer>>>
}

// A script blocks Redis while it runs: calls larger than this are split (sequentially) to bound that.
const MAX_BATCH = 5_000

const chunked = <T, A>(
  items: ReadonlyArray<T>,
  f: (chunk: ReadonlyArray<T>) => Effect.Effect<ReadonlyArray<A>, HotMapError>
): Effect.Effect<ReadonlyArray<A>, HotMapError> => {
  // an empty call costs no round trip (and MGET with no keys is an error)
  if (items.length === 0) return Effect.succeed([])
  if (items.length <= MAX_BATCH) return f(items)
  const chunks: Array<ReadonlyArray<T>> = []
  for (let i = 0; i < items.length; i += MAX_BATCH) chunks.push(items.slice(i, i + MAX_BATCH))
  return Effect.map(Effect.forEach(chunks, f), (results) => results.flat())
}

const describe = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

class DeadlineExceeded extends Error {
  override readonly name = "DeadlineExceeded"
}

/**
 * Settles with `promise` or rejects after `ms`, whichever comes first. A timer on the promise rather than
 * `Effect.timeout`: layer acquisition and finalizers run uninterruptibly, where `Effect.timeout` would
 * wait for the promise it cannot interrupt (a silent server hangs it forever); it also saves the race's
 * fibers on every batch. The abandoned command settles later (reply or disconnect) and is ignored.
 */
const withDeadline = <A>(promise: Promise<A>, ms: number): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineExceeded(`no answer within ${ms} ms`)), ms)
    promise.then(
      (a) => {
        clearTimeout(timer)
        resolve(a)
      },
      (e: unknown) => {
        clearTimeout(timer)
        reject(e)
      }
    )
  })

const toHotMapError = (what: string) => (cause: unknown) => {
  const message = describe(cause)
  const reason =
    cause instanceof Error && cause.name === "ReplyError"
      ? "Rejected"
      : cause instanceof DeadlineExceeded || /timed out|ETIMEDOUT/i.test(message)
        ? "Timeout"
        : "Unavailable"
  return new HotMapError({ reason, message: `redis ${what}: ${message}`, cause })
}

const connect = (options: RedisHotMapsOptions, connectTimeoutMs: number) =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const client = yield* Effect.acquireRelease(
      Effect.try({
        try: () =>
          new Redis(options.url, {
            // connect explicitly below, so a dead Redis fails the layer instead of queueing commands
            lazyConnect: true,
            connectTimeout: connectTimeoutMs,
            connectionName: `volley-hotmaps-${options.prefix}`,
            // concurrent small calls (rate-limit takes from many requests) share one write per tick
            enableAutoPipelining: true,
            // while disconnected, fail at once: the caller falls back to Postgres rather than waiting
            enableOfflineQueue: false,
            autoResendUnfulfilledCommands: false,
            maxRetriesPerRequest: 1,
            // after the first connect, keep reconnecting in the background (capped backoff)
            retryStrategy: (times) => Math.min(100 * times, 2000)
          }),
        catch: (cause) =>
          new HotMapError({ reason: "InvalidConfig", message: `bad redis url: ${describe(cause)}`, cause })
      }),
      (client) =>
        // quit lets replies in flight arrive; disconnect also stops a reconnect loop after a failed connect
        Effect.promise(async () => {
          // nothing to flush unless connected (and a QUIT to a silent server would only wait)
          if (client.status === "ready") await withDeadline(client.quit(), 1000).catch(() => undefined)
        }).pipe(Effect.ensuring(Effect.sync(() => client.disconnect())))
    )

    // Without a listener ioredis prints every failed reconnect; log each distinct error once per outage.
    let ready = false
    let lastLogged = ""
    client.on("ready", () => {
      ready = true
      lastLogged = ""
    })
    client.on("error", (err: unknown) => {
      const message = describe(err)
      // before the first ready the failure reaches the caller as a HotMapError instead
      if (!ready || message === lastLogged) return
      lastLogged = message
      Runtime.runFork(runtime)(Effect.logWarning(`redis hot maps: ${message}`))
    })

    // ioredis's connectTimeout covers TCP only; the deadline also covers a server that never gets ready
    yield* Effect.tryPromise({
      try: () => withDeadline(client.connect(), connectTimeoutMs),
      catch: (cause) => {
        const error = toHotMapError("connect")(cause)
        return new HotMapError({
          reason: error.reason === "Timeout" ? "Timeout" : "Unavailable",
          message: `cannot connect to redis at ${options.url}: ${describe(cause)}`,
          cause
        })
      }
    })
    return client
  })

const make = (options: RedisHotMapsOptions) =>
  Effect.gen(function* () {
    if (options.prefix.length === 0 || /\s/.test(options.prefix)) {
      return yield* new HotMapError({
        reason: "InvalidConfig",
        message: `bad key prefix ${JSON.stringify(options.prefix)}`
      })
    }
    const commandTimeoutMs = options.commandTimeoutMs ?? 2000
    const client = yield* connect(options, options.connectTimeoutMs ?? 2000)
    client.defineCommand("volleyTakeTokens", { numberOfKeys: 1, lua: TAKE_TOKENS_LUA })
    client.defineCommand("volleyPutMany", { lua: PUT_MANY_LUA })
    client.defineCommand("volleyPark", { lua: PARK_LUA })
    client.defineCommand("volleyTakeParked", { lua: TAKE_PARKED_LUA })
    const scripted = client as unknown as Scripts

    /** One round trip; a Redis that does not answer in time is as good as down. */
    const call = <A>(what: string, f: () => Promise<A>) =>
      Effect.tryPromise({ try: () => withDeadline(f(), commandTimeoutMs), catch: toHotMapError(what) })

    const corrKey = (k: CorrelationKey) => `${options.prefix}:corr:${k.operatorId}:${k.smscMessageId}`
    const parkKey = (k: CorrelationKey) => `${options.prefix}:park:${k.operatorId}:${k.smscMessageId}`
    const rateKey = (key: string) => `${options.prefix}:rate:${key}`

    const parseCorrelation = (value: string | null) => {
      if (value === null) return undefined
      // the message id may contain ':', the part never does
      const at = value.lastIndexOf(":")
      const part = Number(value.slice(at + 1))
      return at < 0 || !Number.isInteger(part) ? undefined : { messageId: value.slice(0, at), part }
    }

    const none: ReadonlyArray<never> = []

    const store: CorrelationStoreShape = {
      putMany: (entries) =>
        chunked(entries, (chunk) =>
          call("putMany", () => {
            const n = chunk.length
            const args = new Array<string>(3 * n)
            for (let i = 0; i < n; i++) {
              const e = chunk[i]!
              args[i] = corrKey(e)
              args[n + 2 * i] = `${e.messageId}:${e.part}`
              args[n + 2 * i + 1] = String(ttlMillis(e.ttlSeconds))
            }
            return scripted.volleyPutMany(n, args)
          }).pipe(Effect.as(none))
        ).pipe(Effect.asVoid),
      getMany: (keys) =>
        chunked(keys, (chunk) =>
          call("getMany", () => client.mget(chunk.map(corrKey))).pipe(
            Effect.map((values) => values.map(parseCorrelation))
          )
        ),
      deleteMany: (keys) =>
        chunked(keys, (chunk) =>
          call("deleteMany", () => client.del(chunk.map(corrKey))).pipe(Effect.as(none))
        ).pipe(Effect.asVoid),
      parkReceipts: (entries) =>
        chunked(entries, (chunk) =>
          call("parkReceipts", () => {
            const n = chunk.length
            const args = new Array<string | Buffer>(3 * n + 1)
            args[n] = String(MAX_PARKED_PER_KEY)
            for (let i = 0; i < n; i++) {
              const e = chunk[i]!
              args[i] = parkKey(e)
              // a view on the caller's bytes, no copy: they are written out before this call completes
              args[n + 2 * i + 1] = Buffer.from(e.payload.buffer, e.payload.byteOffset, e.payload.byteLength)
              args[n + 2 * i + 2] = String(ttlMillis(e.ttlSeconds))
            }
            return scripted.volleyPark(n, args)
          }).pipe(Effect.as(none))
        ).pipe(Effect.asVoid),
      takeParked: (keys) =>
        chunked(keys, (chunk) =>
          call("takeParked", () => scripted.volleyTakeParkedBuffer(chunk.length, chunk.map(parkKey)))
        )
    }

    const limiter: RateLimiterShape = {
      take: (key, limit, n = 1) =>
        Effect.zipRight(
          checkTake(limit, n),
          call("rate take", () =>
            scripted.volleyTakeTokens(
              rateKey(key),
              String(limit.ratePerSecond),
              String(limit.burst),
              String(n)
            )
          ).pipe(
            Effect.map(([allowed, retry, remaining]) => ({
              allowed: allowed === 1,
              retryAfterMs: retry < 0 ? Number.POSITIVE_INFINITY : retry,
              remaining
            }))
          )
        )
    }

    return Context.empty().pipe(Context.add(CorrelationStore, store), Context.add(RateLimiter, limiter))
  })

/**
 * Both hot maps on one Redis connection, shared by every instance of the engine and API. Building the
 * layer fails with HotMapError when Redis cannot be reached within the connect timeout; afterwards each
 * call fails with HotMapError (never hangs past the command timeout, never dies) while Redis is away, and
 * the connection comes back by itself.
 */
export const layer = (
  options: RedisHotMapsOptions
): Layer.Layer<CorrelationStore | RateLimiter, HotMapError> => Layer.scopedContext(make(options))

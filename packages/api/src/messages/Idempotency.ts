import { createHash } from "node:crypto"
import { HttpApiSchema, HttpServerResponse } from "@effect/platform"
import type { AccountId } from "@volley/core"
import {
  IdempotencyKeysRepo,
  type StoredIdempotencyKey
} from "@volley/engine/idempotency/IdempotencyKeysRepo"
import { Cause, Duration, Effect, Exit, Option, Schema } from "effect"
import { IdempotencyKeyInProgress, IdempotencyKeyReused } from "./SendApi.js"

/** How long a duplicate waits for the first request's response before answering 409. */
const WAIT_FOR_FIRST = Duration.seconds(15)
const POLL_EVERY = Duration.millis(50)
/**
 * A claim still without a response after this long belongs to a request that died before its send
 * committed (a send stores its response in its own transaction): a retry takes it over.
 */
const CLAIM_LEASE = Duration.seconds(60)

/** Stores the response inside the send's transaction; given to the request that runs under a key. */
export type Commit<A> = (value: A) => Effect.Effect<void>
const noCommit: Commit<unknown> = () => Effect.void

export interface OnceRequest<A, I> {
  readonly accountId: AccountId
  /** The `Idempotency-Key` header; without one the request simply runs. */
  readonly key: string | undefined
  /**
   * The endpoint and its decoded payload re-encoded: the same request hashes the same whatever its spacing.
   * The payload is a thunk, called only when there is a key to hash it for.
   */
  readonly endpoint: string
  readonly payload: () => unknown
  readonly success: Schema.Schema<A, I>
  readonly successStatus: number
  // biome-ignore lint/suspicious/noExplicitAny: error schemas of several shapes, each with its status
  readonly errors: ReadonlyArray<Schema.Schema<any, any>>
}

const respond = (status: number, body: unknown, replayed: boolean) =>
  HttpServerResponse.unsafeJson(body, {
    status,
    headers: replayed ? { "idempotent-replayed": "true" } : {}
  })

/**
 * `Idempotency-Key` on the send endpoints (draft-ietf-httpapi-idempotency-key-header): the first request
 * with a key claims it in PostgreSQL and runs; a send stores its response (status and body) in the very
 * transaction that persists and debits (`commit`), and any other outcome (a typed error) is stored when it
 * ends; a repeat gets the stored response; a concurrent repeat waits for it; the same key with a different
 * request is a 422. A request that dies without committing leaves a claim without a response: a defect
 * releases it at once, a crash after its lease — so a retry runs and nothing is ever sent twice.
 */
export class Idempotency extends Effect.Service<Idempotency>()("volley/api/Idempotency", {
  effect: Effect.gen(function* () {
    const keys = yield* IdempotencyKeysRepo

    const hashOf = (endpoint: string, payload: unknown) =>
      createHash("sha256").update(endpoint).update("\n").update(JSON.stringify(payload)).digest("hex")

    const replay = (stored: StoredIdempotencyKey) =>
      respond(stored.responseStatus ?? 200, stored.responseBody, true)

    /** The claimed request runs; its outcome is stored before it is answered. */
    const runClaimed = <A, I, E, R>(
      request: OnceRequest<A, I>,
      key: string,
      token: string,
      run: (commit: Commit<A>) => Effect.Effect<A, E, R>
    ) =>
      Effect.gen(function* () {
        let committed: { readonly status: number; readonly body: unknown } | undefined
        const commit: Commit<A> = (value) =>
          Effect.gen(function* () {
            const body: unknown = yield* Schema.encode(request.success)(value).pipe(Effect.orDie)
            if (!(yield* keys.complete(request.accountId, key, token, request.successStatus, body)))
              return yield* Effect.dieMessage(`Idempotency-Key "${key}" was taken over; this send rolls back`)
            committed = { status: request.successStatus, body }
          })
        const exit = yield* Effect.exit(run(commit))
        if (Exit.isSuccess(exit) && committed !== undefined)
          return respond(committed.status, committed.body, false)
        const outcome = yield* Exit.match(exit, {
          onSuccess: (value) =>
            Effect.map(Schema.encode(request.success)(value), (body) =>
              Option.some({ status: request.successStatus, body: body as unknown })
            ),
          onFailure: (cause) => {
            const error = Cause.failureOption(cause)
            if (Option.isNone(error)) return Effect.succeed(Option.none())
            const schema = request.errors.find((s) => Schema.is(Schema.typeSchema(s))(error.value))
            if (schema === undefined) return Effect.succeed(Option.none())
            return Effect.map(Schema.encode(schema)(error.value), (body) =>
              Option.some({ status: HttpApiSchema.getStatusError(schema), body: body as unknown })
            )
          }
        }).pipe(Effect.orDie)
        if (Option.isNone(outcome)) {
          yield* keys.release(request.accountId, key, token)
          return yield* exit
        }
        yield* keys.complete(request.accountId, key, token, outcome.value.status, outcome.value.body)
        return respond(outcome.value.status, outcome.value.body, false)
      })

    const once = <A, I, E, R>(
      request: OnceRequest<A, I>,
      run: (commit: Commit<A>) => Effect.Effect<A, E, R>
    ) =>
      Effect.gen(function* () {
        const key = request.key
        if (key === undefined) return yield* run(noCommit)
        const hash = hashOf(request.endpoint, request.payload())
        const deadline = Date.now() + Duration.toMillis(WAIT_FOR_FIRST)
        while (true) {
          const claim = yield* keys.claim(request.accountId, key, hash, Duration.toMillis(CLAIM_LEASE))
          if (claim._tag === "Claimed") return yield* runClaimed(request, key, claim.token, run)
          if (claim.stored.requestHash !== hash) {
            return yield* new IdempotencyKeyReused({
              key,
              message: `Idempotency-Key "${key}" was already used with a different request`
            })
          }
          if (claim.stored.responseStatus !== null) return replay(claim.stored)
          if (Date.now() >= deadline) {
            return yield* new IdempotencyKeyInProgress({
              key,
              message: `A request with Idempotency-Key "${key}" is still running; retry for its result`
            })
          }
          yield* Effect.sleep(POLL_EVERY)
        }
      })

    return { once } as const
  })
}) {}

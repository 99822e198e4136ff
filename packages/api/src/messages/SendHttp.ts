import { HttpApiBuilder } from "@effect/platform"
import type { Account } from "@volley/core"
import { Effect, Schema } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"
import { Estimator } from "./Estimator.js"
import { type Commit, Idempotency } from "./Idempotency.js"
import { BatchResult, SendBatchRequest, SendErrors, SendMessageRequest, SentMessage } from "./SendApi.js"
import { Sending } from "./Sending.js"

// Uninterruptible: a client hanging up mid-send does not cut a send short (its Idempotency-Key's
// response commits with it in any case).
const atomically = { uninterruptible: true } as const

export const SendLive = HttpApiBuilder.group(VolleyApi, "send", (handlers) =>
  Effect.gen(function* () {
    const sending = yield* Sending
    const idempotency = yield* Idempotency
    const estimator = yield* Estimator
    /** A send endpoint: the caller's account, once per Idempotency-Key, answered 201. */
    const sendOnce = <P, PI, A, I, E>(
      endpoint: string,
      request: Schema.Schema<P, PI>,
      success: Schema.Schema<A, I>,
      payload: P,
      key: string | undefined,
      run: (account: Account, commit: Commit<A>) => Effect.Effect<A, E>
    ) =>
      Effect.flatMap(CurrentAccount, ({ accountId, account }) =>
        idempotency.once(
          {
            accountId,
            key,
            endpoint,
            payload: () => Schema.encodeSync(request)(payload),
            success,
            successStatus: 201,
            errors: SendErrors
          },
          (commit) => run(account, commit)
        )
      )
    return handlers
      .handle(
        "send",
        ({ payload, headers }) =>
          sendOnce(
            "POST /v1/messages",
            SendMessageRequest,
            SentMessage,
            payload,
            headers["idempotency-key"],
            (a, c) => sending.single(a, payload, c)
          ),
        atomically
      )
      .handle(
        "sendBatch",
        ({ payload, headers }) =>
          sendOnce(
            "POST /v1/messages/batch",
            SendBatchRequest,
            BatchResult,
            payload,
            headers["idempotency-key"],
            (a, c) => sending.batch(a, payload, c)
          ),
        atomically
      )
      .handle("estimate", ({ payload }) =>
        Effect.flatMap(CurrentAccount, ({ account }) => estimator.estimate(account, payload))
      )
  })
)

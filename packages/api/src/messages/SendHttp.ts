import { HttpApiBuilder } from "@effect/platform"
import { Effect, Schema } from "effect"
import { VolleyApi } from "../Api.js"
import { CurrentAccount } from "../auth/CurrentAccount.js"
import { Estimator } from "./Estimator.js"
import { Idempotency } from "./Idempotency.js"
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
    return handlers
      .handle(
        "send",
        ({ payload, headers }) =>
          Effect.gen(function* () {
            const { accountId } = yield* CurrentAccount
            return yield* idempotency.once(
              {
                accountId,
                key: headers["idempotency-key"],
                endpoint: "POST /v1/messages",
                payload: Schema.encodeSync(SendMessageRequest)(payload),
                success: SentMessage,
                successStatus: 201,
                errors: SendErrors
              },
              (commit) => sending.single(accountId, payload, commit)
            )
          }),
        atomically
      )
      .handle(
        "sendBatch",
        ({ payload, headers }) =>
          Effect.gen(function* () {
            const { accountId } = yield* CurrentAccount
            return yield* idempotency.once(
              {
                accountId,
                key: headers["idempotency-key"],
                endpoint: "POST /v1/messages/batch",
                payload: Schema.encodeSync(SendBatchRequest)(payload),
                success: BatchResult,
                successStatus: 201,
                errors: SendErrors
              },
              (commit) => sending.batch(accountId, payload, commit)
            )
          }),
        atomically
      )
      .handle("estimate", ({ payload }) =>
        Effect.flatMap(CurrentAccount, ({ accountId }) => estimator.estimate(accountId, payload))
      )
  })
)

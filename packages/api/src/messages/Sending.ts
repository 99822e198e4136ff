import { type Account, DEFAULT_SENDER_ID } from "@volley/core"
import { TestModeQuota } from "@volley/engine/account/TestModeQuota"
import { type OutgoingSms, type SendResult, SendService } from "@volley/engine/send/SendService"
import { Effect } from "effect"
import type { Commit } from "./Idempotency.js"
import {
  AcceptedRecipient,
  AccountSuspended,
  BatchResult,
  type SendBatchRequest,
  type SendMessageRequest,
  SentMessage,
  TestModeLimit
} from "./SendApi.js"
import { SingleSends } from "./SingleSends.js"

/**
 * Responses are built from the send path's own checked result: Schema classes skip validating them
 * again (a batch of 10,000 recipients would otherwise check 10,000 objects before encoding them).
 */
const VALIDATED = true

interface Common {
  readonly sender: string
  readonly scheduledAt?: Date | undefined
  readonly validitySeconds?: number | undefined
}

/** A past (or present) schedule time means "now": the message goes straight to the bus. */
const futureOnly = (at: Date | undefined) => (at !== undefined && at.getTime() > Date.now() ? at : undefined)

/**
 * The send path's errors that can't happen here: the caller's account exists, the send path only ever
 * debits positive sums, and the API's commit work (an Idempotency-Key's record) never vetoes a send.
 */
type AcceptError = Effect.Effect.Error<ReturnType<(typeof SendService.Service)["accept"]>>
const dieOnImpossible = <A, R>(effect: Effect.Effect<A, AcceptError, R>) =>
  Effect.catchTags(effect, {
    AccountNotFound: Effect.die,
    InvalidLedgerAmount: Effect.die,
    CommitVetoed: Effect.die
  })

/**
 * The API's side of sending: the account's own rules (suspension, test-mode limits, DESIGN.md §6) around
 * the engine's send path, which validates, prices, debits and persists each recipient.
 */
export class Sending extends Effect.Service<Sending>()("volley/api/Sending", {
  effect: Effect.gen(function* () {
    const quota = yield* TestModeQuota
    const send = yield* SendService
    const singleSends = yield* SingleSends

    /** `scheduledAt` is the request's, already through `futureOnly`: the response shows the same value. */
    const accept = (
      account: Account,
      request: Common,
      scheduledAt: Date | undefined,
      messages: ReadonlyArray<OutgoingSms>,
      withinCommit: (result: SendResult) => Effect.Effect<void>
    ) =>
      dieOnImpossible(
        send.accept({
          accountId: account.id,
          account,
          sender: request.sender,
          messages,
          scheduledAt,
          validitySeconds: request.validitySeconds,
          withinCommit
        })
      )

    /** Refuses what the account's mode forbids before anything is validated or charged. */
    const checkMode = (account: Account, request: Common, kind: "single" | "batch") =>
      Effect.gen(function* () {
        if (account.mode === "suspended") {
          return yield* new AccountSuspended({ message: "This account is suspended: it can't send" })
        }
        if (account.mode !== "test") return
        if (request.sender !== DEFAULT_SENDER_ID) {
          return yield* new TestModeLimit({
            limit: "senderId",
            message: `In test mode messages can only come from "${DEFAULT_SENDER_ID}"`
          })
        }
        if (kind === "batch") {
          return yield* new TestModeLimit({
            limit: "singleMessagesOnly",
            message: "In test mode only single messages can be sent (POST /v1/messages), not batches"
          })
        }
      })

    const sentMessage = (account: Account, scheduledAt: Date | undefined, result: SendResult) => {
      const sent = result.accepted[0]!
      return new SentMessage(
        {
          id: sent.messageId,
          to: sent.to,
          parts: sent.parts,
          chargeMinor: sent.chargeMinor,
          currency: account.currency,
          status: "QUEUED",
          scheduledAt: scheduledAt ?? null
        },
        VALIDATED
      )
    }

    /**
     * `account` is the caller's, as read with its key (`CurrentAccount`). `commit` runs inside the send's
     * transaction with the response (the Idempotency-Key's record).
     */
    const single = Effect.fn("Sending.single")(function* (
      account: Account,
      request: SendMessageRequest,
      commit: Commit<SentMessage>
    ) {
      yield* checkMode(account, request, "single")
      // once per request: the stored send and the response show the very same schedule
      const scheduledAt = futureOnly(request.scheduledAt)
      const run = dieOnImpossible(
        singleSends.accept(
          {
            accountId: account.id,
            account,
            sender: request.sender,
            scheduledAt,
            validitySeconds: request.validitySeconds
          },
          { to: request.to, text: request.text },
          (result) => commit(sentMessage(account, scheduledAt, result))
        )
      )
      const result =
        account.mode === "test"
          ? yield* Effect.gen(function* () {
              if (!(yield* quota.take(account.id, account.testDailyCap))) {
                return yield* new TestModeLimit({
                  limit: "dailyCap",
                  message: `In test mode at most ${account.testDailyCap} messages can be sent per day`
                })
              }
              // a send that sent nothing gives its slot of the day back
              return yield* Effect.onError(run, () => quota.giveBack(account.id))
            })
          : yield* run
      return sentMessage(account, scheduledAt, result)
    })

    const batchResult = (account: Account, scheduledAt: Date | undefined, result: SendResult) =>
      new BatchResult(
        {
          accepted: result.accepted.map(
            (a) =>
              new AcceptedRecipient(
                { index: a.index, id: a.messageId, to: a.to, parts: a.parts, chargeMinor: a.chargeMinor },
                VALIDATED
              )
          ),
          refused: result.refused,
          chargedMinor: result.chargedMinor,
          currency: account.currency,
          scheduledAt: scheduledAt ?? null
        },
        VALIDATED
      )

    const batch = Effect.fn("Sending.batch")(function* (
      account: Account,
      request: SendBatchRequest,
      commit: Commit<BatchResult>
    ) {
      yield* checkMode(account, request, "batch")
      // no text of its own and none for the batch: an empty text, which the send path refuses by index
      const messages = request.messages.map((m) => ({ to: m.to, text: m.text ?? request.text ?? "" }))
      // once per request: the stored send and the response show the very same schedule
      const scheduledAt = futureOnly(request.scheduledAt)
      const result = yield* accept(account, request, scheduledAt, messages, (r) =>
        commit(batchResult(account, scheduledAt, r))
      )
      return batchResult(account, scheduledAt, result)
    })

    return { single, batch } as const
  }),
  dependencies: [SingleSends.Default]
}) {}

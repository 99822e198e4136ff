import { NothingToSend, RecipientRefused } from "@volley/core/send/errors"
import { supervise } from "@volley/engine/recovery/supervise"
import {
  type OutgoingSms,
  type SendRequest,
  type SendResult,
  SendService
} from "@volley/engine/send/SendService"
import { Deferred, Effect, Exit, Queue } from "effect"

type Accept = (typeof SendService.Service)["accept"]
type AcceptError = Effect.Effect.Error<ReturnType<Accept>>

/** One single-message send waiting for its group's accept. */
interface Pending {
  readonly request: Omit<SendRequest, "messages" | "withinCommit">
  readonly sms: OutgoingSms
  /** Runs inside the group's transaction with this send's own share, if it is sent. */
  readonly withinCommit: (result: SendResult) => Effect.Effect<void>
  readonly done: Deferred.Deferred<SendResult, AcceptError>
}

/** Single sends taken together at most; and how many waiting sends the queue holds (then callers wait). */
const MAX_GROUP = 500
const QUEUE_CAPACITY = 10_000
/** Groups (different accounts or settings) accepted at the same time. */
const GROUPS_IN_PARALLEL = 8

const groupKey = (r: Pending["request"]) =>
  `${r.accountId}|${r.sender}|${r.scheduledAt?.getTime() ?? ""}|${r.validitySeconds ?? ""}|${r.campaignId ?? ""}`

/** A recipient's share of a group's result: what a send of it alone would have answered. */
const shareOf = (result: SendResult, index: number): Exit.Exit<SendResult, AcceptError> => {
  const accepted = result.accepted.find((a) => a.index === index)
  if (accepted !== undefined)
    return Exit.succeed({
      accepted: [{ ...accepted, index: 0 }],
      refused: [],
      chargedMinor: accepted.chargeMinor
    })
  return Exit.fail(new NothingToSend({ refused: refusalsOf(result.refused, index) }))
}

const refusalsOf = (refused: ReadonlyArray<RecipientRefused>, index: number) =>
  refused.filter((r) => r.index === index).map((r) => new RecipientRefused({ ...r, index: 0 }))

/**
 * `POST /v1/messages` under load, the way databases do group commit: single sends of one account that
 * arrive together are accepted as one batch — one transaction, one debit of the account's balance row,
 * one publish — and each caller gets exactly its own share of the result. Sent one by one, concurrent
 * sends of an account queue on that row's lock (each holds it until its commit), which caps an account at
 * a few hundred sends per second however many clients it runs. When a group fails for a reason that
 * depends on the group (its total exceeds the balance), its sends are retried one by one, so each
 * answer is what a send alone would have got.
 */
export class SingleSends extends Effect.Service<SingleSends>()("volley/api/SingleSends", {
  scoped: Effect.gen(function* () {
    const send = yield* SendService
    const queue = yield* Queue.bounded<Pending>(QUEUE_CAPACITY)

    const alone = (p: Pending) =>
      send.accept({ ...p.request, messages: [p.sms], withinCommit: p.withinCommit }).pipe(
        Effect.exit,
        Effect.flatMap((exit) => Deferred.done(p.done, exit))
      )

    const acceptGroup = (group: ReadonlyArray<Pending>) =>
      Effect.gen(function* () {
        if (group.length === 1) return yield* alone(group[0]!)
        // Each sent member's own commit work runs in the group's one transaction.
        const withinCommit = (result: SendResult) =>
          Effect.forEach(
            group,
            (p, i) => {
              const share = shareOf(result, i)
              return Exit.isSuccess(share) ? p.withinCommit(share.value) : Effect.void
            },
            { discard: true }
          )
        const exit = yield* Effect.exit(
          send.accept({ ...group[0]!.request, messages: group.map((p) => p.sms), withinCommit })
        )
        if (Exit.isSuccess(exit)) {
          for (const [i, p] of group.entries()) yield* Deferred.done(p.done, shareOf(exit.value, i))
          return
        }
        const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
        if (failure?._tag === "NothingToSend") {
          for (const [i, p] of group.entries())
            yield* Deferred.fail(p.done, new NothingToSend({ refused: refusalsOf(failure.refused, i) }))
          return
        }
        // The group's total may be what the balance could not cover: each on its own, in arrival order.
        if (failure?._tag === "InsufficientBalance") {
          for (const p of group) yield* alone(p)
          return
        }
        // The same for every send of the group (unapproved sender, a defect): everyone hears it.
        for (const p of group) yield* Deferred.done(p.done, exit)
      })

    const worker = Queue.takeBetween(queue, 1, MAX_GROUP).pipe(
      Effect.flatMap((chunk) => {
        const groups = new Map<string, Array<Pending>>()
        for (const p of chunk) {
          const key = groupKey(p.request)
          const group = groups.get(key)
          if (group === undefined) groups.set(key, [p])
          else group.push(p)
        }
        return Effect.forEach(groups.values(), acceptGroup, {
          concurrency: GROUPS_IN_PARALLEL,
          discard: true
        })
      }),
      Effect.forever
    )
    yield* Effect.forkScoped(supervise("single-sends", worker))

    /** Sends one message as its caller's own request would; waits for its group's accept. */
    const accept = (
      request: Pending["request"],
      sms: OutgoingSms,
      withinCommit: Pending["withinCommit"] = () => Effect.void
    ) =>
      Effect.gen(function* () {
        const done = yield* Deferred.make<SendResult, AcceptError>()
        yield* Queue.offer(queue, { request, sms, withinCommit, done })
        return yield* Deferred.await(done)
      })

    return { accept } as const
  })
}) {}

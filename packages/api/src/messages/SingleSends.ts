import { NothingToSend, RecipientRefused } from "@volley/core/send/errors"
import {
  type OutgoingSms,
  type SendRequest,
  type SendResult,
  SendService
} from "@volley/engine/send/SendService"
import { Deferred, Effect, Exit, FiberSet } from "effect"

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

/** Single sends taken together at most; and how many may wait at once (then callers wait). */
const MAX_GROUP = 500
const WAITING_CAPACITY = 10_000
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
 *
 * Each group key (account and settings) has a lane: while one of its groups is being accepted, the sends
 * that arrive wait in the lane and go as the next group as soon as it is done. Lanes are independent, so
 * an account whose group is slow (retried one by one, say) holds up only its own sends, never another
 * account's; at most `GROUPS_IN_PARALLEL` groups are accepted at once, and at most `WAITING_CAPACITY`
 * sends wait (a caller beyond that waits for room).
 */
export class SingleSends extends Effect.Service<SingleSends>()("volley/api/SingleSends", {
  scoped: Effect.gen(function* () {
    const send = yield* SendService
    const room = yield* Effect.makeSemaphore(WAITING_CAPACITY)
    const slots = yield* Effect.makeSemaphore(GROUPS_IN_PARALLEL)
    const lanesRunning = yield* FiberSet.make<void, never>()
    /** Sends waiting per group key; a key is here exactly while its lane runs. */
    const lanes = new Map<string, Array<Pending>>()

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

    /** Accepts the lane's waiting sends, a group at a time, until none wait; then the lane ends. */
    const runLane = (key: string): Effect.Effect<void> =>
      Effect.suspend(() => {
        const waiting = lanes.get(key)!
        if (waiting.length === 0) {
          lanes.delete(key)
          return Effect.void
        }
        const group = waiting.splice(0, MAX_GROUP)
        return slots
          .withPermits(1)(acceptGroup(group))
          .pipe(
            // a defect here would leave its callers waiting for ever: they hear it instead
            Effect.catchAllCause((cause) =>
              Effect.forEach(group, (p) => Deferred.failCause(p.done, cause), { discard: true })
            ),
            Effect.zipRight(runLane(key))
          )
      })

    /** Sends one message as its caller's own request would; waits for its group's accept. */
    const accept = (
      request: Pending["request"],
      sms: OutgoingSms,
      withinCommit: Pending["withinCommit"] = () => Effect.void
    ) =>
      room.withPermits(1)(
        Effect.gen(function* () {
          const done = yield* Deferred.make<SendResult, AcceptError>()
          const key = groupKey(request)
          const pending: Pending = { request, sms, withinCommit, done }
          const lane = lanes.get(key)
          if (lane !== undefined) lane.push(pending)
          else {
            lanes.set(key, [pending])
            yield* FiberSet.run(lanesRunning, runLane(key))
          }
          return yield* Deferred.await(done)
        })
      )

    return { accept } as const
  })
}) {}

import { SqlClient } from "@effect/sql"
import {
  type Account,
  type AccountId,
  analyze,
  type CampaignId,
  type E164,
  type MessageId,
  NothingToSend,
  RecipientRefused,
  type RefusalCode,
  type RouteId,
  SubmitJob,
  uuid7
} from "@volley/core"
import { parsePhoneNumberWithCountry } from "@volley/core/phone/PhoneNumber"
import { routeAndPrice } from "@volley/core/pricing/routeAndPrice"
import { resolveValidity } from "@volley/core/validity/Validity"
import { Duration, Effect, Either, Schema } from "effect"
import { AccountsRepo } from "../account/AccountsRepo.js"
import { Ledger } from "../account/Ledger.js"
import { BlacklistRepo } from "../blacklist/BlacklistRepo.js"
import { Bus } from "../bus/Bus.js"
import { publishSubmitJobs } from "../bus/submitJobs.js"
import { RoutingCatalog } from "../catalog/RoutingCatalog.js"
import { MessagesRepo, type NewMessage } from "../message/MessagesRepo.js"
import { SenderIdsRepo } from "../sender/SenderIdsRepo.js"
import { yieldToIo } from "./yieldToIo.js"

export interface OutgoingSms {
  readonly to: string
  readonly text: string
}

export interface SendRequest {
  readonly accountId: AccountId
  /** The account as the caller has just read it (the API checks its mode first): spares accept a read. */
  readonly account?: Account | undefined
  readonly sender: string
  readonly messages: ReadonlyArray<OutgoingSms>
  readonly validitySeconds?: number | undefined
  readonly scheduledAt?: Date | undefined
  readonly campaignId?: CampaignId | undefined
  /**
   * Runs inside the transaction that persists and debits, with the result the caller will get: what it
   * writes commits with the send or not at all (the API stores an Idempotency-Key's response this way;
   * a campaign page its cursor). Failing with `CommitVetoed` rolls the whole send back.
   */
  readonly withinCommit?: ((result: SendResult) => Effect.Effect<void, CommitVetoed>) | undefined
}

/** The caller's `withinCommit` refused the send (e.g. its campaign was paused meanwhile): nothing happened. */
export class CommitVetoed extends Schema.TaggedError<CommitVetoed>()("CommitVetoed", {
  reason: Schema.String
}) {}

export interface AcceptedSms {
  readonly index: number
  readonly messageId: MessageId
  readonly to: E164
  readonly routeId: RouteId
  readonly parts: number
  readonly chargeMinor: number
}

export interface SendResult {
  readonly accepted: ReadonlyArray<AcceptedSms>
  readonly refused: ReadonlyArray<RecipientRefused>
  readonly chargedMinor: number
}

const refuse = (index: number, recipient: string, code: RefusalCode, message: string) =>
  new RecipientRefused({ index, recipient, code, message })

/**
 * Validating a recipient costs tens of µs (libphonenumber): a large batch is checked in slices with the
 * event loop let through in between, so the binds in the same process keep sending while it is accepted.
 */
const ACCEPT_SLICE = 250

/**
 * The send path (DESIGN.md §1, §2): validate each recipient, price it, debit the whole batch and persist
 * it QUEUED in one transaction, then publish its submit jobs grouped by route. A refused recipient never
 * costs anything and never stops the others; a balance that cannot cover the batch refuses all of it.
 */
export class SendService extends Effect.Service<SendService>()("volley/SendService", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const accounts = yield* AccountsRepo
    const ledger = yield* Ledger
    const messages = yield* MessagesRepo
    const senderIds = yield* SenderIdsRepo
    const blacklist = yield* BlacklistRepo
    const catalog = yield* RoutingCatalog
    const bus = yield* Bus

    const publish = Effect.fn("SendService.publish")((jobs: ReadonlyArray<SubmitJob>) =>
      publishSubmitJobs(bus, jobs)
    )

    const accept = Effect.fn("SendService.accept")(function* (request: SendRequest) {
      const account = request.account ?? (yield* accounts.get(request.accountId))
      yield* senderIds.requireApproved(account.id, request.sender)
      const snapshot = yield* catalog.snapshot
      const refused: Array<RecipientRefused> = []
      const drafts: Array<{ index: number; message: NewMessage }> = []
      const seen = new Set<string>()

      for (const [index, sms] of request.messages.entries()) {
        if (index > 0 && index % ACCEPT_SLICE === 0) yield* yieldToIo
        const number = parsePhoneNumberWithCountry(sms.to)
        if (Either.isLeft(number)) {
          refused.push(refuse(index, sms.to, "INVALID_NUMBER", number.left.message))
          continue
        }
        const { e164: to, country } = number.right
        if (request.campaignId !== undefined && seen.has(to)) {
          refused.push(refuse(index, sms.to, "DUPLICATE_RECIPIENT", `${to} appears more than once`))
          continue
        }
        seen.add(to)
        const text = analyze(sms.text, { maxParts: account.maxParts })
        if (Either.isLeft(text)) {
          const code = text.left._tag === "EmptyText" ? "EMPTY_TEXT" : "TOO_MANY_PARTS"
          refused.push(refuse(index, sms.to, code, text.left.message))
          continue
        }
        const routed = routeAndPrice(snapshot, { e164: to, country }, text.right.parts)
        if (Either.isLeft(routed)) {
          refused.push(refuse(index, sms.to, routed.left.code, routed.left.message))
          continue
        }
        const routeRow = snapshot.routes.get(routed.right.routeId)!
        const operator = snapshot.operators.get(routeRow.operatorId)
        const operatorDefault = Duration.seconds(
          routeRow.defaultValiditySeconds ?? operator?.defaultValiditySeconds ?? 86_400
        )
        const validity = resolveValidity({ requested: request.validitySeconds, operatorDefault })
        if (Either.isLeft(validity)) {
          refused.push(refuse(index, sms.to, "INVALID_VALIDITY", validity.left.message))
          continue
        }
        drafts.push({
          index,
          message: {
            id: uuid7() as MessageId,
            accountId: account.id,
            campaignId: request.campaignId ?? null,
            recipient: to,
            sender: request.sender,
            body: sms.text,
            encoding: text.right.encoding,
            parts: text.right.parts,
            routeId: routeRow.id,
            operatorId: routeRow.operatorId,
            pricePerPartMinor: routed.right.pricePerPart,
            chargeMinor: routed.right.total,
            validitySeconds: Math.round(Duration.toSeconds(validity.right)),
            scheduledAt: request.scheduledAt ?? null
          }
        })
      }

      const blocked = yield* blacklist.filterBlacklisted(
        account.id,
        drafts.map((d) => d.message.recipient)
      )
      const sendable = blocked.size === 0 ? drafts : drafts.filter((d) => !blocked.has(d.message.recipient))
      for (const d of drafts) {
        if (blocked.has(d.message.recipient))
          refused.push(
            refuse(d.index, d.message.recipient, "BLACKLISTED", `${d.message.recipient} opted out`)
          )
      }
      if (sendable.length === 0) return yield* new NothingToSend({ refused })
      refused.sort((a, b) => a.index - b.index)
      const resultOf = (
        inserted: ReadonlyArray<{ readonly index: number; readonly message: NewMessage }>,
        charged: number
      ): SendResult => ({
        accepted: inserted.map(({ index, message: m }) => ({
          index,
          messageId: m.id,
          to: m.recipient,
          routeId: m.routeId,
          parts: m.parts,
          chargeMinor: m.chargeMinor
        })),
        refused,
        chargedMinor: charged
      })

      const { inserted, result } = yield* Effect.gen(function* () {
        const ids = new Set(yield* messages.insertQueued(sendable.map((d) => d.message)))
        const charged = sendable.reduce(
          (sum, d) => (ids.has(d.message.id) ? sum + d.message.chargeMinor : sum),
          0
        )
        if (charged > 0) {
          yield* ledger.debit(account.id, charged, {
            reference: request.campaignId
              ? `campaign:${request.campaignId}`
              : `messages:${sendable[0]!.message.id}`,
            note: `${ids.size} message(s)`
          })
        }
        const inserted = sendable.filter((d) => ids.has(d.message.id))
        const result = resultOf(inserted, charged)
        if (request.withinCommit !== undefined) yield* request.withinCommit(result)
        return { inserted, result }
      }).pipe(sql.withTransaction, Effect.catchTag("SqlError", Effect.die))

      if (request.scheduledAt === undefined) {
        const now = Date.now()
        yield* publish(
          inserted.map(
            ({ message: m }) =>
              new SubmitJob(
                {
                  messageId: m.id,
                  accountId: m.accountId,
                  routeId: m.routeId,
                  attempt: 0,
                  recipient: m.recipient,
                  sender: m.sender,
                  body: m.body,
                  validitySeconds: m.validitySeconds,
                  maxParts: account.maxParts,
                  acceptedAt: now
                },
                true // built from validated rows: skip re-validating on the hot path
              )
          )
        ).pipe(
          // Committed but not published: the outbox sweeper re-publishes it, so the send still succeeds.
          Effect.catchAll((error) =>
            Effect.logWarning("publish after commit failed; the sweeper will retry", error)
          )
        )
      }

      return result
    })

    return { accept, publish } as const
  })
}) {}

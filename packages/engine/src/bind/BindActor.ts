import {
  type BindId,
  type BindState,
  BindTelemetry,
  decodeSubmitJob,
  encodeForSmpp,
  formatRelative,
  type MessageId,
  type OperatorId,
  parseSenderId,
  type SenderId,
  type SubmitJob
} from "@volley/core"
import type { Bind } from "@volley/core/catalog/Catalog"
import { canonicalMessageId, type IdFormat } from "@volley/core/receipt/MessageId"
import { MAX_RELATIVE_SECONDS } from "@volley/core/validity/SmppTime"
import { Deferred, Duration, Effect, Either, Fiber, Queue, Redacted, Schedule, Schema } from "effect"
import { Bus, type Delivery } from "../bus/Bus.js"
import { publishStatusChanges } from "../bus/statusEvents.js"
import { CorrelationStore } from "../hotmap/CorrelationStore.js"
import { MessageTransitions } from "../message/MessageTransitions.js"
import { type CloseReason, makeSmppSession, type SmppClient } from "../smpp/SmppClient.js"
import { InflightMessages, type SettledMessage } from "./InflightMessages.js"
import { ReceiptIntake } from "./ReceiptIntake.js"
import { TpsLimiter } from "./TpsLimiter.js"

export interface BindActorConfig {
  readonly bind: Bind
  /** The routes whose queues this bind serves (the routes of its operator). */
  readonly routes: ReadonlyArray<string>
  readonly messageIdFormat: IdFormat
  readonly responseTimeoutMs: number
  readonly maxAttempts: number
  /** Correlations live this long past a message's validity, then receipts settle via Postgres. */
  readonly correlationGraceSeconds: number
}

export const defaultBindTuning = {
  responseTimeoutMs: 10_000,
  maxAttempts: 5,
  correlationGraceSeconds: 3_600
} as const

const telemetryEncoder = Schema.encodeSync(Schema.parseJson(BindTelemetry))
const textEncoder = new TextEncoder()

/** Mutable state the telemetry sample reads; written only by the actor's own fibers. */
interface Stats {
  state: BindState
  since: number
  submits: number
  errors: number
  reconnects: number
  lastError: string | null
}

const describeClose = (reason: CloseReason) =>
  "message" in reason ? `${reason._tag}: ${reason.message}` : reason._tag

/**
 * One operator bind (DESIGN.md §1, §7, §8): connect → bind → serve, and again after any failure with
 * capped, jittered exponential back-off. While bound it pulls from its routes' queues only what its
 * window and TPS allow, claims each batch in Postgres before sending (so a redelivered job is never sent
 * twice), sends every part with the bytes core produced, settles outcomes in batches, and only then acks
 * the bus. Receipts and MO are taken in by `ReceiptIntake`. Closing its scope drains in-flight submits and
 * unbinds.
 */
export const runBindActor = (config: BindActorConfig) =>
  Effect.gen(function* () {
    const { bind } = config
    const stats: Stats = {
      state: "connecting",
      since: Date.now(),
      submits: 0,
      errors: 0,
      reconnects: 0,
      lastError: null
    }
    const setState = (state: BindState) => {
      if (stats.state !== state) {
        stats.state = state
        stats.since = Date.now()
      }
    }
    const limiter = new TpsLimiter(bind.tps)
    let current: SmppClient | undefined
    const bus = yield* Bus

    const publishTelemetry = Effect.suspend(() => {
      const sample = new BindTelemetry(
        {
          bindId: bind.id,
          operatorId: bind.operatorId,
          state: stats.state,
          since: stats.since,
          inFlight: current?.inFlight ?? 0,
          window: bind.windowSize,
          tpsNow: limiter.perSecond,
          tpsCap: bind.tps,
          submits: stats.submits,
          errors: stats.errors,
          reconnects: stats.reconnects,
          lastError: stats.lastError,
          at: Date.now()
        },
        true
      )
      return bus.publishTelemetry(bind.id, textEncoder.encode(telemetryEncoder(sample)))
    }).pipe(Effect.catchAll(() => Effect.void))

    yield* publishTelemetry.pipe(
      Effect.repeat(Schedule.spaced("1 second")),
      Effect.forkScoped,
      Effect.annotateLogs("bind", bind.id)
    )

    const session = serveSession(config, limiter, stats, (client) => {
      current = client
    })

    // Each round is one connection; any end (peer close, refused bind, crash) backs off and reconnects.
    const backoff = Schedule.exponential("500 millis", 2).pipe(
      Schedule.union(Schedule.spaced("30 seconds")),
      Schedule.jittered
    )
    yield* session.pipe(
      Effect.sandbox,
      Effect.tapError((cause) =>
        Effect.sync(() => {
          stats.errors += 1
          stats.reconnects += 1
          stats.lastError = cause._tag === "Fail" ? String(cause.error.message ?? cause.error) : String(cause)
          setState("down")
          current = undefined
        }).pipe(Effect.zipRight(Effect.logWarning("bind session ended", cause)))
      ),
      Effect.retry(backoff),
      Effect.annotateLogs("bind", bind.id),
      Effect.onExit(() =>
        Effect.sync(() => {
          setState("down")
          current = undefined
        }).pipe(Effect.zipRight(publishTelemetry))
      )
    )
  })

class SessionEnded extends Schema.TaggedError<SessionEnded>()("SessionEnded", { message: Schema.String }) {}

/** One connection's life. Fails (to be retried) when it ends for any reason other than our shutdown. */
const serveSession = (
  config: BindActorConfig,
  limiter: TpsLimiter,
  stats: Stats,
  expose: (client: SmppClient | undefined) => void
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const { bind } = config
      stats.state = "connecting"
      stats.since = Date.now()
      const bus = yield* Bus
      const transitions = yield* MessageTransitions
      const correlations = yield* CorrelationStore
      const closed = yield* Deferred.make<CloseReason>()
      const maxUnsettled = bind.windowSize * 4
      const settled = yield* Queue.bounded<SettledMessage>(maxUnsettled)
      const canonicalId = (raw: string) =>
        Either.getOrElse(canonicalMessageId(raw, config.messageIdFormat), () => raw.trim())
      const inflight = new InflightMessages({
        bindId: bind.id,
        operatorId: bind.operatorId,
        maxAttempts: config.maxAttempts,
        retryDelayMs: (attempts) => Math.min(60_000, 500 * 2 ** Math.max(0, attempts - 1)),
        canonicalId
      })
      let unsettled = 0
      const pushSettled = (message: SettledMessage | undefined) => {
        if (message) Queue.unsafeOffer(settled, message)
      }

      // The settler outlives the session inside this scope: its finalizer is added before the session is
      // acquired, so it runs after the unbind has drained every in-flight submit into the queue; then
      // whatever is left is settled before the scope ends.
      const settler = yield* Effect.forkScoped(
        settleLoop(config, settled, transitions, correlations, bus, limiter, () => {
          unsettled -= 1
        })
      )
      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          yield* Fiber.interrupt(settler)
          const rest = yield* Queue.takeAll(settled)
          if (rest.length > 0) yield* settleBatch(config, [...rest], transitions, correlations, bus, limiter)
        })
      )

      let capacityWaiter: (() => void) | undefined
      const wakeCapacityWaiter = () => {
        const waiter = capacityWaiter
        capacityWaiter = undefined
        waiter?.()
      }

      const intake = yield* ReceiptIntake.make({
        bindId: bind.id as BindId,
        operatorId: bind.operatorId as OperatorId
      })

      expose(undefined)
      const client = yield* makeSmppSession({
        host: bind.host,
        port: bind.port,
        connectTimeoutMs: 5_000,
        window: bind.windowSize,
        responseTimeoutMs: config.responseTimeoutMs,
        enquireLinkMs: bind.enquireLinkSeconds * 1000,
        bind: {
          type: bind.bindType,
          systemId: bind.systemId,
          password: Redacted.value(bind.password),
          systemType: bind.systemType,
          bindTimeoutMs: 5_000
        },
        drainTimeoutMs: config.responseTimeoutMs,
        handlers: {
          onDeliver: intake.onDeliver,
          onClose: (reason) => {
            Deferred.unsafeDone(closed, Effect.succeed(reason))
            // A pump waiting for window room must wake up and see the session is gone.
            wakeCapacityWaiter()
          }
        }
      }).pipe(
        Effect.tap(() =>
          Effect.sync(() => {
            stats.state = "bound"
            stats.since = Date.now()
          })
        )
      )
      expose(client)
      yield* Effect.logInfo(`bound to ${bind.host}:${bind.port} as ${bind.systemId}`)

      client.onCapacity(wakeCapacityWaiter)
      const waitForCapacity = Effect.async<void>((resume) => {
        if (client.hasCapacity() || client.state !== "bound") return resume(Effect.void)
        capacityWaiter = () => resume(Effect.void)
      })

      const senders = new Map<string, SenderId>()
      const senderOf = (value: string) => {
        let sender = senders.get(value)
        if (!sender) {
          const parsed = parseSenderId(value)
          if (Either.isLeft(parsed)) return undefined
          sender = parsed.right
          if (senders.size > 10_000) senders.clear()
          senders.set(value, sender)
        }
        return sender
      }
      let reference = Math.floor(Math.random() * 256)

      /** Sends every part of one claimed message; part answers arrive through the callbacks. */
      const sendMessage = (job: SubmitJob, delivery: Delivery, attempts: number) =>
        Effect.gen(function* () {
          const sender = senderOf(job.sender)
          reference = (reference + 1) & 0xff
          const encoded = encodeForSmpp(job.body, { maxParts: job.maxParts, reference })
          if (!sender || Either.isLeft(encoded)) {
            const reason = sender
              ? encoded._tag === "Left"
                ? encoded.left.message
                : ""
              : `invalid sender ID ${job.sender}`
            unsettled += 1
            pushSettled({
              delivery,
              job,
              fate: { _tag: "Ack" },
              throttled: false,
              settlement: { _tag: "Failed", messageId: job.messageId, smppStatus: null, reason }
            })
            return
          }
          const { parts, dataCoding } = encoded.right
          unsettled += 1
          inflight.add(job, delivery, parts.length, attempts)
          const validity = formatRelative(Math.min(job.validitySeconds, MAX_RELATIVE_SECONDS))
          for (const part of parts) {
            if (!client.hasCapacity()) yield* waitForCapacity
            let wait = limiter.take(1)
            while (wait > 0) {
              yield* Effect.sleep(Duration.millis(wait))
              wait = limiter.take(1)
            }
            if (client.state !== "bound") {
              pushSettled(
                part.seq === 1
                  ? inflight.abandon(job.messageId, "session closed before the submit")
                  : inflight.onPart(job.messageId, part.seq, { _tag: "ConnectionLost" }, Date.now())
              )
              if (part.seq === 1) return
              continue
            }
            const seq = part.seq
            // 0: no room after all (the socket asked us to wait for drain): wait and try again.
            while (
              client.state === "bound" &&
              client.submit(
                {
                  source_addr: sender.value,
                  source_addr_ton: sender.ton,
                  source_addr_npi: sender.npi,
                  destination_addr: job.recipient.slice(1),
                  dest_addr_ton: 1,
                  dest_addr_npi: 1,
                  esm_class: part.esmClass,
                  data_coding: dataCoding,
                  short_message: part.shortMessage,
                  registered_delivery: 1,
                  validity_period: validity
                },
                (result) => pushSettled(inflight.onPart(job.messageId, seq, result, Date.now()))
              ) === 0
            ) {
              yield* waitForCapacity
            }
            if (client.state !== "bound") {
              pushSettled(inflight.onPart(job.messageId, seq, { _tag: "ConnectionLost" }, Date.now()))
              continue
            }
            stats.submits += 1
          }
        })

      /** Pull → decode → claim → send, never holding more than the window allows. */
      const pumpRoute = (routeId: string) =>
        Effect.gen(function* () {
          if (!client.hasCapacity()) yield* waitForCapacity
          const room = Math.min(bind.windowSize, maxUnsettled - unsettled)
          if (room <= 0) return yield* Effect.sleep("2 millis")
          const deliveries = yield* bus.pullSubmits(routeId, room, 500)
          if (deliveries.length === 0) return
          yield* sendBatch(deliveries)
        })

      /**
       * Uninterruptible from claim to hand-over: a shutdown lets the batch reach the wire (or go back to
       * QUEUED if the session is gone), so no claimed message is left SUBMITTING without being sent.
       */
      const sendBatch = (deliveries: ReadonlyArray<Delivery>) =>
        Effect.gen(function* () {
          const jobs: Array<{ job: SubmitJob; delivery: Delivery }> = []
          for (const delivery of deliveries) {
            const job = decodeSubmitJob(delivery.data)
            if (Either.isLeft(job)) {
              yield* Effect.logError("undecodable submit job dropped", delivery.msgId)
              yield* delivery.term()
            } else jobs.push({ job: job.right, delivery })
          }
          const claimed = yield* transitions.claim(
            jobs.map((j) => j.job.messageId as MessageId),
            bind.id
          )
          for (const { job, delivery } of jobs) {
            const attempts = claimed.get(job.messageId)
            // Not QUEUED any more: sent before (a redelivery) or settled elsewhere. Never send twice.
            if (attempts === undefined) yield* delivery.ack
            else yield* sendMessage(job, delivery, attempts)
          }
        }).pipe(Effect.uninterruptible)

      const pump = Effect.forEach(config.routes, pumpRoute, { discard: true }).pipe(
        Effect.forever,
        Effect.catchAllCause((cause) =>
          Effect.logError("submit pump failed", cause).pipe(Effect.zipRight(Effect.failCause(cause)))
        )
      )
      const pumpFiber = yield* Effect.forkScoped(pump)
      const reason = yield* Deferred.await(closed).pipe(
        Effect.raceFirst(Fiber.join(pumpFiber).pipe(Effect.as<CloseReason>({ _tag: "LocalClose" })))
      )
      return yield* new SessionEnded({ message: describeClose(reason) })
    })
  )

const settleLoop = (
  config: BindActorConfig,
  queue: Queue.Queue<SettledMessage>,
  transitions: MessageTransitions,
  correlations: typeof CorrelationStore.Service,
  bus: typeof Bus.Service,
  limiter: TpsLimiter,
  done: () => void
) =>
  Queue.takeBetween(queue, 1, 1_000).pipe(
    Effect.flatMap((chunk) => {
      const batch = [...chunk]
      return settleBatch(config, batch, transitions, correlations, bus, limiter).pipe(
        Effect.ensuring(Effect.sync(() => batch.forEach(done)))
      )
    }),
    Effect.forever
  )

/**
 * Records a batch of outcomes (one transaction), then the correlations receipts will look up, then
 * settles the bus deliveries: acked once Postgres has the outcome, or redelivered later for a retry.
 * Uninterruptible, so a shutdown never loses outcomes that were already taken from the queue.
 */
const settleBatch = (
  config: BindActorConfig,
  batch: ReadonlyArray<SettledMessage>,
  transitions: MessageTransitions,
  correlations: typeof CorrelationStore.Service,
  bus: typeof Bus.Service,
  limiter: TpsLimiter
) =>
  Effect.gen(function* () {
    if (batch.some((m) => m.throttled)) limiter.slowDown()
    const { changes, requeued } = yield* transitions.settleSubmits(batch.map((m) => m.settlement))
    const entries = batch.flatMap((m) =>
      m.settlement._tag === "Accepted"
        ? m.settlement.smscIds.flatMap((smscMessageId, i) =>
            smscMessageId === null
              ? []
              : [
                  {
                    operatorId: config.bind.operatorId,
                    smscMessageId,
                    messageId: m.job.messageId,
                    part: i + 1,
                    ttlSeconds: m.job.validitySeconds + config.correlationGraceSeconds
                  }
                ]
          )
        : []
    )
    if (entries.length > 0) {
      yield* correlations
        .putMany(entries)
        .pipe(
          Effect.catchAll((error) =>
            Effect.logWarning("correlations not cached; receipts use Postgres", error)
          )
        )
    }
    yield* Effect.forEach(
      batch,
      (m) =>
        m.fate._tag === "Retry" && requeued.has(m.job.messageId as MessageId)
          ? m.delivery.nak(m.fate.delayMs)
          : m.delivery.ack,
      { discard: true }
    )
    yield* publishStatusChanges(bus, changes)
  }).pipe(Effect.uninterruptible)

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
  SubmitJob
} from "@volley/core"
import type { Bind } from "@volley/core/catalog/Catalog"
import { canonicalMessageId, type IdFormat } from "@volley/core/receipt/MessageId"
import { MAX_RELATIVE_SECONDS } from "@volley/core/validity/SmppTime"
import {
  Cause,
  Chunk,
  Deferred,
  Duration,
  Effect,
  Either,
  Fiber,
  Queue,
  Redacted,
  Schedule,
  Schema
} from "effect"
import { Bus, type Delivery } from "../bus/Bus.js"
import { publishStatusChanges } from "../bus/statusEvents.js"
import { publishSubmitJobs } from "../bus/submitJobs.js"
import { CorrelationStore } from "../hotmap/CorrelationStore.js"
import { MessageTransitions } from "../message/MessageTransitions.js"
import {
  type CloseReason,
  makeSmppSession,
  type SmppClient,
  type SubmitFields,
  type SubmitResult
} from "../smpp/SmppClient.js"
import type { BindTuningSettings } from "./BindTuning.js"
import { InflightMessages, isThrottling, type SettledMessage } from "./InflightMessages.js"
import { ReceiptIntake } from "./ReceiptIntake.js"
import { TpsLimiter } from "./TpsLimiter.js"

export { defaultBindTuning } from "./BindTuning.js"

export interface BindActorConfig {
  readonly bind: Bind
  /** The routes whose queues this bind serves (the routes of its operator). */
  readonly routes: ReadonlyArray<string>
  readonly messageIdFormat: IdFormat
  readonly tuning: BindTuningSettings
}

/**
 * A read-only look inside one BindActor, for the admin's diagnostics and for tests that check that
 * nothing piles up: when the bind is idle every count but the totals is 0.
 */
export interface BindDiagnostics {
  readonly bindId: string
  readonly state: BindState
  /** Sessions that got bound, and sessions that ended for any reason but our shutdown. */
  readonly sessions: number
  readonly reconnects: number
  readonly lastError: string | null
  /** submit_sm on the wire of the current (or last) session. */
  readonly smppInFlight: number
  /** Messages taken from the queue and not yet settled in Postgres. */
  readonly unsettled: number
  /** Messages with parts on the wire or waiting to be sent again. */
  readonly inflightMessages: number
  /** Throttled parts waiting to be sent again. */
  readonly resendsWaiting: number
  /** Timed-out messages and parts remembered for a late resp. */
  readonly lateMessages: number
  readonly lateParts: number
  /** Late resps that settled a message, and those for messages no longer remembered. */
  readonly lateSettled: number
  readonly lateIgnored: number
  /** The TPS limiter: its current rate, the throttling answers it saw and the times it slowed down. */
  readonly tpsRate: number
  readonly throttledAnswers: number
  readonly slowDowns: number
}

/** Where a running actor's diagnostics can be read (filled in by the actor once it runs). */
export interface DiagnosticsCell {
  read: (() => BindDiagnostics) | undefined
}

const telemetryEncoder = Schema.encodeSync(Schema.parseJson(BindTelemetry))
const textEncoder = new TextEncoder()

/** Mutable state the telemetry sample reads; written only by the actor's own fibers. */
interface Stats {
  state: BindState
  since: number
  submits: number
  errors: number
  reconnects: number
  sessions: number
  lastError: string | null
}

/** What a session shows the diagnostics; the last session's view stays readable after it ended. */
interface SessionView {
  readonly smppInFlight: () => number
  readonly unsettled: () => number
  readonly inflight: InflightMessages | undefined
  readonly resendsWaiting: () => number
}

const noSession: SessionView = {
  smppInFlight: () => 0,
  unsettled: () => 0,
  inflight: undefined,
  resendsWaiting: () => 0
}

const describeClose = (reason: CloseReason) =>
  "message" in reason ? `${reason._tag}: ${reason.message}` : reason._tag

const describeCause = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : String(error)
}

const CONNECTION_LOST: SubmitResult = { _tag: "ConnectionLost" }

/**
 * One operator bind (DESIGN.md §1, §7, §8): connect → bind → serve, and again after any failure with
 * capped, jittered exponential back-off (started over once a session got bound). While bound it pulls
 * from its routes' queues only what its window and TPS allow, claims each batch in Postgres before
 * sending (so a redelivered job is never sent twice), sends every part with the bytes core produced,
 * settles outcomes in batches, and only then acks the bus. Throttling answers slow the bind down and
 * the throttled parts are sent again from here; a late resp settles a message whose outcome was
 * unknown. Receipts and MO are taken in by `ReceiptIntake`. Closing its scope drains in-flight submits
 * and unbinds.
 */
export const runBindActor = (config: BindActorConfig, diagnostics?: DiagnosticsCell) =>
  Effect.gen(function* () {
    const { bind, tuning } = config
    const stats: Stats = {
      state: "connecting",
      since: Date.now(),
      submits: 0,
      errors: 0,
      reconnects: 0,
      sessions: 0,
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
    let view = noSession
    const bus = yield* Bus

    if (diagnostics) {
      diagnostics.read = () => {
        const late = view.inflight?.lateSize
        return {
          bindId: bind.id,
          state: stats.state,
          sessions: stats.sessions,
          reconnects: stats.reconnects,
          lastError: stats.lastError,
          smppInFlight: view.smppInFlight(),
          unsettled: view.unsettled(),
          inflightMessages: view.inflight?.size ?? 0,
          resendsWaiting: view.resendsWaiting(),
          lateMessages: late?.messages ?? 0,
          lateParts: late?.parts ?? 0,
          lateSettled: view.inflight?.lateSettled ?? 0,
          lateIgnored: view.inflight?.lateIgnored ?? 0,
          tpsRate: limiter.currentRate,
          throttledAnswers: limiter.throttledAnswers,
          slowDowns: limiter.slowDowns
        }
      }
    }

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

    const session = serveSession(config, limiter, stats, {
      client: (client) => {
        current = client
      },
      view: (next) => {
        view = next
      }
    })

    // Each round is one connection; any end (peer close, refused bind, crash) backs off and reconnects.
    // The back-off counts failures in a row: a session that got bound starts it over, so a bind dropped
    // now and then after hours of service reconnects at once instead of after the 30-second ceiling.
    const reconnectLoop = Effect.gen(function* () {
      let failures = 0
      for (;;) {
        const boundBefore = stats.sessions
        const exit = yield* Effect.exit(session)
        if (exit._tag === "Success") return
        const cause = exit.cause
        // Our own shutdown: nothing to reconnect.
        if (Cause.isInterruptedOnly(cause)) return yield* Effect.interrupt
        stats.errors += 1
        stats.reconnects += 1
        stats.lastError = describeCause(cause)
        setState("down")
        current = undefined
        // Expected ends (peer closed, refused bind, no connection) in one line; anything else in full.
        if (Cause.isFailType(cause)) yield* Effect.logWarning(`bind session ended: ${stats.lastError}`)
        else yield* Effect.logError("bind session crashed", cause)
        failures = stats.sessions > boundBefore ? 1 : failures + 1
        const ceiling = Math.min(
          tuning.reconnectMaxMs,
          tuning.reconnectMinMs * 2 ** Math.min(failures - 1, 30)
        )
        // ±20% jitter, so binds dropped together do not all come back in the same millisecond.
        yield* Effect.sleep(Duration.millis(Math.round(ceiling * (0.8 + Math.random() * 0.4))))
      }
    })

    yield* reconnectLoop.pipe(
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

/** A part that got a throttling answer, waiting to be sent again on this session. */
interface Resend {
  readonly job: SubmitJob
  readonly part: number
  readonly fields: SubmitFields
  /** The throttling status, kept for the settlement if it can never be sent again. */
  readonly status: number
  readonly notBefore: number
}

interface Expose {
  readonly client: (client: SmppClient | undefined) => void
  readonly view: (view: SessionView) => void
}

/** One connection's life. Fails (to be retried) when it ends for any reason other than our shutdown. */
const serveSession = (config: BindActorConfig, limiter: TpsLimiter, stats: Stats, expose: Expose) =>
  Effect.scoped(
    Effect.gen(function* () {
      const { bind, tuning } = config
      stats.state = "connecting"
      stats.since = Date.now()
      const bus = yield* Bus
      const transitions = yield* MessageTransitions
      const correlations = yield* CorrelationStore
      const closed = yield* Deferred.make<CloseReason>()
      const maxUnsettled = bind.windowSize * 4
      // Late resps settle messages already counted out of `unsettled`: they get room of their own.
      const maxLateQueued = Math.max(100, bind.windowSize * 4)
      const settled = yield* Queue.bounded<SettledMessage>(maxUnsettled + maxLateQueued)
      const canonicalId = (raw: string) =>
        Either.getOrElse(canonicalMessageId(raw, config.messageIdFormat), () => raw.trim())
      const inflight = new InflightMessages({
        bindId: bind.id,
        operatorId: bind.operatorId,
        maxAttempts: tuning.maxAttempts,
        retryDelayMs: (attempts) =>
          Math.min(
            tuning.maxRetryDelayMs,
            tuning.retryDelayMs * 2 ** Math.max(0, Math.min(attempts - 1, 30))
          ),
        canonicalId,
        maxResends: tuning.maxResends,
        lateMemoryMs: tuning.lateRespMemoryMs,
        lateMemoryMax: tuning.lateRespMemoryMax
      })
      let unsettled = 0
      let lateQueued = 0
      let lateDropped = 0
      /** Bounded by the parts of the unsettled messages: each waits here at most once at a time. */
      const resends: Array<Resend> = []
      let client: SmppClient | undefined
      /** Set when the session's scope starts closing: no new message goes out, multipart ones finish. */
      let stopping = false
      const sending = () => !stopping && client?.state === "bound"

      // The pump waits for claimed messages, the feeder for room in the window.
      let readyWaiter: (() => void) | undefined
      /** The feeder waits until `until` holds; checked on every wake, so it resumes once, not per message. */
      let feederWaiter: { readonly until: () => boolean; readonly resume: () => void } | undefined
      const wakePump = () => {
        const waiter = readyWaiter
        readyWaiter = undefined
        waiter?.()
      }
      const wakeFeeder = (force = false) => {
        const waiter = feederWaiter
        if (waiter === undefined || !(force || waiter.until())) return
        feederWaiter = undefined
        waiter.resume()
      }

      expose.view({
        smppInFlight: () => client?.inFlight ?? 0,
        unsettled: () => unsettled,
        inflight,
        resendsWaiting: () => resends.length
      })

      const pushSettled = (message: SettledMessage | undefined) => {
        if (message && !Queue.unsafeOffer(settled, message)) {
          // Cannot happen (`unsettled` never exceeds the room): say so loudly rather than lose it quietly.
          Effect.runFork(Effect.logError("settle queue full; outcome lost", message.job.messageId))
        }
      }
      const pushLate = (message: SettledMessage | undefined) => {
        if (!message) return
        if (lateQueued >= maxLateQueued) {
          // Bounded: the message keeps its unknown outcome (a receipt or the NOREPORT sweep settles it).
          lateDropped += 1
          return
        }
        lateQueued += 1
        pushSettled(message)
      }

      // The settler outlives the session inside this scope: its finalizer is added before the session is
      // acquired, so it runs after the unbind has drained every in-flight submit into the queue; then
      // whatever is left is settled before the scope ends.
      const done = (message: SettledMessage) => {
        if (message.fate._tag === "None" || message.fate._tag === "Republish") lateQueued -= 1
        else {
          unsettled -= 1
          wakeFeeder()
        }
      }
      const settler = yield* Effect.forkScoped(
        settleLoop(config, settled, transitions, correlations, bus, done)
      )
      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          yield* Fiber.interrupt(settler)
          const rest = [...(yield* Queue.takeAll(settled))]
          if (rest.length > 0) yield* settleBatch(config, rest, transitions, correlations, bus)
          rest.forEach(done)
          if (inflight.size > 0 || unsettled > 0)
            yield* Effect.logError(
              `session ended with ${inflight.size} message(s) in flight and ${unsettled} unsettled`
            )
          if (lateDropped > 0)
            yield* Effect.logWarning(`${lateDropped} late resp(s) not recorded (queue full)`)
        })
      )
      /** A throttled part that will not be sent again settles with the throttling answer it got. */
      const giveUpResend = (resend: Resend) =>
        inflight.onPart(
          resend.job.messageId,
          resend.part,
          { _tag: "Resp", commandStatus: resend.status, messageId: undefined },
          Date.now()
        )

      // Runs after the unbind (registered before it): a part still waiting to be sent again never went,
      // so it settles with the throttling answer it got (back to the queue, or FAILED past maxAttempts).
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          for (const resend of resends.splice(0)) {
            pushSettled(giveUpResend(resend))
          }
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

      expose.client(undefined)
      client = yield* makeSmppSession({
        host: bind.host,
        port: bind.port,
        connectTimeoutMs: tuning.connectTimeoutMs,
        window: bind.windowSize,
        responseTimeoutMs: tuning.responseTimeoutMs,
        enquireLinkMs: bind.enquireLinkSeconds * 1000,
        lateRespMemoryMs: tuning.lateRespMemoryMs,
        lateRespMemoryMax: tuning.lateRespMemoryMax,
        bind: {
          type: bind.bindType,
          systemId: bind.systemId,
          password: Redacted.value(bind.password),
          systemType: bind.systemType,
          bindTimeoutMs: tuning.connectTimeoutMs
        },
        drainTimeoutMs: tuning.drainTimeoutMs,
        handlers: {
          onDeliver: intake.onDeliver,
          onLateResp: (sequence, resp) => {
            limiter.answer(isThrottling(resp.commandStatus))
            pushLate(inflight.onLate(sequence, resp, Date.now()))
          },
          onClose: (reason) => {
            Deferred.unsafeDone(closed, Effect.succeed(reason))
            // A pump or feeder waiting must wake up and see the session is gone.
            wakeCapacityWaiter()
            wakePump()
            wakeFeeder(true)
          }
        }
      }).pipe(
        Effect.tap(() =>
          Effect.sync(() => {
            stats.state = "bound"
            stats.since = Date.now()
            stats.sessions += 1
          })
        )
      )
      const session = client
      expose.client(session)
      yield* Effect.logInfo(`bound to ${bind.host}:${bind.port} as ${bind.systemId}`)

      session.onCapacity(wakeCapacityWaiter)
      const waitForCapacity = Effect.async<void>((resume) => {
        if (session.hasCapacity() || session.state !== "bound") return resume(Effect.void)
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

      /** A part's answer (plain callback, no fiber): throttled parts wait here to go again. */
      const onAnswer = (
        job: SubmitJob,
        part: number,
        fields: SubmitFields,
        sequence: number,
        result: SubmitResult
      ) => {
        if (result._tag === "Resp" || result._tag === "Nack") {
          const throttled = isThrottling(result.commandStatus)
          limiter.answer(throttled)
          if (throttled && sending()) {
            const resent = inflight.resend(job.messageId, part)
            if (resent !== undefined) {
              const delay = Math.min(1_000, tuning.resendDelayMs * 2 ** (resent - 1))
              resends.push({ job, part, fields, status: result.commandStatus, notBefore: Date.now() + delay })
              wakePump()
              return
            }
          }
        }
        pushSettled(inflight.onPart(job.messageId, part, result, Date.now(), sequence))
      }

      /**
       * Puts one part on the wire if it can go right now: "sent"; "gone" when the session is no longer
       * bound or (unless `finishing`, for the later parts of a message whose first part went) the bind is
       * stopping; otherwise what to wait for — window room (-1) or the TPS limiter (ms).
       */
      const trySubmit = (
        job: SubmitJob,
        part: number,
        fields: SubmitFields,
        finishing: boolean
      ): "sent" | "gone" | number => {
        if (session.state !== "bound" || (stopping && !finishing)) return "gone"
        if (!session.hasCapacity()) return -1
        const wait = limiter.take(1)
        if (wait > 0) return wait
        let sequence = 0
        sequence = session.submit(fields, (result) => onAnswer(job, part, fields, sequence, result))
        // 0: no room after all (the socket asked us to wait for drain).
        if (sequence === 0) return -1
        stats.submits += 1
        return "sent"
      }

      /** `trySubmit` until the part went (true) or cannot go on this session (false). */
      const submitPart = (job: SubmitJob, part: number, fields: SubmitFields, finishing: boolean) =>
        Effect.gen(function* () {
          for (;;) {
            const outcome = trySubmit(job, part, fields, finishing)
            if (outcome === "sent") return true
            if (outcome === "gone") return false
            if (outcome < 0) yield* waitForCapacity
            // In slices, so a closing session or a shutdown is noticed.
            else yield* Effect.sleep(Duration.millis(Math.min(outcome, 100)))
          }
        })

      /** A part that could not go at all: the message goes back to the queue, or its part is lost. */
      const partNotSent = (job: SubmitJob, seq: number) =>
        pushSettled(
          seq === 1
            ? // Nothing of it went: back to the queue, as if never taken.
              inflight.abandon(
                job.messageId,
                stopping ? "bind stopping before the submit" : "session closed before the submit"
              )
            : inflight.onPart(job.messageId, seq, CONNECTION_LOST, Date.now())
        )

      /**
       * Sends every part of one claimed message; part answers arrive through the callbacks. Parts go at
       * once while the window and the TPS limiter allow (no effect per message on the hot path); what
       * has to wait is returned as an effect that sends the rest.
       */
      const sendMessage = (
        job: SubmitJob,
        delivery: Delivery,
        attempts: number
      ): Effect.Effect<void> | undefined => {
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
            settlement: { _tag: "Failed", messageId: job.messageId, smppStatus: null, reason }
          })
          return undefined
        }
        const { parts, dataCoding } = encoded.right
        unsettled += 1
        inflight.add(job, delivery, parts.length, attempts)
        const validity = formatRelative(Math.min(job.validitySeconds, MAX_RELATIVE_SECONDS))
        const fieldsOf = (part: (typeof parts)[number]): SubmitFields => ({
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
        })
        for (let i = 0; i < parts.length; i++) {
          const part = parts[i]!
          const fields = fieldsOf(part)
          const outcome = trySubmit(job, part.seq, fields, part.seq > 1)
          if (outcome === "sent") continue
          if (outcome === "gone") {
            partNotSent(job, part.seq)
            if (part.seq === 1) return undefined
            continue
          }
          return Effect.gen(function* () {
            for (let j = i; j < parts.length; j++) {
              const rest = parts[j]!
              if (yield* submitPart(job, rest.seq, j === i ? fields : fieldsOf(rest), rest.seq > 1)) continue
              partNotSent(job, rest.seq)
              if (rest.seq === 1) return
            }
          })
        }
        return undefined
      }

      /** Throttled parts whose delay is over go first, before anything new is pulled. */
      const sendDueResends = Effect.gen(function* () {
        for (;;) {
          const now = Date.now()
          const i = resends.findIndex((r) => r.notBefore <= now)
          if (i < 0) return
          // Uninterruptible from taking it to the wire: a part is never dropped between the two.
          yield* Effect.uninterruptible(
            Effect.gen(function* () {
              const [resend] = resends.splice(i, 1)
              if (resend === undefined) return
              if (yield* submitPart(resend.job, resend.part, resend.fields, false)) return
              pushSettled(giveUpResend(resend))
            })
          )
        }
      })

      /**
       * Claimed messages waiting for the pump. The feeder pulls and claims the next batch while the pump
       * sends the current one, so the claim's round trip to Postgres overlaps the wire instead of
       * stalling it. Claimed-but-unsent stays within one window (the ambiguity bound of DESIGN §7).
       */
      const ready: Array<{
        readonly job: SubmitJob
        readonly delivery: Delivery
        readonly attempts: number
      }> = []
      let claimedUnsent = 0
      const feederRoom = () =>
        Math.min(bind.windowSize - claimedUnsent, maxUnsettled - unsettled - claimedUnsent)
      // While the pump still has claimed work, the feeder waits for room for a batch worth a claim's
      // round trip; a pump with nothing to send gets whatever there is at once.
      const minClaim = Math.max(1, Math.floor(bind.windowSize / 4))
      const roomToClaim = () => {
        const room = feederRoom()
        return room >= minClaim || (room > 0 && claimedUnsent === 0)
      }
      const feederMayGo = () => roomToClaim() || !sending()
      const waitForRoom = Effect.async<void>((resume) => {
        if (feederMayGo()) return resume(Effect.void)
        feederWaiter = { until: feederMayGo, resume: () => resume(Effect.void) }
      })
      const waitForReady = Effect.async<void>((resume) => {
        if (ready.length > 0 || !sending()) return resume(Effect.void)
        readyWaiter = () => resume(Effect.void)
      })

      /**
       * Decode → claim → hand to the pump, uninterruptible from the claim on: a claimed message always
       * reaches `ready`, where the pump sends it or, once the session is gone, puts it back in the queue.
       */
      const claimBatch = (deliveries: ReadonlyArray<Delivery>) =>
        Effect.gen(function* () {
          if (!sending()) {
            // Pulled while the session was ending: untouched, straight back to the queue.
            for (const d of deliveries) d.nakNow()
            return
          }
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
            if (attempts === undefined) delivery.ackNow()
            else {
              ready.push({ job, delivery, attempts })
              claimedUnsent += 1
            }
          }
          wakePump()
        }).pipe(Effect.uninterruptible)

      /** Pulls what the window leaves room for from each route in turn. */
      const feeder = Effect.gen(function* () {
        // No enabled route for its operator: nothing to pull until the catalog changes, which restarts
        // the actor with its new routes (without this the loop below would spin).
        if (config.routes.length === 0) return yield* Effect.never
        for (;;) {
          // The session is ending: the scope interrupts this fiber in a moment.
          if (!sending()) return yield* Effect.never
          let pulled = 0
          for (const routeId of config.routes) {
            const room = feederRoom()
            if (room <= 0) break
            const deliveries = yield* bus.pullSubmits(routeId, room, config.routes.length > 1 ? 50 : 500)
            pulled += deliveries.length
            if (deliveries.length > 0) yield* claimBatch(deliveries)
          }
          if (!roomToClaim()) yield* waitForRoom
          else if (pulled === 0 && config.routes.length > 1) yield* Effect.sleep("5 millis")
        }
      })

      /**
       * Sends what the feeder claimed. Uninterruptible per batch: a shutdown lets it reach the wire (or
       * go back to QUEUED if the session is gone), so no claimed message is left SUBMITTING unsent.
       */
      const sendReady = Effect.gen(function* () {
        const batch = ready.splice(0)
        for (const { job, delivery, attempts } of batch) {
          const rest = sendMessage(job, delivery, attempts)
          claimedUnsent -= 1
          wakeFeeder()
          if (rest !== undefined) yield* rest
        }
      }).pipe(Effect.uninterruptible)

      const pump = Effect.gen(function* () {
        for (;;) {
          // The session is ending: the scope interrupts this fiber in a moment.
          if (!sending()) return yield* Effect.never
          if (resends.length > 0) yield* sendDueResends
          if (ready.length > 0) yield* sendReady
          else if (resends.length > 0) yield* Effect.sleep("5 millis")
          else yield* waitForReady
        }
      })
      const onPumpFailure = <A, E, R>(name: string, fiber: Effect.Effect<A, E, R>) =>
        fiber.pipe(
          Effect.catchAllCause((cause) =>
            Effect.logError(`${name} failed`, cause).pipe(Effect.zipRight(Effect.failCause(cause)))
          )
        )
      const pumpFiber = yield* Effect.forkScoped(onPumpFailure("submit pump", pump))
      const feederFiber = yield* Effect.forkScoped(onPumpFailure("submit feeder", feeder))
      // Claimed messages the pump never took go back to the queue, before the unbind drains the rest.
      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          yield* Fiber.interrupt(feederFiber)
          yield* Fiber.interrupt(pumpFiber)
          yield* sendReady
        })
      )
      // Runs first on close: nothing new goes out, and whoever waits wakes up to see it.
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          stopping = true
          wakeCapacityWaiter()
          wakePump()
          wakeFeeder(true)
        })
      )
      const reason = yield* Deferred.await(closed).pipe(
        Effect.raceFirst(
          Fiber.join(pumpFiber).pipe(
            Effect.raceFirst(Fiber.join(feederFiber)),
            Effect.as<CloseReason>({ _tag: "LocalClose" })
          )
        )
      )
      return yield* new SessionEnded({ message: describeClose(reason) })
    })
  )

/** Settle batches smaller than this wait `SETTLE_LINGER` for company. */
const SETTLE_LINGER_BELOW = 32
const SETTLE_LINGER = Duration.millis(3)

const settleLoop = (
  config: BindActorConfig,
  queue: Queue.Queue<SettledMessage>,
  transitions: MessageTransitions,
  correlations: typeof CorrelationStore.Service,
  bus: typeof Bus.Service,
  done: (message: SettledMessage) => void
) =>
  // Uninterruptible once outcomes are taken: a shutdown never drops a batch between queue and Postgres.
  Effect.uninterruptibleMask((restore) =>
    restore(Queue.takeBetween(queue, 1, 1_000)).pipe(
      // A handful of outcomes waits a moment for more: a transaction, a Redis write and a publish per
      // batch cost the same for 5 messages as for 500.
      Effect.flatMap((first) =>
        first.length >= SETTLE_LINGER_BELOW
          ? Effect.succeed(first)
          : Effect.sleep(SETTLE_LINGER).pipe(
              Effect.zipRight(Queue.takeUpTo(queue, 1_000 - first.length)),
              Effect.map((more) => Chunk.appendAll(first, more))
            )
      ),
      Effect.flatMap((chunk) => {
        const batch = [...chunk]
        return settleBatch(config, batch, transitions, correlations, bus).pipe(
          Effect.ensuring(Effect.sync(() => batch.forEach(done)))
        )
      })
    )
  ).pipe(Effect.forever)

/**
 * Records a batch of outcomes (one transaction), then the correlations receipts will look up, then
 * settles the bus deliveries: acked once Postgres has the outcome, or redelivered later for a retry;
 * a message a late resp sent back to the queue is published again. Uninterruptible, so a shutdown
 * never loses outcomes that were already taken from the queue.
 */
const settleBatch = (
  config: BindActorConfig,
  batch: ReadonlyArray<SettledMessage>,
  transitions: MessageTransitions,
  correlations: typeof CorrelationStore.Service,
  bus: typeof Bus.Service
) =>
  Effect.gen(function* () {
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
                    ttlSeconds: m.job.validitySeconds + config.tuning.correlationGraceSeconds
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
    const republish: Array<SubmitJob> = []
    for (const m of batch) {
      const fate = m.fate
      switch (fate._tag) {
        case "Ack":
          m.delivery.ackNow()
          break
        case "Retry":
          if (requeued.has(m.job.messageId as MessageId)) m.delivery.nakNow(fate.delayMs)
          else m.delivery.ackNow()
          break
        case "None":
          break
        case "Republish": {
          if (requeued.has(m.job.messageId as MessageId))
            republish.push(new SubmitJob({ ...m.job, attempt: fate.attempt }, true))
          break
        }
      }
    }
    yield* publishSubmitJobs(bus, republish).pipe(
      Effect.catchAll((error) =>
        Effect.logWarning("re-publish after a late refusal failed; the outbox sweeper will", error)
      )
    )
    yield* publishStatusChanges(bus, changes)
  }).pipe(Effect.uninterruptible)

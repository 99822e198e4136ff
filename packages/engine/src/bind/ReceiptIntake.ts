import {
  type BindId,
  encodeReceiptEvent,
  type OperatorId,
  parseReceipt,
  type ReceiptEvent
} from "@volley/core"
import { Effect, Either, Queue } from "effect"
import type smpp from "smpp"
import { Bus } from "../bus/Bus.js"
import type { DeliverHandler, DeliverRespond } from "../smpp/SmppClient.js"

const ESME_ROK = 0x00000000
/** "Temporary application error": the SMSC keeps the receipt and delivers it again later. */
const ESME_RX_T_APPN = 0x00000064

interface Pending {
  readonly msgId: string
  readonly data: Uint8Array
  readonly respond: DeliverRespond
}

export interface ReceiptIntakeOptions {
  readonly bindId: BindId
  readonly operatorId: OperatorId
  /** Receipts waiting for the bus at most; beyond it the SMSC is asked to retry later. */
  readonly capacity?: number | undefined
}

const textOf = (message: smpp.DecodedMessage | undefined): string => {
  if (message === undefined) return ""
  if (Buffer.isBuffer(message)) return message.toString("latin1")
  return typeof message.message === "string" ? message.message : message.message.toString("latin1")
}

/**
 * Receipts off the wire, onto the bus (`volley.dlr.<bind>`) in batches. A deliver_sm is answered only
 * once its receipt is stored in JetStream; if the bus is full or failing the SMSC is told to retry
 * (ESME_RX_T_APPN), so a receipt is never acknowledged and lost. Receipts are parsed here, where the
 * PDU is, so the correlator works on a small typed event.
 */
export const makeReceiptIntake = (options: ReceiptIntakeOptions) =>
  Effect.gen(function* () {
    const bus = yield* Bus
    const queue = yield* Queue.bounded<Pending>(options.capacity ?? 10_000)
    const counts = { receipts: 0, malformed: 0, mo: 0, retryLater: 0 }

    const flush = Queue.takeBetween(queue, 1, 1_000).pipe(
      Effect.flatMap((chunk) => {
        const batch = [...chunk]
        return bus.publishReceipts(options.bindId, batch).pipe(
          Effect.match({
            onSuccess: () => {
              for (const p of batch) p.respond(ESME_ROK)
            },
            onFailure: () => {
              counts.retryLater += batch.length
              for (const p of batch) p.respond(ESME_RX_T_APPN)
            }
          })
        )
      }),
      Effect.forever
    )
    yield* Effect.forkScoped(flush)

    const onDeliver: DeliverHandler = (pdu, respond) => {
      const parsed = parseReceipt({
        esmClass: pdu.esm_class ?? 0,
        shortMessage: textOf(pdu.short_message) || textOf(pdu.message_payload),
        tlvs: {
          receiptedMessageId: pdu.receipted_message_id,
          messageState: pdu.message_state,
          networkErrorCode: pdu.network_error_code
        }
      })
      if (Either.isLeft(parsed)) {
        if (parsed.left._tag === "NotAReceipt") counts.mo += 1
        else counts.malformed += 1
        // MO routing comes with the inbound-SMS work; a malformed receipt would only be redelivered forever.
        respond(ESME_ROK)
        return
      }
      const receipt = parsed.right
      counts.receipts += 1
      const event: typeof ReceiptEvent.Encoded = {
        bindId: options.bindId,
        operatorId: options.operatorId,
        smscMessageId: receipt.smscMessageId,
        status: receipt.status,
        stat: receipt.stat,
        err: receipt.err,
        doneAt: receipt.doneDate?.getTime(),
        receivedAt: Date.now(),
        raw: textOf(pdu.short_message).slice(0, 200)
      }
      const offered = Queue.unsafeOffer(queue, {
        msgId: `${options.operatorId}:${receipt.smscMessageId}:${receipt.stat}`,
        data: encodeReceiptEvent(event),
        respond
      })
      if (!offered) {
        counts.retryLater += 1
        respond(ESME_RX_T_APPN)
      }
    }

    return { onDeliver, counts } as const
  })

export const ReceiptIntake = { make: makeReceiptIntake }

import { RECEIPT_STATS, type ReceiptStat } from "./SimulatorConfig.js"

/** What one account (or the whole simulator) has seen and sent. Plain numbers, bumped on the hot path. */
export interface SimulatorCounters {
  /** Successful binds. */
  binds: number
  /** Binds answered with an error status (wrong password, refused, unknown system_id, already bound). */
  bindsRefused: number
  /** PDUs read from clients, whatever they were. */
  pdusReceived: number
  /** submit_sm received, whatever became of them. */
  submits: number
  /** submit_sm the SMSC took (answered ESME_ROK, or never/late answered): an id was assigned. */
  accepted: number
  /** Accepted submits whose key (destination, data_coding, short_message bytes) had not been seen before. */
  uniqueMessages: number
  /** Accepted submits whose key had been seen before: a message sent twice. */
  duplicates: number
  /** submit_sm_resp sent, by command_status. */
  submitResps: Record<number, number>
  genericNacks: number
  /** Accepted submits left unanswered on purpose (neverAnswerRatio). */
  unanswered: number
  receiptsSent: number
  receiptsByStat: Record<ReceiptStat, number>
  /** Receipts and MO waiting for a receiver-capable session of the account. */
  deliveriesPending: number
  /** Deliveries dropped because too many were waiting for a receiver. */
  deliveriesDiscarded: number
  /** deliver_sm written again: unacked when their connection closed, or answered with a temporary error. */
  redeliveries: number
  deliverSmResps: number
  /** deliver_sm_resp with a non-zero command_status. */
  deliverSmRespErrors: number
  moSent: number
  enquireLinks: number
  /** unbind received from clients. */
  unbinds: number
  /** unbind sent by the simulator (unbindAfterSubmits). */
  unbindsSent: number
  /** Connections closed, by either side. */
  disconnects: number
  /** Connections the simulator closed on purpose (dropAfterPdus, dropConnections). */
  drops: number
  malformedSent: number
  oversizedSent: number
  /** Connections closed because the client's bytes could not be decoded. */
  decodeErrors: number
}

export const emptyCounters = (): SimulatorCounters => ({
  binds: 0,
  bindsRefused: 0,
  pdusReceived: 0,
  submits: 0,
  accepted: 0,
  uniqueMessages: 0,
  duplicates: 0,
  submitResps: {},
  genericNacks: 0,
  unanswered: 0,
  receiptsSent: 0,
  receiptsByStat: { DELIVRD: 0, UNDELIV: 0, EXPIRED: 0, REJECTD: 0 },
  deliveriesPending: 0,
  deliveriesDiscarded: 0,
  redeliveries: 0,
  deliverSmResps: 0,
  deliverSmRespErrors: 0,
  moSent: 0,
  enquireLinks: 0,
  unbinds: 0,
  unbindsSent: 0,
  disconnects: 0,
  drops: 0,
  malformedSent: 0,
  oversizedSent: 0,
  decodeErrors: 0
})

type NumericKey = {
  [K in keyof SimulatorCounters]: SimulatorCounters[K] extends number ? K : never
}[keyof SimulatorCounters]

const NUMERIC_KEYS = Object.keys(emptyCounters()).filter(
  (key) => typeof emptyCounters()[key as keyof SimulatorCounters] === "number"
) as ReadonlyArray<NumericKey>

/** Adds `from` into `into` (used for the total and for snapshots). */
export const addCounters = (into: SimulatorCounters, from: SimulatorCounters): SimulatorCounters => {
  for (const key of NUMERIC_KEYS) into[key] += from[key]
  for (const [status, count] of Object.entries(from.submitResps)) {
    const code = Number(status)
    into.submitResps[code] = (into.submitResps[code] ?? 0) + count
  }
  for (const stat of RECEIPT_STATS) into.receiptsByStat[stat] += from.receiptsByStat[stat]
  return into
}

/** A detached copy, safe to keep while the simulator keeps counting. */
export const copyCounters = (counters: SimulatorCounters): SimulatorCounters =>
  addCounters(emptyCounters(), counters)

export interface SimulatorCounts {
  /** Every account together, plus activity before any bind (e.g. refused unknown system_ids). */
  readonly total: SimulatorCounters
  readonly bySystemId: Readonly<Record<string, SimulatorCounters>>
}

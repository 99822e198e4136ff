import { Schema } from "effect"

/**
 * How one simulated account (an SMPP system_id) behaves. Flat on purpose: tests flip single behaviours
 * mid-run with `configure(systemId, { neverAnswerRatio: 1 })`. Ratios are probabilities per submit_sm
 * drawn from the simulator's seeded generator; counts and delays of 0 switch a behaviour off.
 */

const Ratio = Schema.Number.pipe(Schema.between(0, 1))
const Millis = Schema.Number.pipe(Schema.nonNegative())
const Count = Schema.Number.pipe(Schema.int(), Schema.nonNegative())
/** An SMPP command_status. */
const Status = Schema.Number.pipe(Schema.int(), Schema.between(0, 0xffffffff))

/** Final states a receipt can report, as written after `stat:` in the receipt text. */
export const ReceiptStat = Schema.Literal("DELIVRD", "UNDELIV", "EXPIRED", "REJECTD")
export type ReceiptStat = typeof ReceiptStat.Type
export const RECEIPT_STATS: ReadonlyArray<ReceiptStat> = ReceiptStat.literals

/** Relative weights of the receipt states; missing states weigh 0. */
export const ReceiptMix = Schema.Struct({
  DELIVRD: Schema.optional(Millis),
  UNDELIV: Schema.optional(Millis),
  EXPIRED: Schema.optional(Millis),
  REJECTD: Schema.optional(Millis)
})
export type ReceiptMix = typeof ReceiptMix.Type

export const SimulatorAccountSettings = Schema.Struct({
  password: Schema.String,
  /** When non-zero every bind is refused with this status (e.g. 0x0D ESME_RBINDFAIL, 0x0E ESME_RINVPASWD). */
  refuseBindStatus: Status,

  /** submit_sm_resp latency, plus a uniform 0..jitter on top. */
  submitRespDelayMs: Millis,
  submitRespJitterMs: Millis,

  /** How SMSC message ids are written in submit_sm_resp. */
  messageIdFormat: Schema.Literal("decimal", "hex"),
  /** Pad ids with leading zeros to this many characters (0: no padding). */
  messageIdWidth: Count,

  /** Receipts are sent when registered_delivery asks for them and this is on. */
  receiptsEnabled: Schema.Boolean,
  receiptDelayMs: Millis,
  receiptJitterMs: Millis,
  receiptMix: ReceiptMix,
  /** "tlv+text": receipted_message_id (0x001E) and message_state (0x0427) TLVs and the text; "text": text only. */
  receiptMode: Schema.Literal("tlv+text", "text"),
  /**
   * The id in receipts: "same" as in the resp, or "decimal"/"hex" without padding — set it to the format
   * the resp does not use for an SMSC that writes hex in one place and decimal in the other.
   */
  receiptIdFormat: Schema.Literal("same", "decimal", "hex"),
  /** Fraction of accepted submits whose receipt goes out at once, before their submit_sm_resp. */
  receiptBeforeRespRatio: Ratio,

  /** submit_sm per second per account (token bucket, one second of burst); beyond it ESME_RTHROTTLED. 0: no cap. */
  tps: Count,
  /** Fraction answered ESME_RMSGQFUL (0x14). */
  queueFullRatio: Ratio,
  /** Fraction answered permanentErrorStatus. */
  permanentErrorRatio: Ratio,
  permanentErrorStatus: Status,

  /** Fraction accepted (an id is assigned, receipts follow) but never answered. */
  neverAnswerRatio: Ratio,
  /** Fraction answered lateRespDelayMs late (after a client's response timeout, typically). */
  lateRespRatio: Ratio,
  lateRespDelayMs: Millis,
  /** Fraction answered with generic_nack (command_status genericNackStatus) instead of submit_sm_resp. */
  genericNackRatio: Ratio,
  /** false: the generic_nack carries sequence number 0, so the client cannot match it to its request. */
  genericNackWithSequence: Schema.Boolean,
  genericNackStatus: Status,
  /** Close a connection once it has carried this many PDUs from the client (all answered). 0: never. */
  dropAfterPdus: Count,
  /** Send unbind once a connection has carried this many submit_sm. 0: never. */
  unbindAfterSubmits: Count
})
export type SimulatorAccountSettings = typeof SimulatorAccountSettings.Type

/** Partial settings: what an account overrides at start or a test changes at run time. */
export const SimulatorAccountConfig = Schema.partial(SimulatorAccountSettings)
export type SimulatorAccountConfig = typeof SimulatorAccountConfig.Type

/** A well-behaved SMSC: instant answers, decimal ids, every receipt DELIVRD 50 ms later. */
export const DEFAULT_ACCOUNT_SETTINGS: SimulatorAccountSettings = {
  password: "secret",
  refuseBindStatus: 0,
  submitRespDelayMs: 0,
  submitRespJitterMs: 0,
  messageIdFormat: "decimal",
  messageIdWidth: 0,
  receiptsEnabled: true,
  receiptDelayMs: 50,
  receiptJitterMs: 0,
  receiptMix: { DELIVRD: 1 },
  receiptMode: "tlv+text",
  receiptIdFormat: "same",
  receiptBeforeRespRatio: 0,
  tps: 0,
  queueFullRatio: 0,
  permanentErrorRatio: 0,
  permanentErrorStatus: 0x0b,
  neverAnswerRatio: 0,
  lateRespRatio: 0,
  lateRespDelayMs: 0,
  genericNackRatio: 0,
  genericNackWithSequence: true,
  genericNackStatus: 0x08,
  dropAfterPdus: 0,
  unbindAfterSubmits: 0
}

/** `base` with the fields `patch` sets (an undefined field leaves the base value). */
export const mergeAccountSettings = (
  base: SimulatorAccountSettings,
  patch: SimulatorAccountConfig
): SimulatorAccountSettings => {
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) merged[key] = value
  }
  return merged as SimulatorAccountSettings
}

/** The operators of DESIGN.md §5 plus the international route: password "secret", receipts DELIVRD after 50 ms. */
export const DEFAULT_ACCOUNTS: Readonly<Record<string, SimulatorAccountConfig>> = {
  kyivstar: {},
  vodafone: {},
  lifecell: {},
  utel: {},
  peoplenet: {},
  intertelecom: {},
  international: {}
}

/** The file `smsc-sim --config file.json` reads. */
export const SimulatorFileConfig = Schema.Struct({
  accounts: Schema.optional(Schema.Record({ key: Schema.String, value: SimulatorAccountConfig })),
  /** Applied under every account's own settings. */
  defaults: Schema.optional(SimulatorAccountConfig),
  seed: Schema.optional(Schema.Number)
})
export type SimulatorFileConfig = typeof SimulatorFileConfig.Type

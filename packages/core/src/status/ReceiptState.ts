import { Option } from "effect"
import type { ReceiptStatus } from "./statuses.js"

/**
 * Receipt states → DeliveryStatus. Decisions:
 * - DELETED (4) → UNDELIV: the SMSC dropped it (administratively), it will never be delivered.
 * - ACCEPTED (6) / ACCEPTD → ENROUTE: per spec "read on behalf of the subscriber by customer service",
 *   but in the wild many SMSCs send it as an intermediate "accepted by the network"; ENROUTE is the safe
 *   reading: a later final receipt still settles it and the NOREPORT sweep covers silence.
 * - UNKNOWN (7) → NOREPORT: the SMSC gave up without knowing the outcome; that is exactly NOREPORT
 *   (terminal for reporting, not charged back, still settled by a later real receipt). Not UNDELIV: we
 *   do not claim a failure nobody observed.
 * - SMPP 5.0 extras: SCHEDULED (0) → ENROUTE, SKIPPED (9) → UNDELIV.
 */
const BY_MESSAGE_STATE: ReadonlyArray<ReceiptStatus> = [
  "ENROUTE", // 0 SCHEDULED (SMPP 5.0)
  "ENROUTE", // 1 ENROUTE
  "DELIVRD", // 2 DELIVERED
  "EXPIRED", // 3 EXPIRED
  "UNDELIV", // 4 DELETED
  "UNDELIV", // 5 UNDELIVERABLE
  "ENROUTE", // 6 ACCEPTED
  "NOREPORT", // 7 UNKNOWN
  "REJECTD", // 8 REJECTED
  "UNDELIV" // 9 SKIPPED (SMPP 5.0)
]

const MESSAGE_STATE_NAMES: ReadonlyArray<string> = [
  "SCHEDULED",
  "ENROUTE",
  "DELIVERED",
  "EXPIRED",
  "DELETED",
  "UNDELIVERABLE",
  "ACCEPTED",
  "UNKNOWN",
  "REJECTED",
  "SKIPPED"
]

/** The message_state TLV (0x0427) value's name, e.g. 2 → "DELIVERED". */
export const messageStateName = (state: number): string | undefined => MESSAGE_STATE_NAMES[state]

export const statusFromMessageState = (state: number): Option.Option<ReceiptStatus> =>
  Option.fromNullable(BY_MESSAGE_STATE[state])

/** Text `stat:` values (the 7-letter forms and the full words some SMSCs write), matched case-insensitively. */
const BY_STAT: ReadonlyMap<string, ReceiptStatus> = new Map<string, ReceiptStatus>([
  ["DELIVRD", "DELIVRD"],
  ["DELIVERED", "DELIVRD"],
  ["EXPIRED", "EXPIRED"],
  ["DELETED", "UNDELIV"],
  ["UNDELIV", "UNDELIV"],
  ["UNDELIVERABLE", "UNDELIV"],
  ["ACCEPTD", "ENROUTE"],
  ["ACCEPTED", "ENROUTE"],
  ["UNKNOWN", "NOREPORT"],
  ["REJECTD", "REJECTD"],
  ["REJECTED", "REJECTD"],
  ["ENROUTE", "ENROUTE"],
  ["SCHEDULED", "ENROUTE"]
])

export const statusFromStat = (stat: string): Option.Option<ReceiptStatus> =>
  Option.fromNullable(BY_STAT.get(stat.toUpperCase()))

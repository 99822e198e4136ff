import type { ReceiptStat } from "./SimulatorConfig.js"

/** A deliver_sm the simulator owes an account: a receipt or an MO part. Kept until the client acks it. */
export interface Delivery {
  readonly kind: "receipt" | "mo"
  /** The state a receipt reports. */
  readonly stat: ReceiptStat | undefined
  /** Encoded once; the sequence number is set each time it is sent. */
  readonly pdu: Buffer
  /** Times written to a connection; above 1 it is a redelivery after a lost connection or a temporary error. */
  sends: number
}

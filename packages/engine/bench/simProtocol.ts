/** The IPC messages between the bench and its simulator child (plain JSON over the fork channel). */

export interface CounterSlice {
  readonly binds: number
  readonly submits: number
  readonly uniqueMessages: number
  readonly duplicates: number
  readonly receiptsSent: number
  readonly deliverSmResps: number
  readonly deliverSmRespErrors: number
  readonly redeliveries: number
  readonly deliveriesPending: number
  readonly disconnects: number
  readonly submitResps: Readonly<Record<string, number>>
}

export interface CountsSnapshot {
  /** Date.now() in the child when the counts were read. */
  readonly at: number
  readonly total: CounterSlice
  readonly bySystemId: Readonly<Record<string, CounterSlice>>
  /** The child's resident set size, bytes. */
  readonly rss: number
  /** The child's CPU time so far (user + system), µs. */
  readonly cpuMicros: number
}

export type ParentMessage = { readonly type: "counts"; readonly id: number } | { readonly type: "stop" }

export type ChildMessage =
  | { readonly type: "ready"; readonly port: number }
  | { readonly type: "counts"; readonly id: number; readonly snapshot: CountsSnapshot }

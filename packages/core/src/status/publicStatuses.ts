// Plain data, apart from statuses.ts: the admin UI imports this list without bundling Schema.

/** What senders see: SUBMITTING is shown as ENROUTE. */
export const publicStatuses = [
  "QUEUED",
  "ENROUTE",
  "DELIVRD",
  "UNDELIV",
  "EXPIRED",
  "REJECTD",
  "FAILED",
  "NOREPORT"
] as const
export type PublicStatus = (typeof publicStatuses)[number]

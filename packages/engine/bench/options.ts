import { parseArgs } from "node:util"

/** What `npm run bench -- …` may change; every figure in docs/benchmarks.md names the options it ran with. */
export interface BenchOptions {
  /** Messages through the engine (N). */
  readonly messages: number
  /** Messages sent (and followed to their final status) before the measured ones, not counted. */
  readonly warmup: number
  /** Messages the raw node-smpp client sends for the ceiling (0: skip the raw run). */
  readonly rawMessages: number
  /** Engine binds on the one route, and each bind's window (the raw client uses `window` too). */
  readonly binds: number
  readonly window: number
  /** Messages per `SendService.accept` call, and how many calls are in flight at once. */
  readonly batch: number
  readonly inFlight: number
  /** Accept at most this many messages per second (0: as fast as the engine takes them). */
  readonly rate: number
  /** The simulator's receipt delay (DELIVRD after this long). */
  readonly receiptDelayMs: number
  /** The whole run gives up (and cleans up) after this long. */
  readonly deadlineSeconds: number
  /** Sampling period of the monitor (statuses, counts, RSS). */
  readonly sampleMs: number
  /** Write a CPU profile of the engine phase and print its top costs. */
  readonly profile: boolean
  /** Engine logs at Info instead of Warning. */
  readonly verbose: boolean
  /**
   * Leave the run's schema (and its messages) in PostgreSQL for a post-mortem; streams, keys and the
   * simulator are still removed. A later run drops it once it is 15 minutes old.
   */
  readonly keep: boolean
}

/** A whole-number option (`_` allowed as a digit separator), at least `min`. */
export const int = (name: string, value: string | undefined, fallback: number, min = 0): number => {
  if (value === undefined) return fallback
  const n = Number(value.replaceAll("_", ""))
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${value}`)
  return n
}

const usage = `npm run bench -- [--messages 100000] [--warmup 5000] [--raw-messages N] [--binds 1] [--window 100]
  [--batch 1000] [--in-flight 4] [--rate 0] [--receipt-delay-ms 20] [--deadline-s 290]
  [--sample-ms 250] [--profile] [--verbose] [--keep]`

export const parseOptions = (argv: ReadonlyArray<string>): BenchOptions => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      messages: { type: "string" },
      "raw-messages": { type: "string" },
      warmup: { type: "string" },
      binds: { type: "string" },
      window: { type: "string" },
      batch: { type: "string" },
      "in-flight": { type: "string" },
      rate: { type: "string" },
      "receipt-delay-ms": { type: "string" },
      "deadline-s": { type: "string" },
      "sample-ms": { type: "string" },
      profile: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", default: false }
    },
    strict: true
  })
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  const messages = int("messages", values.messages, 100_000, 1)
  if (messages > 9_000_000) throw new Error("--messages: at most 9,000,000")
  return {
    messages,
    warmup: int("warmup", values.warmup, 5_000),
    rawMessages: int("raw-messages", values["raw-messages"], Math.min(messages, 50_000)),
    binds: int("binds", values.binds, 1, 1),
    window: int("window", values.window, 100, 1),
    batch: int("batch", values.batch, 1_000, 1),
    inFlight: int("in-flight", values["in-flight"], 4, 1),
    rate: int("rate", values.rate, 0),
    receiptDelayMs: int("receipt-delay-ms", values["receipt-delay-ms"], 20),
    deadlineSeconds: int("deadline-s", values["deadline-s"], 290, 10),
    sampleMs: int("sample-ms", values["sample-ms"], 250, 50),
    profile: values.profile,
    verbose: values.verbose,
    keep: values.keep
  }
}

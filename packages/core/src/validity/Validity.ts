import { Duration, Either, Schema } from "effect"
import { InvalidValidityPeriod, type ValidityProblem } from "./errors.js"

export * from "./SmppTime.js"

/** Operators with a known default validity (DESIGN.md §5); routes name their operator by this code. */
export const OperatorCode = Schema.Literal(
  "lifecell",
  "kyivstar",
  "vodafone",
  "utel",
  "peoplenet",
  "intertelecom"
)
export type OperatorCode = typeof OperatorCode.Type

/** How long each operator keeps trying a message when the sender sets no validity period. */
export const operatorDefaultValidity: { readonly [K in OperatorCode]: Duration.Duration } = {
  lifecell: Duration.hours(24),
  kyivstar: Duration.hours(72), // includes the former Beeline ranges
  vodafone: Duration.hours(72),
  utel: Duration.hours(72),
  peoplenet: Duration.hours(72),
  intertelecom: Duration.hours(24)
}

/** The operator's default validity, or `fallback` for an operator not in the table. */
export const defaultValidityFor = (operator: string, fallback: Duration.Duration): Duration.Duration =>
  Object.hasOwn(operatorDefaultValidity, operator)
    ? operatorDefaultValidity[operator as OperatorCode]
    : fallback

export const MIN_VALIDITY = Duration.minutes(1)
export const MAX_VALIDITY = Duration.days(7)
const MIN_MS = Duration.toMillis(MIN_VALIDITY)
const MAX_MS = Duration.toMillis(MAX_VALIDITY)

const problemOf = (ms: number): ValidityProblem | undefined => {
  if (!Number.isFinite(ms)) return "NOT_FINITE" // NaN too
  if (ms < MIN_MS) return "TOO_SHORT"
  if (ms > MAX_MS) return "TOO_LONG"
  return undefined
}

export interface ValidityRequest {
  /** The sender's validity period: a Duration, or a number of seconds (as the HTTP API takes it). */
  readonly requested?: Duration.Duration | number | undefined
  /** The route operator's default (see `defaultValidityFor`), used when nothing was requested. */
  readonly operatorDefault: Duration.Duration
}

/**
 * The validity period to submit with: the requested one if it lies within 1 minute..7 days, otherwise an
 * error; the operator's default (taken as configured) when none was requested.
 */
export const resolveValidity = ({
  requested,
  operatorDefault
}: ValidityRequest): Either.Either<Duration.Duration, InvalidValidityPeriod> => {
  if (requested === undefined) return Either.right(operatorDefault)
  const ms = typeof requested === "number" ? requested * 1_000 : Duration.toMillis(requested)
  const reason = problemOf(ms)
  if (reason === undefined) {
    return Either.right(typeof requested === "number" ? Duration.seconds(requested) : requested)
  }
  return Either.left(
    new InvalidValidityPeriod({
      reason,
      requestedSeconds: ms / 1_000,
      minSeconds: MIN_MS / 1_000,
      maxSeconds: MAX_MS / 1_000
    })
  )
}

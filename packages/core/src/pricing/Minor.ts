import { Either, Schema } from "effect"
import { InvalidAmount } from "./errors.js"

/** Money in integer minor units (kopecks, cents): a safe, non-negative integer. No floats anywhere. */
export const Minor = Schema.NonNegativeInt.pipe(Schema.brand("Minor"))
export type Minor = typeof Minor.Type

export const makeMinor = (amount: number): Either.Either<Minor, InvalidAmount> =>
  Number.isSafeInteger(amount) && amount >= 0
    ? Either.right(amount as Minor)
    : Either.left(new InvalidAmount({ amount }))

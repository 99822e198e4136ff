import { Either, Schema } from "effect"
import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberFromString as libParse,
  type PhoneNumber,
  validatePhoneNumberLength
} from "libphonenumber-js/core"
// The full ("max") metadata knows each country's number ranges, so isValid() is exact; loaded once.
import metadata from "libphonenumber-js/max/metadata"
import { InvalidPhoneNumber, type PhoneNumberProblem } from "./errors.js"

export type { CountryCode } from "libphonenumber-js/core"

/** A phone number in E.164 form: "+", country code, subscriber number; 7–15 digits in all. */
export const E164 = Schema.String.pipe(Schema.pattern(/^\+[1-9]\d{6,14}$/), Schema.brand("E164"))
export type E164 = typeof E164.Type

/** An ISO 3166-1 alpha-2 country the numbering plan knows ("UA"), e.g. to read national numbers. */
export const Country = Schema.String.pipe(
  Schema.filter((code): code is CountryCode => isSupportedCountry(code as CountryCode, metadata), {
    message: () => "a country code such as UA (ISO 3166-1 alpha-2, upper case)"
  })
)

const fail = (input: string, reason: PhoneNumberProblem) =>
  Either.left(new InvalidPhoneNumber({ input, reason }))

// Characters people put between digits: space, tab, no-break spaces; - . ( ) /
const isSeparator = (c: number): boolean =>
  c === 32 ||
  c === 45 ||
  c === 40 ||
  c === 41 ||
  c === 46 ||
  c === 47 ||
  c === 9 ||
  c === 0xa0 ||
  c === 0x2007 ||
  c === 0x202f

/**
 * Reduces the input to its digits, in one pass with no regex: "+380 (67) 123-45-67" → international
 * "380671234567". "00" is read as the international prefix everywhere (the ITU-recommended one, used
 * across Europe; national numbers don't begin with it), so "00380…" works without a default country.
 * Letters are refused rather than read as vanity digits or an extension: an SMS can't go to "ext. 12".
 * Returns a problem, or `[international, digits]`.
 */
const scan = (input: string): PhoneNumberProblem | readonly [boolean, string] => {
  let digits = ""
  let plus = false
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      digits += input[i]
    } else if (c === 43 /* + */) {
      if (plus || digits.length > 0) return "NOT_A_NUMBER"
      plus = true
    } else if (!isSeparator(c)) {
      return "NOT_A_NUMBER"
    }
  }
  if (digits.length === 0) return input.trim() === "" ? "EMPTY" : "NOT_A_NUMBER"
  if (!plus && digits.charCodeAt(0) === 48 && digits.charCodeAt(1) === 48) return [true, digits.slice(2)]
  return [plus, digits]
}

// A valid number's `.number` is E.164 by construction, so the brand is applied without re-checking.
const asValid = (phone: PhoneNumber | undefined): PhoneNumber | undefined =>
  phone?.isValid() && phone.ext === undefined ? phone : undefined

// Only on the failure path: a second look tells "too short/long" apart from "not in the plan".
const problemOf = (text: string, country: CountryCode | undefined): PhoneNumberProblem => {
  const problem =
    country === undefined
      ? validatePhoneNumberLength(text, metadata)
      : validatePhoneNumberLength(text, country, metadata)
  return problem === undefined || problem === "INVALID_LENGTH" ? "INVALID_NUMBER" : problem
}

/**
 * Parses a number as people type it into E.164.
 * - "+380 67 123 45 67", "00380671234567": international.
 * - "0671234567": national, needs `defaultCountry` ("UA").
 * - "380671234567": with a default country, tried first as that country's national number, then as an
 *   international number without its "+"; with none, read as international (the MSISDN form SMPP uses).
 */
export const parsePhoneNumber = (
  input: string,
  defaultCountry?: CountryCode
): Either.Either<E164, InvalidPhoneNumber> => Either.map(parse(input, defaultCountry), (phone) => phone.e164)

/**
 * As `parsePhoneNumber`, with the number's country from the same parse: the send path needs both
 * (pricing is per country) and parsing twice costs a libphonenumber pass per recipient.
 */
export const parsePhoneNumberWithCountry = (
  input: string,
  defaultCountry?: CountryCode
): Either.Either<{ readonly e164: E164; readonly country: CountryCode | undefined }, InvalidPhoneNumber> =>
  parse(input, defaultCountry)

const found = (phone: PhoneNumber) =>
  Either.right({ e164: phone.number as E164, country: phone.country as CountryCode | undefined })

const parse = (input: string, defaultCountry: CountryCode | undefined) => {
  const scanned = scan(input)
  if (typeof scanned === "string") return fail(input, scanned)
  const [international, digits] = scanned
  // E.164 caps numbers at 15 digits; refusing here spares the library the work.
  if (digits.length > 15 && (international || defaultCountry === undefined)) return fail(input, "TOO_LONG")

  const plusDigits = `+${digits}`
  if (international || defaultCountry === undefined) {
    const phone = asValid(libParse(plusDigits, metadata))
    return phone !== undefined ? found(phone) : fail(input, problemOf(plusDigits, undefined))
  }
  const national = asValid(libParse(digits, defaultCountry, metadata))
  if (national !== undefined) return found(national)
  const asInternational = digits.length <= 15 ? asValid(libParse(plusDigits, metadata)) : undefined
  if (asInternational !== undefined) return found(asInternational)
  // The sender meant the default country (that's why it was given): explain the failure in its terms.
  return fail(input, problemOf(digits, defaultCountry))
}

/** The ISO 3166-1 country of a number (from its number range, e.g. +44 7911 → GG), if it has one. */
export const countryOf = (e164: E164): CountryCode | undefined => libParse(e164, metadata)?.country

/**
 * Whether the number is a mobile one. NANP (+1) ranges don't distinguish mobile from fixed lines, so
 * "fixed line or mobile" counts as mobile there: SMS usually reaches them.
 */
export const isMobile = (e164: E164): boolean => {
  const type = libParse(e164, metadata)?.getType()
  return type === "MOBILE" || type === "FIXED_LINE_OR_MOBILE"
}

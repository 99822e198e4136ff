import { Schema } from "effect"
import { AccountId } from "../schema/ids.js"

/** A new account starts in test mode (DESIGN.md §6) until an operator activates it. */
export const AccountMode = Schema.Literal("test", "active", "suspended")
export type AccountMode = typeof AccountMode.Type

export const UnknownOutcomePolicy = Schema.Literal("at_most_once", "at_least_once")
export type UnknownOutcomePolicy = typeof UnknownOutcomePolicy.Type

export class Account extends Schema.Class<Account>("Account")({
  id: AccountId,
  name: Schema.NonEmptyTrimmedString,
  mode: AccountMode,
  balanceMinor: Schema.Int,
  currency: Schema.String,
  maxParts: Schema.Int,
  testDailyCap: Schema.Int,
  timeZone: Schema.String,
  unknownOutcomePolicy: UnknownOutcomePolicy,
  createdAt: Schema.Date,
  activatedAt: Schema.NullOr(Schema.Date)
}) {}

export const LedgerKind = Schema.Literal("bonus", "topup", "charge", "refund", "adjustment")
export type LedgerKind = typeof LedgerKind.Type

/** One append-only ledger row: the balance only ever changes together with one of these. */
export class LedgerEntry extends Schema.Class<LedgerEntry>("LedgerEntry")({
  id: Schema.Int,
  accountId: AccountId,
  amountMinor: Schema.Int,
  balanceAfterMinor: Schema.Int,
  kind: LedgerKind,
  reference: Schema.NullOr(Schema.String),
  note: Schema.NullOr(Schema.String),
  createdAt: Schema.Date
}) {}

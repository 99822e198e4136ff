import { Schema } from "effect"
import { E164 } from "../phone/PhoneNumber.js"
import { AccountId } from "../schema/ids.js"

/** A number an account never sends to (opt-out, complaint); checked per batch on the send path. */
export class BlacklistEntry extends Schema.Class<BlacklistEntry>("BlacklistEntry")({
  accountId: AccountId,
  msisdn: E164,
  reason: Schema.NullOr(Schema.String),
  createdAt: Schema.Date
}) {}

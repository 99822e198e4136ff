import { Schema } from "effect"
import { E164 } from "../phone/PhoneNumber.js"
import { GroupId } from "../schema/ids.js"

/** Per-contact template variables (`{first_name}` …), kept verbatim: keys are not case-transformed. */
export const ContactFields = Schema.Record({ key: Schema.String, value: Schema.String })
export type ContactFields = typeof ContactFields.Type

/** One recipient in a group; `id` orders the group for keyset paging (campaign cursors). */
export class Contact extends Schema.Class<Contact>("Contact")({
  id: Schema.Int,
  groupId: GroupId,
  msisdn: E164,
  name: Schema.NullOr(Schema.String),
  fields: ContactFields,
  createdAt: Schema.Date
}) {}

/** A contact to add: the number already normalised by `parsePhoneNumber`. */
export interface NewContact {
  readonly msisdn: E164
  readonly name?: string | undefined
  readonly fields?: Readonly<Record<string, string>> | undefined
}

/** `added` rows were inserted; `duplicates` were already in the group or repeated within the call. */
export class AddContactsResult extends Schema.Class<AddContactsResult>("AddContactsResult")({
  added: Schema.Int,
  duplicates: Schema.Int
}) {}

import { Schema } from "effect"
import { AccountId, GroupId } from "../schema/ids.js"

export const MAX_GROUP_NAME_LENGTH = 100

/** A group name as stored: trimmed, 1–100 characters; unique within an account (case-sensitive). */
export const GroupName = Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(MAX_GROUP_NAME_LENGTH))

/** A named list of recipients owned by one account; campaigns send to groups. */
export class ContactGroup extends Schema.Class<ContactGroup>("ContactGroup")({
  id: GroupId,
  accountId: AccountId,
  name: Schema.String,
  createdAt: Schema.Date
}) {}

/** A group as its owner lists it: with how many contacts it holds now. */
export class GroupSummary extends Schema.Class<GroupSummary>("GroupSummary")({
  id: GroupId,
  name: Schema.String,
  contacts: Schema.Int,
  createdAt: Schema.Date
}) {}

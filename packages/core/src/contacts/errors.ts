import { Schema } from "effect"
import { GroupId } from "../schema/ids.js"

/** The group does not exist, or belongs to another account (indistinguishable on purpose). */
export class GroupNotFound extends Schema.TaggedError<GroupNotFound>()("GroupNotFound", {
  groupId: GroupId
}) {
  override get message() {
    return `Contact group ${this.groupId} does not exist`
  }
}

export class GroupNameTaken extends Schema.TaggedError<GroupNameTaken>()("GroupNameTaken", {
  name: Schema.String
}) {
  override get message() {
    return `A contact group named "${this.name}" already exists`
  }
}

export class InvalidGroupName extends Schema.TaggedError<InvalidGroupName>()("InvalidGroupName", {
  name: Schema.String
}) {
  override get message() {
    return "A group name must have 1 to 100 characters besides surrounding spaces"
  }
}

export class ContactNotFound extends Schema.TaggedError<ContactNotFound>()("ContactNotFound", {
  groupId: GroupId,
  contactId: Schema.Int
}) {
  override get message() {
    return `Contact ${this.contactId} is not in group ${this.groupId}`
  }
}

/** A number is in a group at most once (the first one added stays as it is). */
export class ContactAlreadyInGroup extends Schema.TaggedError<ContactAlreadyInGroup>()(
  "ContactAlreadyInGroup",
  { groupId: GroupId, msisdn: Schema.String }
) {
  override get message() {
    return `${this.msisdn} is already in group ${this.groupId}`
  }
}

/** The upload can't be read as the file it says it is; nothing of it was added. */
export class MalformedImportFile extends Schema.TaggedError<MalformedImportFile>()("MalformedImportFile", {
  format: Schema.Literal("csv", "xlsx"),
  /** The spreadsheet row (the header is row 1) where reading failed, when the parser knows it. */
  row: Schema.NullOr(Schema.Int),
  detail: Schema.String
}) {
  override get message() {
    const where = this.row === null ? "" : ` at row ${this.row}`
    return `The ${this.format.toUpperCase()} file could not be read${where}: ${this.detail}. Nothing was added.`
  }
}

/** The header row has no phone column, or names a column twice; nothing was added. */
export class InvalidImportHeader extends Schema.TaggedError<InvalidImportHeader>()("InvalidImportHeader", {
  columns: Schema.Array(Schema.String),
  detail: Schema.String
}) {
  override get message() {
    return `The header row ${this.detail}. Nothing was added.`
  }
}

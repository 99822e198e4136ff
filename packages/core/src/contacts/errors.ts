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

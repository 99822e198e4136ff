import { Schema } from "effect"
import { MessageId } from "../schema/ids.js"

export class MessageNotFound extends Schema.TaggedError<MessageNotFound>()("MessageNotFound", {
  messageId: MessageId
}) {
  override get message() {
    return `Message ${this.messageId} does not exist`
  }
}

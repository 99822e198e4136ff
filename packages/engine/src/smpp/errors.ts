import { Schema } from "effect"

/**
 * No SMPP session came up: the TCP connect failed or timed out, or the connection died (or stayed silent)
 * while binding. Transient by nature: the BindActor retries with backoff.
 */
export class ConnectFailed extends Schema.TaggedError<ConnectFailed>()("ConnectFailed", {
  host: Schema.String,
  port: Schema.Number,
  /** "connect": TCP; "bind": connected, but no bind_*_resp came (timeout or connection closed). */
  phase: Schema.Literal("connect", "bind"),
  reason: Schema.Literal("Timeout", "Error", "Closed"),
  message: Schema.String
}) {}

/** The SMSC answered the bind with an error status (credentials, system_type, already bound, …). */
export class BindRefused extends Schema.TaggedError<BindRefused>()("BindRefused", {
  systemId: Schema.String,
  commandStatus: Schema.Number,
  /** The SMPP name of commandStatus, e.g. "ESME_RINVPASWD". */
  name: Schema.String
}) {
  override get message(): string {
    return `bind of "${this.systemId}" refused: ${this.name} (0x${this.commandStatus.toString(16)})`
  }
}

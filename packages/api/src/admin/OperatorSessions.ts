import { createHash, randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql"
import { Config, Effect, Option } from "effect"
import { OperatorAccounts } from "./OperatorAccounts.js"

/** The cookie that carries a signed-in operator's session id. */
export const SESSION_COOKIE = "volley_operator_session"

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000

export interface OperatorSession {
  readonly username: string
  readonly expiresAt: number
}

// Stored by a digest of the id, so the table (or a heap dump) does not hand out live cookies.
const digest = (id: string) => createHash("sha256").update(id, "utf8").digest("base64url")

/**
 * Signed-in operators, in PostgreSQL (`operator_sessions`): a session is a random 256-bit id with an
 * expiry (12 h from sign-in), known to every API process and kept across restarts. It ends at sign-out,
 * at expiry, or when its operator's password changes or the operator leaves `VOLLEY_OPERATORS` (each
 * session keeps the password's fingerprint from its sign-in). Expired rows are deleted at every sign-in,
 * so the table stays as small as the number of sessions of the last 12 hours.
 */
export class OperatorSessions extends Effect.Service<OperatorSessions>()("volley/api/OperatorSessions", {
  effect: Effect.gen(function* () {
    // Off by default so http://127.0.0.1 works; production (behind TLS) marks the cookie Secure.
    const env = yield* Config.string("NODE_ENV").pipe(Config.withDefault("development"))
    const secureCookie = yield* Config.boolean("VOLLEY_OPERATOR_COOKIE_SECURE").pipe(
      Config.withDefault(env === "production")
    )
    const sql = yield* SqlClient.SqlClient
    const accounts = yield* OperatorAccounts

    /** A session is live while its operator's password is the one it was opened with. */
    const stillTheirs = (username: string, fingerprint: string) =>
      Option.match(accounts.fingerprint(username), {
        onNone: () => false,
        onSome: (current) => current === fingerprint
      })

    return {
      secureCookie,
      /** A new session for `username` (a configured operator): its id (the cookie's value) and when it ends. */
      open: (username: string) =>
        Effect.gen(function* () {
          const id = randomBytes(32).toString("base64url")
          const session: OperatorSession = { username, expiresAt: Date.now() + SESSION_TTL_MS }
          const fingerprint = Option.getOrElse(accounts.fingerprint(username), () => "")
          yield* sql`DELETE FROM operator_sessions WHERE expires_at <= now()`
          yield* sql`
            INSERT INTO operator_sessions (id_digest, username, password_fingerprint, expires_at)
            VALUES (${digest(id)}, ${username}, ${fingerprint}, ${new Date(session.expiresAt)})`
          return { id, session }
        }).pipe(Effect.orDie),
      /** The live session with this id, if any. */
      find: (id: string) =>
        sql<{ username: string; passwordFingerprint: string; expiresAt: Date | string }>`
          SELECT username, password_fingerprint, expires_at FROM operator_sessions
          WHERE id_digest = ${digest(id)} AND expires_at > now()`.pipe(
          Effect.map((rows) => {
            const row = rows[0]
            if (row === undefined || !stillTheirs(row.username, row.passwordFingerprint))
              return Option.none<OperatorSession>()
            return Option.some<OperatorSession>({
              username: row.username,
              expiresAt: new Date(row.expiresAt).getTime()
            })
          }),
          Effect.orDie
        ),
      /** Sign-out: the id stops working at once, in every process. */
      close: (id: string) =>
        sql`DELETE FROM operator_sessions WHERE id_digest = ${digest(id)}`.pipe(Effect.asVoid, Effect.orDie)
    } as const
  })
}) {}

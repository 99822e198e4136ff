import { createHash, randomBytes } from "node:crypto"
import { Config, Effect, Option } from "effect"

/** The cookie that carries a signed-in operator's session id. */
export const SESSION_COOKIE = "volley_operator_session"

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000

export interface OperatorSession {
  readonly username: string
  readonly expiresAt: number
}

// The map is keyed by a digest of the id, so a heap dump does not hand out live cookies.
const digest = (id: string) => createHash("sha256").update(id, "utf8").digest("base64url")

/**
 * Signed-in operators, in memory: a session is a random 256-bit id with an expiry (12 h from sign-in).
 * A restart signs everyone out, which is acceptable for a handful of operators and keeps no secret on
 * disk. Expired sessions are dropped when met and on every sign-in, so the map stays small.
 */
export class OperatorSessions extends Effect.Service<OperatorSessions>()("volley/api/OperatorSessions", {
  effect: Effect.gen(function* () {
    // Off by default so http://127.0.0.1 works; production (behind TLS) marks the cookie Secure.
    const env = yield* Config.string("NODE_ENV").pipe(Config.withDefault("development"))
    const secureCookie = yield* Config.boolean("VOLLEY_OPERATOR_COOKIE_SECURE").pipe(
      Config.withDefault(env === "production")
    )
    const sessions = new Map<string, OperatorSession>()

    const dropExpired = (now: number) => {
      for (const [key, session] of sessions) if (session.expiresAt <= now) sessions.delete(key)
    }

    return {
      secureCookie,
      /** A new session for `username`: its id (the cookie's value) and when it ends. */
      open: (username: string) =>
        Effect.sync(() => {
          const now = Date.now()
          dropExpired(now)
          const id = randomBytes(32).toString("base64url")
          const session = { username, expiresAt: now + SESSION_TTL_MS }
          sessions.set(digest(id), session)
          return { id, session }
        }),
      /** The live session with this id, if any. */
      find: (id: string) =>
        Effect.sync(() => {
          const key = digest(id)
          const session = sessions.get(key)
          if (session === undefined) return Option.none<OperatorSession>()
          if (session.expiresAt <= Date.now()) {
            sessions.delete(key)
            return Option.none<OperatorSession>()
          }
          return Option.some(session)
        }),
      /** Sign-out: the id stops working at once. */
      close: (id: string) => Effect.sync(() => void sessions.delete(digest(id)))
    } as const
  })
}) {}

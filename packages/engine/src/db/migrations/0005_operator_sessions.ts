import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The admin UI's operator sessions, kept in the database so a restart does not sign everyone out and
 * every API process knows every session. Only a digest of a session's id is stored (a leaked table hands
 * out no cookies), with a fingerprint of the operator's password at sign-in: a changed password or a
 * removed operator ends their sessions.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE operator_sessions (
      id_digest text PRIMARY KEY,
      username text NOT NULL,
      password_fingerprint text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`
  yield* sql`CREATE INDEX operator_sessions_expiry ON operator_sessions (expires_at)`
})

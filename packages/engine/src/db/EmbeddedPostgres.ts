import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import { Effect } from "effect"

export interface EmbeddedPostgres {
  readonly host: string
  readonly port: number
}

/**
 * PGlite served over the Postgres wire protocol on a loopback port, so the embedded default runs the
 * very same `@effect/sql-pg` code as a real server. Data lives under `dataDir/pgdata` and survives
 * restarts. PGlite is single-connection: the socket server multiplexes, and callers keep one pooled
 * connection so transactions never wait on each other across connections.
 */
export const startEmbeddedPostgres = (dataDir: string) =>
  Effect.acquireRelease(
    Effect.tryPromise(async () => {
      const dir = join(dataDir, "pgdata")
      mkdirSync(dir, { recursive: true })
      const db = await PGlite.create(dir)
      const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 4 })
      await server.start()
      const [host = "127.0.0.1", port = "0"] = server.getServerConn().split(":")
      return { db, server, address: { host, port: Number(port) } satisfies EmbeddedPostgres }
    }),
    ({ db, server }) =>
      Effect.promise(async () => {
        await server.stop()
        await db.close()
      })
  ).pipe(
    Effect.map(({ address }) => address),
    Effect.orDie
  )

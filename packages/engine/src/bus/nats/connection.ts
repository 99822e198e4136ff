import { connect, type NatsConnection } from "@nats-io/transport-node"
import { Effect, Runtime } from "effect"
import { BusError } from "../errors.js"

/**
 * One NATS connection for the layer's lifetime: reconnects forever (publishes made while disconnected are
 * buffered by the client), drained on release so acks and publishes already written reach the server.
 */
export const natsConnection = (url: string, name: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 500 }),
      catch: (cause) =>
        new BusError({ reason: "Unavailable", message: `cannot connect to NATS at ${url}`, cause })
    }),
    (nc) =>
      Effect.promise(async () => {
        if (nc.isClosed()) return
        await nc.drain().catch(() => nc.close())
      })
  )

/**
 * Logs disconnects and reconnects; forked in the layer's scope. The status iterator is read by a detached
 * loop that ends with the connection: interrupting a stream over it would wait on the iterator's
 * `return()`, which only settles at close, and so deadlock the layer's release.
 */
export const logConnectionStatus = (nc: NatsConnection) =>
  Effect.gen(function* () {
    const runFork = Runtime.runFork(yield* Effect.runtime<never>())
    yield* Effect.async<void>((resume) => {
      let stopped = false
      const loop = async () => {
        for await (const status of nc.status()) {
          if (stopped) return
          if (status.type === "disconnect" || status.type === "reconnect" || status.type === "error") {
            runFork(Effect.logWarning(`nats ${status.type}`, status))
          }
        }
      }
      loop().then(
        () => resume(Effect.void),
        () => resume(Effect.void)
      )
      return Effect.sync(() => {
        stopped = true
      })
    })
  })

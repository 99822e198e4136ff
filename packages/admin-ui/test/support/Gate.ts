import { createConnection, createServer, type Socket } from "node:net"
import { Effect } from "effect"

export interface Gate {
  readonly port: number
  /** Lets the held connections (and every later one) through to the target. */
  readonly open: () => void
}

/**
 * A TCP relay to `targetPort` that holds new connections until `open()`: a bind connecting through it
 * stays "connecting" for as long as the test wants to look at it. A refused or closed target closes the
 * client side too, so the bind sees exactly what it would see without the relay.
 */
export const gate = (targetPort: () => number) =>
  Effect.acquireRelease(
    Effect.async<{ gate: Gate; close: () => void }>((resume) => {
      let isOpen = false
      const held: Array<Socket> = []
      const sockets = new Set<Socket>()
      const relay = (client: Socket) => {
        const upstream = createConnection({ host: "127.0.0.1", port: targetPort() })
        sockets.add(upstream)
        const end = () => {
          client.destroy()
          upstream.destroy()
        }
        upstream.on("error", end).on("close", end)
        client.on("error", end).on("close", end)
        client.pipe(upstream)
        upstream.pipe(client)
        client.resume()
      }
      const server = createServer((client) => {
        sockets.add(client)
        client.pause()
        if (isOpen) relay(client)
        else held.push(client)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(
          Effect.succeed({
            gate: {
              port,
              open: () => {
                isOpen = true
                for (const client of held.splice(0)) relay(client)
              }
            },
            close: () => {
              for (const socket of sockets) socket.destroy()
              server.close()
            }
          })
        )
      })
    }),
    ({ close }) => Effect.sync(close)
  ).pipe(Effect.map(({ gate }) => gate))

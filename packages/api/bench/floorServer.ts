/**
 * The floor the single-send figure is read against: `POST /v1/messages` answered at once, with no
 * authentication, database or bus — through an Effect HttpApi like the real server's (`httpapi`), or
 * through bare node:http (`node`, what the load generator itself can drive). Same node flags and tracing
 * as the API server. Prints `{"port":N}`.
 */
import { createServer } from "node:http"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup, HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { TracingOff } from "@volley/engine/Engine"
import { Effect, Layer, Schema } from "effect"
import { withoutHttpSpans } from "../src/http/httpSpans.js"

class Request extends Schema.Class<Request>("Request")({ to: Schema.String, text: Schema.String }) {}
class Sent extends Schema.Class<Sent>("Sent")({ id: Schema.String, to: Schema.String, parts: Schema.Int }) {}

const FloorApi = HttpApi.make("floor").add(
  HttpApiGroup.make("send").add(
    HttpApiEndpoint.post("send", "/v1/messages").setPayload(Request).addSuccess(Sent, { status: 201 })
  )
)

const SendLive = HttpApiBuilder.group(FloorApi, "send", (handlers) =>
  handlers.handle("send", ({ payload }) =>
    Effect.succeed(new Sent({ id: "floor", to: payload.to, parts: 1 }))
  )
)

const printPort = (port: number) => process.stdout.write(`${JSON.stringify({ port })}\n`)

if (process.argv[2] === "node") {
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const { to } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { to: string }
      response.writeHead(201, { "content-type": "application/json" })
      response.end(JSON.stringify({ id: "floor", to, parts: 1 }))
    })
  })
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    if (address !== null && typeof address === "object") printPort(address.port)
  })
} else {
  const ServerLive = HttpApiBuilder.serve().pipe(
    withoutHttpSpans,
    Layer.provide(HttpApiBuilder.api(FloorApi).pipe(Layer.provide(SendLive))),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
    // as the API server runs
    Layer.provide(TracingOff)
  )
  NodeRuntime.runMain(
    Effect.gen(function* () {
      const address = (yield* HttpServer.HttpServer).address
      if (address._tag === "TcpAddress") printPort(address.port)
      return yield* Effect.never
    }).pipe(Effect.provide(ServerLive))
  )
}

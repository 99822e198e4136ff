/**
 * The HTTP API alone — no binds, no simulator, the request log as `npm start` keeps it by default
 * (refusals and failures only) — on the services named by DATABASE_URL, NATS_URL and REDIS_URL: what the
 * API benchmark (main.ts) measures, in a process of its own so the load generator does not share its
 * event loop. Prints `{"port":N}` once it listens.
 */
import { createServer } from "node:http"
import { HttpApiBuilder, HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { RoutingCatalog } from "@volley/engine/catalog/RoutingCatalog"
import { InfrastructureLive, StorageLive, TracingOff } from "@volley/engine/Engine"
import { SendService } from "@volley/engine/send/SendService"
import { Effect, Layer, Logger, LogLevel } from "effect"
import { AdminToken } from "../src/auth/AdminToken.js"
import { accessLog } from "../src/http/AccessLog.js"
import { withoutHttpSpans } from "../src/http/httpSpans.js"
import { HttpRoutes } from "../src/Server.js"

const Services = SendService.Default.pipe(
  Layer.provideMerge(RoutingCatalog.Default),
  Layer.provideMerge(StorageLive),
  Layer.provideMerge(InfrastructureLive)
)

const ServerLive = HttpApiBuilder.serve(accessLog("errors")).pipe(
  withoutHttpSpans,
  Layer.provide(HttpRoutes),
  Layer.provide(AdminToken.fromConfig),
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
  Layer.provide(Services),
  // as the platform runs it (Platform.ts)
  Layer.provide(TracingOff)
)

const main = Effect.gen(function* () {
  const address = (yield* HttpServer.HttpServer).address
  if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("expected a TCP address")
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`)
  return yield* Effect.never
}).pipe(Effect.provide(ServerLive), Logger.withMinimumLogLevel(LogLevel.Warning))

NodeRuntime.runMain(main)

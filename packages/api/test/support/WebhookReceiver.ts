import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Duration, Effect } from "effect"
import type { Reply, Sender } from "./ApiHarness.js"

export interface Received {
  readonly body: string
  readonly headers: IncomingHttpHeaders
  /** The request's number at this receiver, from 0. */
  readonly n: number
  /** What this receiver answered (or "hang": it never answered). */
  readonly answer: number | "hang"
}

/** What to answer to request number `n`: an HTTP status, or "hang" (never answer). */
export type Answer = (n: number) => number | "hang"

/**
 * A real webhook receiver on 127.0.0.1 (an ephemeral port), recording every request with its raw body
 * and headers; what it answers can change while it runs. Closed with the test's scope.
 */
export const webhookReceiver = (initial: Answer = () => 200) =>
  Effect.gen(function* () {
    let answer = initial
    const received: Array<Received> = []
    const server = createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (c: Buffer) => chunks.push(c))
      req.on("end", () => {
        const n = received.length
        const status = answer(n)
        received.push({
          body: Buffer.concat(chunks).toString("utf8"),
          headers: req.headers,
          n,
          answer: status
        })
        if (status !== "hang") res.writeHead(status).end()
      })
    })
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const port = (server.address() as AddressInfo).port

    /** Waits (polling, bounded) until `done` holds for what was received; fails the test on timeout. */
    const waitFor = (
      done: (got: ReadonlyArray<Received>) => boolean,
      timeout: Duration.DurationInput = "10 seconds"
    ) =>
      Effect.gen(function* () {
        const deadline = Date.now() + Duration.toMillis(timeout)
        while (!done(received)) {
          if (Date.now() > deadline)
            return yield* Effect.die(
              new Error(`receiver: condition not met; got ${received.length} request(s)`)
            )
          yield* Effect.sleep("20 millis")
        }
        return received as ReadonlyArray<Received>
      })

    return {
      url: `http://127.0.0.1:${port}/hooks/volley`,
      port,
      received: received as ReadonlyArray<Received>,
      answerWith: (next: Answer) => {
        answer = next
      },
      waitFor
    }
  })

/** The events of a received body. */
// biome-ignore lint/suspicious/noExplicitAny: tests read event JSON
export const eventsOf = (r: Received): Array<any> => JSON.parse(r.body).events

/** `PUT /v1/webhook` as `sender` (the harness's `call` speaks GET, POST and DELETE); `raw` sends bytes as-is. */
export const putWebhook = (sender: Pick<Sender, "key">, body: unknown, raw?: string) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.put("/v1/webhook").pipe(HttpClientRequest.bearerToken(sender.key))
    request =
      raw === undefined
        ? HttpClientRequest.bodyUnsafeJson(request, body)
        : HttpClientRequest.bodyText(request, raw, "application/json")
    const response = yield* client.execute(request)
    const text = yield* response.text
    return {
      status: response.status,
      headers: response.headers,
      body: text === "" ? undefined : JSON.parse(text)
    }
  }).pipe(Effect.scoped, Effect.orDie) as Effect.Effect<Reply, never, HttpClient.HttpClient>

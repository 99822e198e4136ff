import { HttpApp, HttpRouter, HttpServerResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, HashMap, Logger, ManagedRuntime } from "effect"
import { type AccessLogMode, accessLog } from "../src/http/AccessLog.js"

const app = HttpRouter.empty.pipe(
  HttpRouter.get("/ok", HttpServerResponse.text("ok")),
  HttpRouter.get("/refused", HttpServerResponse.text("no", { status: 422 })),
  HttpRouter.get("/missing", HttpServerResponse.empty({ status: 404 })),
  HttpRouter.get("/boom", Effect.die("boom"))
)

/** The status of every request the access log wrote a line for, in `mode`. */
const loggedStatuses = (mode: AccessLogMode) =>
  Effect.promise(async () => {
    const logged: Array<unknown> = []
    const runtime = ManagedRuntime.make(
      Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ annotations }) => {
          const status = HashMap.get(annotations, "http.status")
          if (status._tag === "Some") logged.push(status.value)
        })
      )
    )
    try {
      const handler = HttpApp.toWebHandlerRuntime(await runtime.runtime())(
        accessLog(mode)(HttpRouter.toHttpApp(app).pipe(Effect.runSync))
      )
      for (const path of ["/ok", "/refused", "/missing", "/boom"])
        await handler(new Request(`http://volley.test${path}`))
      return logged
    } finally {
      await runtime.dispose()
    }
  })

describe("the API's request log", () => {
  it.effect("by default only refusals and failures get a line; all or none when asked", () =>
    Effect.gen(function* () {
      expect(yield* loggedStatuses("errors")).toEqual([422, 404, 500])
      expect(yield* loggedStatuses("all")).toEqual([200, 422, 404, 500])
      expect(yield* loggedStatuses("off")).toEqual([])
    })
  )
})

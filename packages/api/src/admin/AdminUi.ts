import { readFile } from "node:fs/promises"
import { extname, resolve, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Config, Effect, Option } from "effect"

/** Where `npm run build:ui` puts the admin UI (packages/admin-ui/dist). */
const builtUiDir = fileURLToPath(new URL("../../../admin-ui/dist", import.meta.url))

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2"
}

const notBuilt = HttpServerResponse.text(
  "The admin UI is not built: run `npm run build:ui` (npm start does it), then reload.",
  { status: 503 }
)

const decodedPath = (url: string) => {
  try {
    return decodeURIComponent(new URL(url, "http://ui").pathname)
  } catch {
    return undefined
  }
}

const readOption = (path: string) =>
  Effect.promise(() => readFile(path).then(Option.some, () => Option.none<Buffer>()))

/**
 * The admin UI's static files under `/admin/`. A path without a file extension is a screen of the
 * single-page app and gets index.html; Vite's hashed assets are cached for good, index.html never.
 */
export const AdminUiLive = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const root = resolve(
      yield* Config.string("VOLLEY_ADMIN_UI_DIR").pipe(Config.withDefault(builtUiDir), Effect.orDie)
    )

    const serve = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const pathname = decodedPath(request.url)
      if (pathname === undefined) return HttpServerResponse.empty({ status: 400 })
      // The app's relative links need the trailing slash.
      if (pathname === "/admin") return HttpServerResponse.redirect("/admin/", { status: 302 })
      const relative = pathname.replace(/^\/admin\/?/, "")
      const isAsset = extname(relative) !== ""
      const file = resolve(root, isAsset ? relative : "index.html")
      if (!file.startsWith(root + sep)) return HttpServerResponse.empty({ status: 404 })
      const body = yield* readOption(file)
      if (Option.isNone(body)) return isAsset ? HttpServerResponse.empty({ status: 404 }) : notBuilt
      return HttpServerResponse.uint8Array(body.value, {
        contentType: contentTypes[extname(file)] ?? "application/octet-stream",
        headers: {
          "cache-control": relative.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache"
        }
      })
    })

    // The router ignores a trailing slash: this one route is both /admin and /admin/.
    yield* router.get("/admin", serve)
    yield* router.get("/admin/*", serve)
  })
)

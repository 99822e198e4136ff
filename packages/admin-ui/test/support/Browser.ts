import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { chromium, type Page } from "playwright-core"

const adminUiDir = fileURLToPath(new URL("../..", import.meta.url))
export const screenshotsDir = join(adminUiDir, "test-results")

const builtPage = join(adminUiDir, "dist", "index.html")
const buildLock = join(adminUiDir, "node_modules", ".ui-build-lock")
/** What the last test build was built from: a hash of its sources. */
const buildStamp = join(adminUiDir, "node_modules", ".ui-build-stamp")
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 120_000

const modifiedAt = (path: string) => statSync(path).mtimeMs

/** A hash of everything dist/ is built from. */
const sourcesHash = () => {
  const hash = createHash("sha256")
  const files = [
    "index.html",
    "vite.config.ts",
    "package.json",
    // the plain lists the UI imports from core
    "../core/src/status/publicStatuses.ts",
    "../core/src/campaign/campaignStatuses.ts",
    ...readdirSync(join(adminUiDir, "src"), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(adminUiDir, join(entry.parentPath, entry.name)))
      .sort()
  ]
  for (const file of files) hash.update(file).update(readFileSync(join(adminUiDir, file)))
  return hash.digest("hex")
}

/** dist/ is what a test build made of these very sources (not some other build left behind). */
const builtIsFresh = (hash: string) => {
  try {
    return existsSync(builtPage) && readFileSync(buildStamp, "utf8") === hash
  } catch {
    return false
  }
}

const takeLock = async () => {
  for (;;) {
    try {
      mkdirSync(buildLock)
      return
    } catch {
      try {
        if (Date.now() - modifiedAt(buildLock) > STALE_LOCK_MS)
          rmSync(buildLock, { recursive: true, force: true })
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/**
 * Builds the UI the API serves, so the test drives what ships (a few seconds). The browser specs run in
 * parallel and share dist/: one builds under a lock, the others find it built from the same sources.
 */
export const buildUi = Effect.promise(async () => {
  await takeLock()
  try {
    const hash = sourcesHash()
    if (builtIsFresh(hash)) return
    // Vitest sets NODE_ENV=test, which would bundle React's development build: not what ships.
    execFileSync("npx", ["vite", "build"], {
      cwd: adminUiDir,
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" }
    })
    writeFileSync(buildStamp, hash)
  } finally {
    rmSync(buildLock, { recursive: true, force: true })
  }
})

/** Debian's Chromium, headless, in a fresh profile removed afterwards; never a downloaded browser. */
export const browserPage = Effect.acquireRelease(
  Effect.promise(async () => {
    const profile = mkdtempSync(join(tmpdir(), "volley-ui-"))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync"
      ]
    })
    const page = context.pages()[0] ?? (await context.newPage())
    return { context, page, profile }
  }),
  ({ context, profile }) =>
    Effect.promise(async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    })
).pipe(Effect.map(({ page }) => page))

/**
 * Runs a step against the page; a failure fails the test with Playwright's message, and leaves what the
 * page showed then in test-results/last-failure.png.
 */
export const onPage = <A>(page: Page, step: (page: Page) => Promise<A>) =>
  Effect.tryPromise({
    try: async () => {
      try {
        // awaited here: a step may return a thenable such as expect.poll's, which must be awaited
        return await step(page)
      } catch (error) {
        await page.screenshot({ path: join(screenshotsDir, "last-failure.png") }).catch(() => undefined)
        throw error
      }
    },
    catch: (error) => error as Error
  }).pipe(Effect.orDie)

export const screenshot = (page: Page, name: string) =>
  onPage(page, (p) => p.screenshot({ path: join(screenshotsDir, `${name}.png`) }))

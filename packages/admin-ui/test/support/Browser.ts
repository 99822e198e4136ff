import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { chromium, type Page } from "playwright-core"

const adminUiDir = fileURLToPath(new URL("../..", import.meta.url))
export const screenshotsDir = join(adminUiDir, "test-results")

/** Builds the UI the API serves, so the test drives what ships (a few seconds). */
export const buildUi = Effect.sync(() =>
  execFileSync("npx", ["vite", "build"], { cwd: adminUiDir, stdio: "inherit" })
)

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

/** Runs a step against the page; a failure fails the test with Playwright's message. */
export const onPage = <A>(page: Page, step: (page: Page) => Promise<A>) =>
  Effect.tryPromise({ try: () => step(page), catch: (error) => error as Error }).pipe(Effect.orDie)

export const screenshot = (page: Page, name: string) =>
  onPage(page, (p) => p.screenshot({ path: join(screenshotsDir, `${name}.png`) }))

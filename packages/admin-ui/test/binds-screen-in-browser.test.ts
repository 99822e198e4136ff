import { HttpServer } from "@effect/platform"
import { expect, layer } from "@effect/vitest"
import { SmscSimulator } from "@volley/engine/smsc-sim/SmscSimulator"
import { Effect, Exit, Scope } from "effect"
import type { Page } from "playwright-core"
import { asOperator, expectStatus, newSender } from "../../api/test/support/ApiHarness.js"
import { browserPage, buildUi, onPage, screenshot } from "./support/Browser.js"
import { gate } from "./support/Gate.js"
import { OPERATOR, PlatformUnderTest } from "./support/PlatformUnderTest.js"

/** A bind state change must reach the screen within this (SSE frames go out on every change). */
const STATE_SHOWS_WITHIN_MS = 2_000

const stateOf = (page: Page, bindId: string) =>
  page.locator(`[data-bind-id="${bindId}"] [data-testid="bind-state"]`)

/** Waits for the bind's state badge to read `state`, at most STATE_SHOWS_WITHIN_MS. */
const seeState = (page: Page, bindId: string, state: string) =>
  onPage(page, (p) =>
    stateOf(p, bindId)
      .filter({ hasText: new RegExp(`^${state}$`) })
      .waitFor({ timeout: STATE_SHOWS_WITHIN_MS })
  )

/** A simulator on `port` (0: any) that the test stops and starts again itself. */
const startSimulator = (port: number) =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    const sim = yield* SmscSimulator.scoped({ port, accounts: { e2e: {} } }).pipe(Scope.extend(scope))
    return { port: sim.port, stop: Scope.close(scope, Exit.void) }
  })

layer(PlatformUnderTest, { excludeTestServices: true, timeout: 60_000 })(
  "the admin UI in a browser",
  (it) => {
    it.scoped(
      "an operator signs in and watches a bind bind, go down with its SMSC and come back; queues; no campaigns; sign-out",
      () =>
        Effect.gen(function* () {
          yield* buildUi
          const server = yield* HttpServer.HttpServer
          const port = server.address._tag === "TcpAddress" ? server.address.port : 0
          const base = `http://127.0.0.1:${port}`

          let sim = yield* startSimulator(0)
          const simPort = sim.port
          // The bind connects through a relay held shut, so "connecting" stays on screen until we let it through.
          const relay = yield* gate(() => simPort)
          expectStatus(
            yield* asOperator("POST", "/v1/admin/operators", {
              id: "op-e2e",
              name: "E2E",
              defaultValiditySeconds: 86_400
            }),
            201
          )
          expectStatus(
            yield* asOperator("POST", "/v1/admin/routes", {
              id: "e2e-route",
              name: "Ukraine via E2E",
              operatorId: "op-e2e",
              prefixes: ["38094"],
              pricePerPartMinor: 10
            }),
            201
          )

          const page = yield* browserPage
          yield* onPage(page, (p) => p.goto(`${base}/admin/`))
          yield* onPage(page, (p) => p.getByLabel("Operator").waitFor())
          yield* screenshot(page, "1-sign-in")

          // A wrong password is refused on the form.
          yield* onPage(page, async (p) => {
            await p.getByLabel("Operator").fill(OPERATOR.username)
            await p.getByLabel("Password").fill("not-the-password")
            await p.getByRole("button", { name: "Sign in" }).click()
            await p.getByText("Wrong operator name or password.").waitFor()
          })
          yield* screenshot(page, "2-sign-in-refused")
          yield* onPage(page, async (p) => {
            await p.getByLabel("Password").fill(OPERATOR.password)
            await p.getByRole("button", { name: "Sign in" }).click()
            await p.getByRole("heading", { name: "Binds" }).waitFor()
            await p.getByText("No binds yet").waitFor()
          })
          yield* screenshot(page, "3-binds-empty")

          expectStatus(
            yield* asOperator("POST", "/v1/admin/binds", {
              id: "e2e-1",
              operatorId: "op-e2e",
              host: "127.0.0.1",
              port: relay.port,
              systemId: "e2e",
              password: "secret",
              windowSize: 10,
              tps: 100,
              enquireLinkSeconds: 30
            }),
            201
          )
          yield* Effect.gen(function* () {
            yield* seeState(page, "e2e-1", "connecting")
            yield* screenshot(page, "4-binds-connecting")
            relay.open()
            yield* seeState(page, "e2e-1", "bound")
            yield* onPage(page, (p) =>
              p.getByText("1 of 1 bound").waitFor({ timeout: STATE_SHOWS_WITHIN_MS })
            )

            // Traffic: a batch at the bind's 100 TPS shows in its counters and sparkline.
            const sender = yield* newSender("E2E sender", { bonusMinor: 100_000 })
            expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/activate`), 200)
            const recipients = Array.from({ length: 300 }, (_, i) => ({
              to: `+38094${String(1_000_000 + i)}`
            }))
            expectStatus(
              yield* sender.as("POST", "/v1/messages/batch", {
                text: "Hello from the e2e test",
                messages: recipients
              }),
              201
            )
            const submits = (p: Page) => p.locator('[data-bind-id="e2e-1"] td').nth(5).innerText()
            yield* onPage(page, (p) =>
              expect
                .poll(() => submits(p).then((text) => Number(text.replace(/,/g, ""))), { timeout: 10_000 })
                .toBeGreaterThanOrEqual(200)
            )
            yield* screenshot(page, "5-binds-bound-sending")

            // The SMSC goes away: the bind is down (with the reason), then binds again once it is back.
            yield* sim.stop
            yield* seeState(page, "e2e-1", "down")
            yield* onPage(page, (p) => p.getByText("1 down").waitFor({ timeout: STATE_SHOWS_WITHIN_MS }))
            yield* screenshot(page, "6-binds-down")
            sim = yield* startSimulator(simPort)
            yield* seeState(page, "e2e-1", "bound")
            const reconnects = yield* onPage(page, (p) =>
              p.locator('[data-bind-id="e2e-1"] td').nth(7).innerText()
            )
            expect(Number(reconnects)).toBeGreaterThanOrEqual(1)

            // Disable and enable from the screen.
            yield* onPage(page, (p) =>
              p.locator('[data-bind-id="e2e-1"]').getByRole("button", { name: "Disable" }).click()
            )
            yield* seeState(page, "e2e-1", "disabled")
            yield* onPage(page, (p) =>
              p.locator('[data-bind-id="e2e-1"]').getByRole("button", { name: "Enable" }).click()
            )
            yield* seeState(page, "e2e-1", "bound")

            // Queues: the route with its figures.
            yield* onPage(page, async (p) => {
              await p.getByRole("link", { name: "Queues" }).click()
              await p.locator('[data-route-id="e2e-route"]').waitFor()
            })
            yield* screenshot(page, "7-queues")
            yield* onPage(page, async (p) => {
              await p.getByRole("link", { name: "Campaigns" }).click()
              await p.getByText("No campaigns yet").waitFor()
            })
            yield* screenshot(page, "8-campaigns-empty")

            yield* onPage(page, async (p) => {
              await p.getByRole("button", { name: "Sign out" }).click()
              await p.getByRole("button", { name: "Sign in" }).waitFor()
            })
            expect((yield* onPage(page, (p) => p.request.get(`${base}/v1/admin/binds`))).status()).toBe(401)
          }).pipe(
            Effect.ensuring(
              Effect.zipRight(
                Effect.asVoid(asOperator("POST", "/v1/admin/binds/e2e-1/disable")),
                Effect.suspend(() => sim.stop)
              )
            )
          )
        }),
      60_000
    )
  }
)

import { HttpServer } from "@effect/platform"
import { expect, layer } from "@effect/vitest"
import { SmscSimulator } from "@volley/engine/smsc-sim/SmscSimulator"
import { Effect } from "effect"
import type { Page } from "playwright-core"
import { asOperator, expectStatus, newSender, type Sender } from "../../api/test/support/ApiHarness.js"
import { browserPage, buildUi, onPage, screenshot } from "./support/Browser.js"
import { OPERATOR, PlatformUnderTest } from "./support/PlatformUnderTest.js"

const CONTACTS = 40
/** Messages per second: the campaign takes ~5 s, long enough to see it move. */
const RATE_CAP = 8
const number = (i: number) => `+38067${String(1_000_000 + i)}`

/** An operator, a route for 38067… and a bind to the simulator, through the operators' API. */
const seedCatalog = (simPort: number) =>
  Effect.gen(function* () {
    expectStatus(
      yield* asOperator("POST", "/v1/admin/operators", {
        id: "op-ui",
        name: "Kyivstar (sim)",
        defaultValiditySeconds: 86_400
      }),
      201
    )
    expectStatus(
      yield* asOperator("POST", "/v1/admin/routes", {
        id: "ua-kyivstar",
        name: "Ukraine via Kyivstar",
        operatorId: "op-ui",
        prefixes: ["38067", "38097"],
        pricePerPartMinor: 10
      }),
      201
    )
    expectStatus(
      yield* asOperator("POST", "/v1/admin/binds", {
        id: "ks-1",
        operatorId: "op-ui",
        host: "127.0.0.1",
        port: simPort,
        systemId: "ui",
        password: "secret",
        windowSize: 10,
        tps: 100,
        enquireLinkSeconds: 30
      }),
      201
    )
  })

/**
 * A group of `count` contacts (numbers from `first` on) and a draft campaign to it, through the sender
 * API; returns its id.
 */
const campaignOf = (sender: Sender, name: string, first: number, count: number, rateCap: number) =>
  Effect.gen(function* () {
    const group = expectStatus(yield* sender.as("POST", "/v1/groups", { name: `${name} list` }), 201).body
    for (let i = first; i < first + count; i++)
      expectStatus(
        yield* sender.as("POST", `/v1/groups/${group.id}/contacts`, { number: number(i), name: `C${i}` }),
        201
      )
    const campaign = expectStatus(
      yield* sender.as("POST", "/v1/campaigns", {
        name,
        text: "Hi {name}, spring sale!",
        groupIds: [group.id],
        rateCap
      }),
      201
    ).body
    return campaign.id as string
  })

const start = (sender: Sender, campaignId: string) =>
  Effect.map(sender.as("POST", `/v1/campaigns/${campaignId}/start`), (reply) => expectStatus(reply, 200))

const row = (page: Page, campaignId: string) => page.locator(`[data-campaign-id="${campaignId}"]`)

const go = (page: Page, screen: string, heading: string) =>
  onPage(page, async (p) => {
    await p.getByRole("link", { name: screen, exact: true }).click()
    await p.getByRole("heading", { name: heading, exact: true }).waitFor()
  })

layer(PlatformUnderTest, { excludeTestServices: true, timeout: 60_000 })(
  "the admin UI's operations screens in a browser",
  (it) => {
    it.scoped(
      "a campaign's progress reaches 100% on screen; pause and cancel; a message shows its receipt; accounts; routes",
      () =>
        Effect.gen(function* () {
          yield* buildUi
          const server = yield* HttpServer.HttpServer
          const base = `http://127.0.0.1:${server.address._tag === "TcpAddress" ? server.address.port : 0}`
          const sim = yield* SmscSimulator.scoped({ accounts: { ui: { receiptDelayMs: 50 } } })
          yield* seedCatalog(sim.port)

          yield* Effect.gen(function* () {
            const sender = yield* newSender("Acme Retail", { bonusMinor: 100_000 })
            expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/activate`), 200)
            yield* newSender("Nova Test Shop")
            expectStatus(yield* sender.as("POST", "/v1/sender-ids", { senderId: "ACMESHOP" }), 200)
            const spring = yield* campaignOf(sender, "Spring sale", 0, CONTACTS, RATE_CAP)
            const slow = yield* campaignOf(sender, "Weekly digest", 100, 10, 1)

            const page = yield* browserPage
            yield* onPage(page, async (p) => {
              await p.goto(`${base}/admin/campaigns`)
              await p.getByLabel("Operator").fill(OPERATOR.username)
              await p.getByLabel("Password").fill(OPERATOR.password)
              await p.getByRole("button", { name: "Sign in" }).click()
              await p.getByRole("heading", { name: "Campaigns" }).waitFor()
              await row(p, spring).waitFor()
            })

            // Campaigns: started now, watched on screen until every recipient has its receipt.
            yield* start(sender, spring)
            yield* onPage(page, (p) =>
              row(p, spring)
                .getByTestId("campaign-status")
                .filter({ hasText: "running" })
                .waitFor({ timeout: 5_000 })
            )
            yield* onPage(page, (p) =>
              expect
                .poll(async () => Number(await row(p, spring).getAttribute("data-sent-percent")), {
                  timeout: 5_000
                })
                .toBeGreaterThan(0)
            )
            yield* screenshot(page, "10-campaigns-running")
            const percents = new Set<string>()
            yield* onPage(page, async (p) => {
              // Seen moving (more than one value on the way), then done.
              await expect
                .poll(
                  async () => {
                    const percent = (await row(p, spring).getAttribute("data-sent-percent")) ?? ""
                    percents.add(percent)
                    return percent
                  },
                  { timeout: 20_000, interval: 200 }
                )
                .toBe("100")
              await row(p, spring).getByTestId("sent-percent").filter({ hasText: "100% sent" }).waitFor()
              await row(p, spring)
                .getByTestId("delivered")
                .filter({ hasText: new RegExp(`^${CONTACTS}$`) })
                .waitFor({ timeout: 10_000 })
              await row(p, spring).getByTestId("campaign-status").filter({ hasText: "completed" }).waitFor()
            })
            expect(percents.size).toBeGreaterThan(1)

            // A slow one: paused, then cancelled (which asks twice) from its row.
            yield* start(sender, slow)
            yield* onPage(page, async (p) => {
              await row(p, slow).getByTestId("campaign-status").filter({ hasText: "running" }).waitFor()
              await row(p, slow).getByRole("button", { name: "Pause" }).click()
              await row(p, slow).getByTestId("campaign-status").filter({ hasText: "paused" }).waitFor()
              await row(p, slow).getByText("paused by operator").waitFor()
            })
            yield* screenshot(page, "11-campaigns-done-and-paused")
            yield* onPage(page, async (p) => {
              await row(p, slow).getByRole("button", { name: "Cancel" }).click()
              await row(p, slow).getByRole("button", { name: "Really cancel?" }).click()
              await row(p, slow).getByTestId("campaign-status").filter({ hasText: "cancelled" }).waitFor()
              await row(p, spring).getByRole("button", { name: "Spring sale" }).click()
              await p
                .getByRole("region", { name: "Report of Spring sale" })
                .getByText(`DELIVRD ${CONTACTS}`)
                .waitFor()
            })
            yield* screenshot(page, "12-campaign-report")

            // Messages: one recipient's message, its history ending in the operator's receipt.
            yield* go(page, "Messages", "Messages")
            yield* onPage(page, async (p) => {
              await p.locator("[data-message-id]").first().waitFor()
              // A malformed id is caught on the form; a malformed number is the API's 400, in its words;
              // a number nobody was sent to, an empty result.
              await p.getByLabel("Message id").fill("not-a-message-id")
              await p.getByRole("button", { name: "Search" }).click()
              await p.getByRole("alert").filter({ hasText: "A message id is a UUID" }).waitFor()
              await p.getByLabel("Message id").fill("")
              await p.getByLabel("Recipient").fill("+38012")
              await p.getByRole("button", { name: "Search" }).click()
              await p
                .getByRole("alert")
                .filter({ hasText: /The search failed: .*too short/ })
                .waitFor()
              await p.getByLabel("Recipient").fill("+380671999999")
              await p.getByRole("button", { name: "Search" }).click()
              await p.getByText("No messages match.").waitFor()
              await p.getByLabel("Recipient").fill(number(3))
              await p.getByRole("button", { name: "Search" }).click()
              await expect.poll(() => p.locator("[data-message-id]").count()).toBe(1)
              await p.locator("[data-message-id]").getByRole("button").click()
              const history = p.getByRole("list", { name: "History" })
              await history
                .getByTestId("history-step")
                .filter({ hasText: "DELIVRD" })
                .filter({ hasText: "receipt" })
                .waitFor()
              await history.getByTestId("history-step").filter({ hasText: "submit attempt" }).waitFor()
            })
            yield* screenshot(page, "13-message-history")

            // Accounts: activate the test account, suspend and reactivate it, top one up, approve the pending sender ID.
            yield* go(page, "Accounts", "Accounts")
            const nova = (p: Page) => p.locator("[data-account-id]").filter({ hasText: "Nova Test Shop" })
            const acme = (p: Page) => p.locator("[data-account-id]").filter({ hasText: "Acme Retail" })
            yield* onPage(page, async (p) => {
              await p.locator('[data-sender-id="ACMESHOP"]').waitFor()
              await acme(p).getByRole("button", { name: "Top up" }).click()
              await p.getByLabel("Amount (UAH)").fill("250")
              await p.getByLabel("Reference").fill("INV-2041")
            })
            yield* screenshot(page, "14-accounts-top-up")
            yield* onPage(page, async (p) => {
              const before = await acme(p).getByTestId("balance").innerText()
              await p
                .getByRole("form", { name: "Top up Acme Retail" })
                .getByRole("button", { name: "Top up" })
                .click()
              await p.getByText(/topped up 250\.00 UAH/).waitFor()
              await expect.poll(() => acme(p).getByTestId("balance").innerText()).not.toBe(before)
              await nova(p).getByRole("button", { name: "Activate" }).click()
              await nova(p).getByTestId("account-mode").filter({ hasText: "active" }).waitFor()
              await nova(p).getByRole("button", { name: "Suspend" }).click()
              await nova(p).getByTestId("account-mode").filter({ hasText: "suspended" }).waitFor()
              await nova(p).getByRole("button", { name: "Reactivate" }).click()
              await nova(p).getByTestId("account-mode").filter({ hasText: "active" }).waitFor()
              await p.locator('[data-sender-id="ACMESHOP"]').getByRole("button", { name: "Approve" }).click()
              await p.getByText("Nothing waits").waitFor()
            })
            yield* screenshot(page, "15-accounts")
            const approved = expectStatus(yield* sender.as("GET", "/v1/sender-ids"), 200)
              .body as ReadonlyArray<{
              value: string
              status: string
            }>
            expect(approved.find((s) => s.value === "ACMESHOP")?.status).toBe("approved")

            // Routes: an invalid edit shows the API's own reason; a valid one is saved.
            yield* go(page, "Routes", "Routes and operators")
            const route = (p: Page) => p.locator('[data-route-id="ua-kyivstar"]')
            yield* onPage(page, async (p) => {
              await route(p).getByRole("button", { name: "Edit" }).click()
              await p.getByLabel("Prefixes").fill("38067, 380x7")
              await p.getByRole("button", { name: "Save" }).click()
              await p.getByTestId("route-error").filter({ hasText: "prefixes" }).waitFor()
            })
            yield* screenshot(page, "16-routes-refused")
            yield* onPage(page, async (p) => {
              await p.getByLabel("Prefixes").fill("38067, 38097, 38068")
              await p.getByLabel("Price per part (minor units)").fill("12")
              await p.getByRole("button", { name: "Save" }).click()
              await p.getByText("Route ua-kyivstar saved.").waitFor()
              await route(p).getByTestId("price").filter({ hasText: /^12$/ }).waitFor()
              await route(p).getByTestId("prefixes").filter({ hasText: "38068" }).waitFor()
            })
            yield* screenshot(page, "17-routes")

            yield* go(page, "Binds", "Binds")
            yield* onPage(page, (p) => p.getByRole("img", { name: /Throughput/ }).waitFor())
            yield* screenshot(page, "18-binds-throughput")
          }).pipe(Effect.ensuring(Effect.asVoid(asOperator("POST", "/v1/admin/binds/ks-1/disable"))))
        }),
      60_000
    )
  }
)

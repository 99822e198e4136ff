import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { campaignMessages, draft, groupWith, settle, skip } from "./campaigns-support.js"
import {
  ApiTest,
  call,
  expectStatus,
  newActiveSender,
  PRICE_PER_PART,
  type Sender
} from "./support/ApiHarness.js"

const n = (i: number) => `+38067111002${i}`

/**
 * A campaign over groups A (n1–n6, n8) and B (n5, n6, n7) as a scheduler would leave it: messages for n1–n5
 * and n7 driven to their statuses, n6 skipped as blacklisted, n8 for a missing field, and n5 first skipped
 * in A then sent from B (listed by its message only).
 */
const scenario = (sender: Sender) =>
  Effect.gen(function* () {
    const a = yield* groupWith(
      sender,
      "A",
      [1, 2, 3, 4, 5, 6, 8].map((i) => ({ number: n(i) }))
    )
    const b = yield* groupWith(
      sender,
      "B",
      [5, 6, 7].map((i) => ({ number: n(i) }))
    )
    const campaign = yield* draft(sender, [a, b])
    expectStatus(yield* sender.as("POST", `/v1/campaigns/${campaign.id}/start`), 200)
    const ids = yield* campaignMessages(
      sender,
      campaign.id,
      [1, 2, 3, 4, 5, 7].map((i) => n(i))
    )
    const id = (i: number) => ids.get(n(i))!
    yield* settle(id(1), "DELIVRD")
    yield* settle(id(2), "UNDELIV", { reason: "err:001" })
    yield* settle(id(3), "REJECTD", { refunded: true, reason: "ESME_RINVDSTADR" })
    yield* settle(id(4), "SUBMITTING")
    yield* settle(id(7), "UNDELIV", { reason: "err:002" })
    yield* skip(campaign.id, n(6), a, "BLACKLISTED", `${n(6)} opted out`)
    yield* skip(campaign.id, n(8), a, "MISSING_FIELD", 'Template field "city" has no value.')
    yield* skip(campaign.id, n(5), a, "MISSING_FIELD", 'Template field "city" has no value.')
    const sql = yield* SqlClient.SqlClient
    yield* sql`UPDATE campaigns SET processed = 10, duplicates = 2, skipped = 2, messages_created = 6,
      charged_minor = ${6 * PRICE_PER_PART} WHERE id = ${campaign.id}`
    return { campaign, a, b, id }
  })

layer(ApiTest, { excludeTestServices: true })("campaign reports", (it) => {
  it.effect("the report counts messages per status, skips per reason, and the cost", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Report counts", 1_000)
      const { campaign } = yield* scenario(sender)
      const report = expectStatus(yield* sender.as("GET", `/v1/campaigns/${campaign.id}/report`), 200).body
      expect(report).toEqual({
        campaignId: campaign.id,
        status: "running",
        statusReason: null,
        contacts: 10,
        processed: 10,
        duplicates: 2,
        messages: 6,
        statuses: {
          QUEUED: 1,
          ENROUTE: 1,
          DELIVRD: 1,
          UNDELIV: 2,
          EXPIRED: 0,
          REJECTD: 1,
          FAILED: 0,
          NOREPORT: 0
        },
        skipped: {
          BLACKLISTED: 1,
          MISSING_FIELD: 1,
          INVALID_NUMBER: 0,
          NO_ROUTE: 0,
          NO_PRICE: 0,
          TOO_MANY_PARTS: 0,
          EMPTY_TEXT: 0,
          INVALID_VALIDITY: 0
        },
        skippedTotal: 2,
        chargedMinor: 6 * PRICE_PER_PART,
        refundedMinor: PRICE_PER_PART,
        costMinor: 5 * PRICE_PER_PART,
        currency: "UAH",
        startedAt: expect.any(String),
        finishedAt: null
      })
      // a cancel's refunds show at once: the QUEUED one (n5) fails and comes back
      expectStatus(yield* sender.as("POST", `/v1/campaigns/${campaign.id}/cancel`), 200)
      const after = expectStatus(yield* sender.as("GET", `/v1/campaigns/${campaign.id}/report`), 200).body
      expect(after).toMatchObject({
        status: "cancelled",
        statuses: { QUEUED: 0, FAILED: 1 },
        refundedMinor: 2 * PRICE_PER_PART,
        costMinor: 4 * PRICE_PER_PART
      })
      expect(after.finishedAt).not.toBeNull()
    })
  )

  it.effect("a draft's report is all zeros but its contacts", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Report draft", 1_000)
      const group = yield* groupWith(sender, "G", [{ number: n(1) }, { number: n(2) }])
      const campaign = yield* draft(sender, [group])
      const report = expectStatus(yield* sender.as("GET", `/v1/campaigns/${campaign.id}/report`), 200).body
      expect(report).toMatchObject({
        status: "draft",
        contacts: 2,
        processed: 0,
        messages: 0,
        skippedTotal: 0,
        chargedMinor: 0,
        costMinor: 0,
        startedAt: null
      })
      expect(Object.values(report.statuses).every((v) => v === 0)).toBe(true)
    })
  )

  it.effect("the recipients list merges messages and skips in number order, filtered, in pages", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Report recipients", 1_000)
      const { campaign, id } = yield* scenario(sender)
      const base = `/v1/campaigns/${campaign.id}/recipients`
      const lines: Array<Record<string, unknown>> = []
      let cursor: string | null = null
      let pages = 0
      do {
        const suffix: string = cursor === null ? "" : `&cursor=${cursor}`
        const page = expectStatus(yield* sender.as("GET", `${base}?limit=3${suffix}`), 200).body
        expect(page.items.length).toBeLessThanOrEqual(3)
        lines.push(...page.items)
        cursor = page.nextCursor
        if (cursor !== null) expect(cursor).toMatch(/^\d+$/)
        pages++
      } while (cursor !== null)
      expect(pages).toBe(3)
      expect(lines.map((l) => [l.to, l.status])).toEqual([
        [n(1), "DELIVRD"],
        [n(2), "UNDELIV"],
        [n(3), "REJECTD"],
        [n(4), "ENROUTE"],
        [n(5), "QUEUED"],
        [n(6), "SKIPPED"],
        [n(7), "UNDELIV"],
        [n(8), "SKIPPED"]
      ])
      expect(lines[2]).toEqual({
        to: n(3),
        status: "REJECTD",
        reason: "ESME_RINVDSTADR",
        detail: null,
        messageId: id(3),
        parts: 1,
        chargeMinor: PRICE_PER_PART,
        refunded: true,
        updatedAt: expect.any(String)
      })
      expect(lines[5]).toEqual({
        to: n(6),
        status: "SKIPPED",
        reason: "BLACKLISTED",
        detail: `${n(6)} opted out`,
        messageId: null,
        parts: null,
        chargeMinor: null,
        refunded: null,
        updatedAt: expect.any(String)
      })
      const only = (status: string) =>
        Effect.map(sender.as("GET", `${base}?status=${status}`), (r) =>
          expectStatus(r, 200).body.items.map((l: { to: string; reason: string | null }) => [l.to, l.reason])
        )
      expect(yield* only("SKIPPED")).toEqual([
        [n(6), "BLACKLISTED"],
        [n(8), "MISSING_FIELD"]
      ])
      expect(yield* only("UNDELIV")).toEqual([
        [n(2), "err:001"],
        [n(7), "err:002"]
      ])
      expect(yield* only("ENROUTE")).toEqual([[n(4), null]])
      expect(yield* only("EXPIRED")).toEqual([])
      expect((yield* sender.as("GET", `${base}?status=LOST`)).status).toBe(400)
      expect((yield* sender.as("GET", `${base}?cursor=%2B380671110021`)).status).toBe(400)
      // from a cursor on: the numbers after it
      const rest = expectStatus(yield* sender.as("GET", `${base}?cursor=${n(6).slice(1)}`), 200).body
      expect(rest.items.map((l: { to: string }) => l.to)).toEqual([n(7), n(8)])
    })
  )

  it.effect("the CSV export has every recipient line, filtered the same way", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Report CSV", 1_000)
      const { campaign, id } = yield* scenario(sender)
      const reply = yield* call("GET", `/v1/campaigns/${campaign.id}/recipients.csv`, { token: sender.key })
      expect(reply.status).toBe(200)
      expect(reply.headers["content-type"]).toContain("text/csv")
      expect(reply.headers["content-disposition"]).toContain(`campaign-${campaign.id}.csv`)
      const rows: Array<string> = reply.body.trimEnd().split("\r\n")
      expect(rows[0]).toBe("to,status,reason,detail,message_id,parts,charge_minor,refunded,updated_at")
      expect(rows).toHaveLength(9)
      expect(rows[1]).toMatch(new RegExp(`^\\${n(1)},DELIVRD,,,${id(1)},1,${PRICE_PER_PART},false,\\d{4}-`))
      expect(rows[6]).toMatch(new RegExp(`^\\${n(6)},SKIPPED,BLACKLISTED,\\${n(6)} opted out,,,,,\\d{4}-`))
      expect(rows[8]).toMatch(
        new RegExp(`^\\${n(8)},SKIPPED,MISSING_FIELD,"Template field ""city"" has no value\\.",`)
      )
      const skipped = yield* call("GET", `/v1/campaigns/${campaign.id}/recipients.csv?status=SKIPPED`, {
        token: sender.key
      })
      expect(skipped.body.trimEnd().split("\r\n")).toHaveLength(3)
    })
  )

  it.effect("cleaning the groups removes the numbers that ended UNDELIV or REJECTD, per group", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Report clean", 1_000)
      const { campaign, a, b } = yield* scenario(sender)
      // another campaign's undelivered number in the same group stays
      const other = yield* draft(sender, [a])
      const otherIds = yield* campaignMessages(sender, other.id, [n(1)])
      yield* settle(otherIds.get(n(1))!, "UNDELIV")
      const cleaned = expectStatus(
        yield* sender.as("POST", `/v1/campaigns/${campaign.id}/clean-groups`),
        200
      ).body
      expect(cleaned).toEqual({
        groups: [
          { groupId: a, removed: 2 },
          { groupId: b, removed: 1 }
        ],
        removed: 3
      })
      const numbersOf = (group: string) =>
        Effect.map(sender.as("GET", `/v1/groups/${group}/contacts?limit=100`), (r) =>
          expectStatus(r, 200).body.items.map((c: { msisdn: string }) => c.msisdn)
        )
      expect(yield* numbersOf(a)).toEqual([1, 4, 5, 6, 8].map((i) => n(i)))
      expect(yield* numbersOf(b)).toEqual([5, 6].map((i) => n(i)))
      const again = expectStatus(
        yield* sender.as("POST", `/v1/campaigns/${campaign.id}/clean-groups`),
        200
      ).body
      expect(again.removed).toBe(0)
      // a deleted group is left out of the answer
      expectStatus(yield* sender.as("DELETE", `/v1/groups/${b}`), 204)
      expect(
        expectStatus(yield* sender.as("POST", `/v1/campaigns/${campaign.id}/clean-groups`), 200).body.groups
      ).toEqual([{ groupId: a, removed: 0 }])
    })
  )

  it.effect("the CSV export streams past its page size: every line once, in number order", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Report CSV pages", 100_000)
      const group = yield* groupWith(sender, "G", [])
      const campaign = yield* draft(sender, [group])
      const messaged = Array.from({ length: 2_500 }, (_, i) => `+38067${String(2_000_000 + 2 * i)}`)
      yield* campaignMessages(sender, campaign.id, messaged)
      const sql = yield* SqlClient.SqlClient
      // 300 skipped numbers interleaved with the messaged ones
      yield* sql`INSERT INTO campaign_skips (campaign_id, msisdn, group_id, reason, detail)
        SELECT ${campaign.id}, '+38067' || (2000001 + 2 * i)::text, ${group}, 'BLACKLISTED', 'opted out'
        FROM generate_series(0, 299) AS i`
      const reply = yield* call("GET", `/v1/campaigns/${campaign.id}/recipients.csv`, { token: sender.key })
      const rows: Array<string> = reply.body.trimEnd().split("\r\n").slice(1)
      expect(rows).toHaveLength(2_800)
      const numbers = rows.map((r) => r.split(",")[0]!)
      expect(new Set(numbers).size).toBe(2_800)
      expect(numbers).toEqual([...numbers].sort())
      expect(rows.filter((r) => r.includes(",SKIPPED,BLACKLISTED,"))).toHaveLength(300)
    })
  )
})

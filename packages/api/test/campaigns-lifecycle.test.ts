import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Bus } from "@volley/engine/bus/Bus"
import { decodeStatusEvents } from "@volley/engine/bus/statusEvents"
import { Chunk, Effect, Stream } from "effect"
import { campaignMessages, draft, groupWith } from "./campaigns-support.js"
import {
  ApiTest,
  asOperator,
  balanceOf,
  call,
  expectStatus,
  newActiveSender,
  newSender,
  PRICE_PER_PART
} from "./support/ApiHarness.js"

const ghost = "0190a0a0-0000-7000-8000-0000000000aa"

layer(ApiTest, { excludeTestServices: true })("campaigns: create, state machine, cancel", (it) => {
  it.effect("a draft is created with its settings as given", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Campaign create", 1_000)
      const a = yield* groupWith(sender, "A", [{ number: "+380671110001" }])
      const b = yield* groupWith(sender, "B", [])
      const created = yield* draft(sender, [a, b], {
        name: "  Spring  ",
        text: "Hi {name}, {city} awaits",
        startAt: "2030-01-01T09:00:00.000Z",
        sendWindow: { start: "09:00", end: "21:00" },
        rateCap: 50,
        validitySeconds: 3_600,
        onMissingField: "empty"
      })
      expect(created).toMatchObject({
        name: "Spring",
        sender: "Volley",
        body: "Hi {name}, {city} awaits",
        groupIds: [a, b],
        status: "draft",
        statusReason: null,
        startAt: "2030-01-01T09:00:00.000Z",
        sendWindow: { start: "09:00", end: "21:00" },
        rateCap: 50,
        validitySeconds: 3_600,
        onMissingField: "empty",
        progress: { processed: 0, messages: 0, skipped: 0, duplicates: 0, chargedMinor: 0 },
        startedAt: null,
        finishedAt: null
      })
      const read = expectStatus(yield* sender.as("GET", `/v1/campaigns/${created.id}`), 200).body
      expect(read).toEqual(created)
      const defaults = yield* draft(sender, [a])
      expect(defaults).toMatchObject({
        onMissingField: "skip",
        sendWindow: null,
        rateCap: null,
        startAt: null,
        validitySeconds: null
      })
    })
  )

  it.effect("each bad input is a precise 400, 404 or 422", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Campaign refusals", 1_000)
      const other = yield* newActiveSender("Campaign refusals (other)", 1_000)
      const group = yield* groupWith(sender, "Mine", [])
      const foreign = yield* groupWith(other, "Theirs", [])
      const create = (settings: Record<string, unknown>) =>
        sender.as("POST", "/v1/campaigns", { name: "X", text: "Hi {name}", groupIds: [group], ...settings })

      const template = yield* create({ text: "Hello {first_name, bye" })
      expect(template.status).toBe(400)
      expect(template.body).toMatchObject({
        _tag: "InvalidTemplate",
        reason: "UNCLOSED_PLACEHOLDER",
        placeholder: "first_name",
        position: 6
      })
      expect(template.body.message).toContain("{first_name")

      const unapproved = yield* create({ sender: "AcmeShop" })
      expect(unapproved.status).toBe(422)
      expect(unapproved.body).toMatchObject({
        _tag: "SenderIdNotApproved",
        value: "AcmeShop",
        status: "unknown"
      })
      const malformed = yield* create({ sender: "Acme Shop!" })
      expect(malformed.status).toBe(400)
      expect(malformed.body._tag).toBe("InvalidSenderId")

      const unknownGroup = yield* create({ groupIds: [group, ghost] })
      expect(unknownGroup.status).toBe(404)
      expect(unknownGroup.body).toMatchObject({ _tag: "GroupNotFound", groupId: ghost })
      const foreignGroup = yield* create({ groupIds: [foreign] })
      expect(foreignGroup.status).toBe(404)
      expect(foreignGroup.body).toMatchObject({ _tag: "GroupNotFound", groupId: foreign })

      for (const [label, settings] of [
        ["window without leading zero", { sendWindow: { start: "9:00", end: "21:00" } }],
        ["window hour 24", { sendWindow: { start: "09:00", end: "24:00" } }],
        ["window not a time", { sendWindow: { start: "morning", end: "21:00" } }],
        ["no groups", { groupIds: [] }],
        ["a group twice", { groupIds: [group, group] }],
        ["21 groups", { groupIds: Array.from({ length: 21 }, () => group) }],
        ["rate cap 0", { rateCap: 0 }],
        ["fractional rate cap", { rateCap: 1.5 }],
        ["validity too short", { validitySeconds: 10 }],
        ["empty text", { text: "" }],
        ["blank name", { name: "   " }],
        ["bad start time", { startAt: "tomorrow" }],
        ["unknown missing-field rule", { onMissingField: "drop" }]
      ] as const) {
        const reply = yield* create(settings)
        expect(reply.status, label).toBe(400)
        expect(reply.body._tag, label).toBe("HttpApiDecodeError")
      }
      // nothing of the refused requests was stored
      expect((yield* sender.as("GET", "/v1/campaigns")).body.items).toEqual([])
    })
  )

  it.effect("another account's campaign is a 404 on every endpoint", () =>
    Effect.gen(function* () {
      const owner = yield* newActiveSender("Campaign owner", 1_000)
      const stranger = yield* newActiveSender("Campaign stranger", 1_000)
      const group = yield* groupWith(owner, "G", [{ number: "+380671110002" }])
      const campaign = yield* draft(owner, [group])
      const base = `/v1/campaigns/${campaign.id}`
      for (const [method, path] of [
        ["GET", base],
        ["POST", `${base}/preview`],
        ["POST", `${base}/start`],
        ["POST", `${base}/pause`],
        ["POST", `${base}/resume`],
        ["POST", `${base}/cancel`],
        ["GET", `${base}/report`],
        ["GET", `${base}/recipients`],
        ["GET", `${base}/recipients.csv`],
        ["POST", `${base}/clean-groups`]
      ] as const) {
        const reply = yield* stranger.as(method, path)
        expect(reply.status, `${method} ${path}`).toBe(404)
        expect(reply.body, `${method} ${path}`).toMatchObject({
          _tag: "CampaignNotFound",
          campaignId: campaign.id
        })
      }
      const edit = yield* stranger.as("PATCH", base, { name: "Mine now" })
      expect(edit.status).toBe(404)
      expect(edit.body._tag).toBe("CampaignNotFound")
      expect((yield* stranger.as("GET", "/v1/campaigns")).body.items).toEqual([])
      expect((yield* owner.as("GET", `/v1/campaigns/${ghost}`)).status).toBe(404)
      expect((yield* owner.as("GET", "/v1/campaigns/not-a-uuid")).status).toBe(400)
      // the owner's campaign is untouched
      expect((yield* owner.as("GET", base)).body.status).toBe("draft")
    })
  )

  it.effect("start, pause, resume and cancel move the status; anything else is a 409", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Campaign states", 1_000)
      const group = yield* groupWith(sender, "G", [{ number: "+380671110003" }])
      const campaign = yield* draft(sender, [group])
      const act = (action: string) => sender.as("POST", `/v1/campaigns/${campaign.id}/${action}`)
      const conflict = (action: string, status: string) =>
        Effect.gen(function* () {
          const reply = yield* act(action)
          expect(reply.status, `${action} when ${status}`).toBe(409)
          expect(reply.body).toMatchObject({ _tag: "CampaignStateConflict", status, action })
          expect(reply.body.message).toContain(status)
        })

      yield* conflict("pause", "draft")
      yield* conflict("resume", "draft")
      const started = expectStatus(yield* act("start"), 200).body
      expect(started.status).toBe("running")
      expect(Date.parse(started.startedAt)).toBeGreaterThan(Date.now() - 60_000)
      yield* conflict("start", "running")
      yield* conflict("resume", "running")
      const paused = expectStatus(yield* act("pause"), 200).body
      expect(paused).toMatchObject({ status: "paused", statusReason: "paused by sender" })
      yield* conflict("pause", "paused")
      yield* conflict("start", "paused")
      const resumed = expectStatus(yield* act("resume"), 200).body
      expect(resumed).toMatchObject({ status: "running", statusReason: null, startedAt: started.startedAt })
      const cancelled = expectStatus(yield* act("cancel"), 200).body
      expect(cancelled).toMatchObject({ failedMessages: 0, refundedMinor: 0 })
      expect(cancelled.campaign).toMatchObject({ status: "cancelled", statusReason: "cancelled by sender" })
      expect(cancelled.campaign.finishedAt).not.toBeNull()
      for (const action of ["start", "pause", "resume", "cancel"]) yield* conflict(action, "cancelled")

      // a draft can be cancelled too; a completed campaign cannot be touched
      const other = yield* draft(sender, [group])
      expect(
        expectStatus(yield* sender.as("POST", `/v1/campaigns/${other.id}/cancel`), 200).body.campaign.status
      ).toBe("cancelled")
      const done = yield* draft(sender, [group])
      const sql = yield* SqlClient.SqlClient
      yield* sql`UPDATE campaigns SET status = 'completed', finished_at = now() WHERE id = ${done.id}`
      for (const action of ["start", "pause", "resume", "cancel"]) {
        const reply = yield* sender.as("POST", `/v1/campaigns/${done.id}/${action}`)
        expect(reply.status).toBe(409)
        expect(reply.body).toMatchObject({ status: "completed", action })
      }
    })
  )

  it.effect("a future start time waits as scheduled, and a resume before it waits again", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Campaign schedule", 1_000)
      const group = yield* groupWith(sender, "G", [{ number: "+380671110004" }])
      const startAt = new Date(Date.now() + 3_600_000).toISOString()
      const campaign = yield* draft(sender, [group], { startAt })
      const act = (action: string) => sender.as("POST", `/v1/campaigns/${campaign.id}/${action}`)
      expect(expectStatus(yield* act("start"), 200).body).toMatchObject({
        status: "scheduled",
        startedAt: null
      })
      expect(expectStatus(yield* act("pause"), 200).body.status).toBe("paused")
      expect(expectStatus(yield* act("resume"), 200).body).toMatchObject({
        status: "scheduled",
        startedAt: null
      })
      // once the time has come, a resume runs at once
      const sql = yield* SqlClient.SqlClient
      yield* sql`UPDATE campaigns SET start_at = now() - interval '1 minute' WHERE id = ${campaign.id}`
      expect(expectStatus(yield* act("pause"), 200).body.status).toBe("paused")
      const running = expectStatus(yield* act("resume"), 200).body
      expect(running.status).toBe("running")
      expect(running.startedAt).not.toBeNull()
    })
  )

  it.effect("a test-mode account cannot start a campaign; a suspended one neither", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Campaign test mode", { bonusMinor: 1_000 })
      const group = yield* groupWith(sender, "G", [{ number: "+380671110005" }])
      const campaign = yield* draft(sender, [group])
      const refused = yield* sender.as("POST", `/v1/campaigns/${campaign.id}/start`)
      expect(refused.status).toBe(422)
      expect(refused.body).toMatchObject({ _tag: "TestModeLimit", limit: "singleMessagesOnly" })
      expect(refused.body.message).toContain("campaigns")
      expect((yield* sender.as("GET", `/v1/campaigns/${campaign.id}`)).body.status).toBe("draft")
      expectStatus(yield* asOperator("POST", `/v1/admin/accounts/${sender.accountId}/activate`), 200)
      const sql = yield* SqlClient.SqlClient
      yield* sql`UPDATE accounts SET mode = 'suspended' WHERE id = ${sender.accountId}`
      const suspended = yield* sender.as("POST", `/v1/campaigns/${campaign.id}/start`)
      expect(suspended.status).toBe(403)
      expect(suspended.body._tag).toBe("AccountSuspended")
      yield* sql`UPDATE accounts SET mode = 'active' WHERE id = ${sender.accountId}`
      expect(
        expectStatus(yield* sender.as("POST", `/v1/campaigns/${campaign.id}/start`), 200).body.status
      ).toBe("running")
    })
  )

  it.effect("a sender ID whose approval was withdrawn stops the start", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Campaign sender check", 1_000)
      const request = expectStatus(yield* sender.as("POST", "/v1/sender-ids", { senderId: "Acme" }), 200).body
      expectStatus(yield* asOperator("POST", `/v1/admin/sender-ids/${request.id}/approve`, {}), 200)
      const group = yield* groupWith(sender, "G", [{ number: "+380671110006" }])
      const campaign = yield* draft(sender, [group], { sender: "Acme" })
      expect(campaign.sender).toBe("Acme")
      expectStatus(yield* asOperator("POST", `/v1/admin/sender-ids/${request.id}/reject`, {}), 200)
      const refused = yield* sender.as("POST", `/v1/campaigns/${campaign.id}/start`)
      expect(refused.status).toBe(422)
      expect(refused.body).toMatchObject({ _tag: "SenderIdNotApproved", value: "Acme", status: "rejected" })
    })
  )

  it.effect("campaigns list newest first, by status, in pages", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Campaign list", 1_000)
      const group = yield* groupWith(sender, "G", [])
      const ids: Array<string> = []
      for (let i = 0; i < 5; i++) ids.push((yield* draft(sender, [group], { name: `C${i}` })).id)
      expectStatus(yield* sender.as("POST", `/v1/campaigns/${ids[1]}/cancel`), 200)
      const seen: Array<string> = []
      let cursor: string | null = null
      do {
        const suffix: string = cursor === null ? "" : `&cursor=${cursor}`
        const page = expectStatus(yield* sender.as("GET", `/v1/campaigns?limit=2${suffix}`), 200).body
        expect(page.items.length).toBeLessThanOrEqual(2)
        seen.push(...page.items.map((c: { id: string }) => c.id))
        cursor = page.nextCursor
      } while (cursor !== null)
      expect(seen).toEqual([...ids].reverse())
      const cancelled = expectStatus(yield* sender.as("GET", "/v1/campaigns?status=cancelled"), 200).body
      expect(cancelled.items.map((c: { id: string }) => c.id)).toEqual([ids[1]])
      expect((yield* sender.as("GET", "/v1/campaigns?status=gone")).status).toBe(400)
    })
  )

  it.effect("cancel fails and refunds the messages no bind has claimed, in one ledger entry", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Campaign cancel", 1_000)
      const group = yield* groupWith(sender, "G", [])
      const campaign = yield* draft(sender, [group])
      expectStatus(yield* sender.as("POST", `/v1/campaigns/${campaign.id}/start`), 200)
      const numbers = ["+380671110010", "+380671110011", "+380671110012", "+380671110013"]
      const ids = yield* campaignMessages(sender, campaign.id, numbers)
      expect(yield* balanceOf(sender)).toBe(1_000 - 4 * PRICE_PER_PART)
      const sql = yield* SqlClient.SqlClient
      // one claimed by a bind (in flight), one already delivered: both go on as they are
      yield* sql`UPDATE messages SET status = 'SUBMITTING' WHERE id = ${ids.get(numbers[2]!)!}`
      yield* sql`UPDATE messages SET status = 'DELIVRD' WHERE id = ${ids.get(numbers[3]!)!}`
      // another campaign's and a plain message are not touched
      const other = yield* draft(sender, [group])
      const otherIds = yield* campaignMessages(sender, other.id, ["+380671110014"])
      const plain = expectStatus(
        yield* sender.as("POST", "/v1/messages", { to: "+380671110015", text: "Hi" }),
        201
      ).body.id

      const cancelled = expectStatus(
        yield* sender.as("POST", `/v1/campaigns/${campaign.id}/cancel`),
        200
      ).body
      expect(cancelled).toMatchObject({ failedMessages: 2, refundedMinor: 2 * PRICE_PER_PART })
      expect(yield* balanceOf(sender)).toBe(1_000 - 4 * PRICE_PER_PART)
      for (const n of numbers.slice(0, 2)) {
        const message = expectStatus(yield* sender.as("GET", `/v1/messages/${ids.get(n)}`), 200).body
        expect(message).toMatchObject({
          status: "FAILED",
          statusReason: "campaign cancelled",
          refunded: true
        })
        expect(message.history.map((h: { status: string }) => h.status)).toEqual(["QUEUED", "FAILED"])
        expect(message.history[1].detail).toBe("campaign cancelled")
      }
      const statusOf = (id: string) =>
        Effect.map(sender.as("GET", `/v1/messages/${id}`), (r) => r.body.status as string)
      expect(yield* statusOf(ids.get(numbers[2]!)!)).toBe("ENROUTE")
      expect(yield* statusOf(ids.get(numbers[3]!)!)).toBe("DELIVRD")
      expect(yield* statusOf(otherIds.get("+380671110014")!)).toBe("QUEUED")
      expect(yield* statusOf(plain)).toBe("QUEUED")
      const ledger = expectStatus(yield* sender.as("GET", "/v1/ledger"), 200).body
      const refunds = ledger.items.filter((e: { kind: string }) => e.kind === "refund")
      expect(refunds).toHaveLength(1)
      expect(refunds[0]).toMatchObject({
        amountMinor: 2 * PRICE_PER_PART,
        reference: `campaign:${campaign.id}`
      })
      // charged: 4 + 1 (other campaign) + 1 (plain); refunded: the 2 cancelled
      expect(yield* balanceOf(sender)).toBe(1_000 - 4 * PRICE_PER_PART)
      // webhooks hear of it: a FAILED status event per failed message, on the status stream
      const bus = yield* Bus
      const deliveries = yield* bus
        .consumeStatus("campaign-cancel-probe", {
          batch: 500,
          maxInFlight: 5_000,
          from: "all",
          expiresMs: 100
        })
        .pipe(Stream.interruptAfter("300 millis"), Stream.runCollect, Effect.orDie)
      const events = Chunk.toArray(deliveries).flatMap((d) => decodeStatusEvents(d.data))
      expect(
        events
          .filter((e) => e.campaignId === campaign.id)
          .map((e) => [e.recipient, e.status, e.messageId])
          .sort()
      ).toEqual(numbers.slice(0, 2).map((n) => [n, "FAILED", ids.get(n)]))
      // a bind's claim of a cancelled message now fails: nothing is sent
      const claimed = yield* sql`
        UPDATE messages SET status = 'SUBMITTING' WHERE id = ${ids.get(numbers[0]!)!} AND status = 'QUEUED'
        RETURNING id`
      expect(claimed).toHaveLength(0)
    })
  )

  it.effect("a draft can be edited with the create rules; a started one cannot", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Campaign edit", 1_000)
      const a = yield* groupWith(sender, "A", [])
      const b = yield* groupWith(sender, "B", [])
      const campaign = yield* draft(sender, [a], {
        rateCap: 10,
        sendWindow: { start: "09:00", end: "21:00" }
      })
      const path = `/v1/campaigns/${campaign.id}`
      const edited = expectStatus(
        yield* sender.as("PATCH", path, {
          name: "Renamed",
          text: "Bye {name}",
          groupIds: [b, a],
          rateCap: null
        }),
        200
      ).body
      expect(edited).toMatchObject({
        name: "Renamed",
        body: "Bye {name}",
        groupIds: [b, a],
        rateCap: null,
        sendWindow: { start: "09:00", end: "21:00" },
        status: "draft"
      })
      expect((yield* sender.as("GET", path)).body).toEqual(edited)
      const badTemplate = yield* sender.as("PATCH", path, { text: "Hi {name" })
      expect(badTemplate.status).toBe(400)
      expect(badTemplate.body).toMatchObject({ _tag: "InvalidTemplate", placeholder: "name" })
      const badGroup = yield* sender.as("PATCH", path, { groupIds: [ghost] })
      expect(badGroup.status).toBe(404)
      expect(badGroup.body).toMatchObject({ _tag: "GroupNotFound", groupId: ghost })
      expect((yield* sender.as("PATCH", path, { sender: "Nope" })).status).toBe(422)
      expect((yield* sender.as("PATCH", path, { sendWindow: { start: "9", end: "21:00" } })).status).toBe(400)
      // none of the refused edits changed anything
      expect((yield* sender.as("GET", path)).body).toEqual(edited)
      expectStatus(yield* sender.as("POST", `${path}/start`), 200)
      const late = yield* sender.as("PATCH", path, { name: "Too late" })
      expect(late.status).toBe(409)
      expect(late.body).toMatchObject({ _tag: "CampaignStateConflict", status: "running", action: "edit" })
    })
  )

  it.effect("every campaign endpoint is in the OpenAPI document, described, with its errors", () =>
    Effect.gen(function* () {
      const doc = expectStatus(yield* call("GET", "/openapi.json"), 200).body
      const operations = [
        ["post", "/v1/campaigns", ["201", "400", "404", "422"]],
        ["get", "/v1/campaigns", ["200"]],
        ["get", "/v1/campaigns/{campaignId}", ["200", "404"]],
        ["patch", "/v1/campaigns/{campaignId}", ["200", "400", "404", "409", "422"]],
        ["post", "/v1/campaigns/{campaignId}/preview", ["200", "404"]],
        ["post", "/v1/campaigns/{campaignId}/start", ["200", "403", "404", "409", "422"]],
        ["post", "/v1/campaigns/{campaignId}/pause", ["200", "404", "409"]],
        ["post", "/v1/campaigns/{campaignId}/resume", ["200", "404", "409"]],
        ["post", "/v1/campaigns/{campaignId}/cancel", ["200", "404", "409"]],
        ["get", "/v1/campaigns/{campaignId}/report", ["200", "404"]],
        ["get", "/v1/campaigns/{campaignId}/recipients", ["200", "404"]],
        ["get", "/v1/campaigns/{campaignId}/recipients.csv", ["200", "404"]],
        ["post", "/v1/campaigns/{campaignId}/clean-groups", ["200", "404"]]
      ] as const
      for (const [method, path, statuses] of operations) {
        const operation = doc.paths[path]?.[method]
        expect(operation, `${method} ${path}`).toBeDefined()
        expect(operation.description?.length ?? 0, `${method} ${path}`).toBeGreaterThan(20)
        expect(operation.security, path).toEqual([{ senderKey: [] }])
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(
          expect.arrayContaining([...statuses, "401"])
        )
      }
      expect(
        doc.paths["/v1/campaigns/{campaignId}/recipients.csv"].get.responses["200"].content["text/csv"]
      ).toBeDefined()
    })
  )

  it.effect("racing cancels and pauses: exactly one wins, and the refund is made once", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Campaign races", 1_000)
      const group = yield* groupWith(sender, "G", [])
      for (let round = 0; round < 5; round++) {
        const campaign = yield* draft(sender, [group])
        expectStatus(yield* sender.as("POST", `/v1/campaigns/${campaign.id}/start`), 200)
        yield* campaignMessages(sender, campaign.id, [`+38067111005${round}`, `+38067111006${round}`])
        const replies = yield* Effect.all(
          ["cancel", "cancel", "pause", "cancel"].map((action) =>
            sender.as("POST", `/v1/campaigns/${campaign.id}/${action}`)
          ),
          { concurrency: "unbounded" }
        )
        const cancels = replies.filter((_, i) => i !== 2)
        expect(cancels.filter((r) => r.status === 200)).toHaveLength(1)
        expect(cancels.filter((r) => r.status === 409)).toHaveLength(2)
        expect([200, 409]).toContain(replies[2]!.status)
        expect(cancels.find((r) => r.status === 200)!.body).toMatchObject({
          failedMessages: 2,
          refundedMinor: 2 * PRICE_PER_PART
        })
        expect((yield* sender.as("GET", `/v1/campaigns/${campaign.id}`)).body.status).toBe("cancelled")
      }
      // every round charged two messages and refunded them exactly once
      expect(yield* balanceOf(sender)).toBe(1_000)
    })
  )
})

import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { campaignMessages, draft, groupWith, settle, skip } from "./campaigns-support.js"
import {
  ApiTest,
  asOperator,
  expectStatus,
  newActiveSender,
  PRICE_PER_PART,
  type Sender
} from "./support/ApiHarness.js"
import { expectOperatorEndpointsDocumented, expectRefusedToSender } from "./support/OperatorEndpoints.js"

const ghost = "0190a0a0-0000-7000-8000-0000000000aa"
const n = (i: number) => `+38067222${String(i).padStart(4, "0")}`

/** A started campaign over one group of these numbers (no scheduler runs in this suite). */
const running = (sender: Sender, numbers: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const group = yield* groupWith(
      sender,
      "G",
      numbers.map((number) => ({ number }))
    )
    const campaign = yield* draft(sender, [group])
    expectStatus(yield* sender.as("POST", `/v1/campaigns/${campaign.id}/start`), 200)
    return { id: campaign.id as string, group }
  })

const listed = (query: string) =>
  Effect.map(asOperator("GET", `/v1/admin/campaigns?${query}`), (r) => expectStatus(r, 200).body)

layer(ApiTest, { excludeTestServices: true })("operators: campaigns of every account", (it) => {
  it.effect("each endpoint is in the OpenAPI document, described, behind the operator token", () =>
    Effect.gen(function* () {
      yield* expectOperatorEndpointsDocumented([
        ["get", "/v1/admin/campaigns"],
        ["get", "/v1/admin/campaigns/{campaignId}"],
        ["post", "/v1/admin/campaigns/{campaignId}/pause"],
        ["post", "/v1/admin/campaigns/{campaignId}/resume"],
        ["post", "/v1/admin/campaigns/{campaignId}/cancel"]
      ])
    })
  )

  it.effect("a sender's key is refused on every operator campaign endpoint", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Admin campaigns (refused)", 1_000)
      const { id } = yield* running(sender, [n(1)])
      yield* expectRefusedToSender(sender, [
        ["GET", "/v1/admin/campaigns"],
        ["GET", `/v1/admin/campaigns/${id}`],
        ["POST", `/v1/admin/campaigns/${id}/pause`],
        ["POST", `/v1/admin/campaigns/${id}/resume`],
        ["POST", `/v1/admin/campaigns/${id}/cancel`]
      ])
      // nothing happened to the campaign
      expect(expectStatus(yield* sender.as("GET", `/v1/campaigns/${id}`), 200).body.status).toBe("running")
    })
  )

  it.effect("lists both accounts' campaigns newest first, filtered by account and status, in pages", () =>
    Effect.gen(function* () {
      const alice = yield* newActiveSender("Admin campaigns Alice", 1_000)
      const bob = yield* newActiveSender("Admin campaigns Bob", 1_000)
      const group = yield* groupWith(alice, "A", [{ number: n(10) }])
      const aliceDraft = yield* draft(alice, [group])
      const aliceRunning = yield* running(alice, [n(11)])
      const bobRunning = yield* running(bob, [n(12)])

      const all = yield* listed("limit=500")
      const ids = all.items.map((c: { id: string }) => c.id)
      // newest first across accounts
      expect(ids.slice(0, 3)).toEqual([bobRunning.id, aliceRunning.id, aliceDraft.id])
      const bobs = all.items[0]
      expect(bobs).toMatchObject({
        id: bobRunning.id,
        accountId: bob.accountId,
        accountName: "Admin campaigns Bob",
        status: "running",
        statusReason: null,
        progress: { processed: 0, messages: 0 },
        counts: { recipients: 1, messages: 0, sent: 0, delivered: 0, failed: 0, skipped: 0 },
        messagesPerSecond: 0,
        etaSeconds: null
      })

      const ofAlice = yield* listed(`accountId=${alice.accountId}`)
      expect(ofAlice.items.map((c: { id: string }) => c.id)).toEqual([aliceRunning.id, aliceDraft.id])
      expect(ofAlice.nextCursor).toBeNull()
      const drafts = yield* listed(`accountId=${alice.accountId}&status=draft`)
      expect(drafts.items.map((c: { id: string }) => c.id)).toEqual([aliceDraft.id])
      const runningOnes = (yield* listed("status=running&limit=500")).items.map((c: { id: string }) => c.id)
      expect(runningOnes).toEqual(expect.arrayContaining([aliceRunning.id, bobRunning.id]))
      expect(runningOnes).not.toContain(aliceDraft.id)

      const first = yield* listed(`accountId=${alice.accountId}&limit=1`)
      expect(first.items.map((c: { id: string }) => c.id)).toEqual([aliceRunning.id])
      expect(first.nextCursor).toBe(aliceRunning.id)
      const second = yield* listed(`accountId=${alice.accountId}&limit=1&cursor=${first.nextCursor}`)
      expect(second.items.map((c: { id: string }) => c.id)).toEqual([aliceDraft.id])
      expect(second.nextCursor).toBeNull()

      expect((yield* asOperator("GET", "/v1/admin/campaigns?status=lost")).status).toBe(400)
      expect((yield* asOperator("GET", "/v1/admin/campaigns?accountId=nope")).status).toBe(400)
    })
  )

  it.effect("counts, pace and ETA are exact over the campaign's rows; the detail adds the report", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Admin campaigns counts", 1_000)
      const numbers = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29].map(n)
      const { id, group } = yield* running(sender, numbers)
      const ids = yield* campaignMessages(sender, id, numbers.slice(0, 8))
      const at = (i: number) => ids.get(numbers[i]!)!
      yield* settle(at(0), "DELIVRD")
      yield* settle(at(1), "DELIVRD")
      yield* settle(at(2), "UNDELIV", { reason: "err:001" })
      yield* settle(at(3), "REJECTD", { refunded: true })
      yield* settle(at(4), "NOREPORT")
      yield* settle(at(5), "SUBMITTING")
      yield* settle(at(6), "ENROUTE")
      // at(7) stays QUEUED; numbers 8 and 9 were skipped
      yield* skip(id, numbers[8]!, group, "BLACKLISTED", "opted out")
      yield* skip(id, numbers[9]!, group, "MISSING_FIELD", "no city")
      const sql = yield* SqlClient.SqlClient
      yield* sql`UPDATE campaigns SET processed = 10, messages_created = 8, skipped = 2,
        charged_minor = ${8 * PRICE_PER_PART} WHERE id = ${id}`
      // two of the eight were created long ago: the pace counts the last 10 s only
      yield* sql`UPDATE messages SET created_at = now() - interval '1 minute' WHERE id IN (${at(0)}, ${at(1)})`
      // started two seconds ago: six messages in two seconds is 3 a second, not 6 over the 10-second window
      yield* sql`UPDATE campaigns SET started_at = now() - interval '2 seconds' WHERE id = ${id}`
      expect((yield* listed(`accountId=${sender.accountId}`)).items[0].messagesPerSecond).toBeCloseTo(3, 0)
      yield* sql`UPDATE campaigns SET started_at = now() - interval '1 minute' WHERE id = ${id}`

      const item = (yield* listed(`accountId=${sender.accountId}`)).items[0]
      expect(item.counts).toEqual({
        recipients: 10,
        messages: 8,
        sent: 7,
        delivered: 2,
        failed: 3,
        skipped: 2
      })
      expect(item.messagesPerSecond).toBeCloseTo(0.6)
      // every contact processed: nothing left
      expect(item.etaSeconds).toBe(0)

      // three contacts still to go at 0.6 messages a second: 5 s
      yield* sql`UPDATE campaigns SET processed = 7 WHERE id = ${id}`
      const detail = expectStatus(yield* asOperator("GET", `/v1/admin/campaigns/${id}`), 200).body
      expect(detail).toMatchObject({
        id,
        accountId: sender.accountId,
        accountName: "Admin campaigns counts",
        counts: { recipients: 10, messages: 8, sent: 7, delivered: 2, failed: 3, skipped: 2 },
        etaSeconds: 5
      })
      expect(detail.report).toMatchObject({
        campaignId: id,
        status: "running",
        contacts: 10,
        processed: 7,
        messages: 8,
        statuses: { QUEUED: 1, ENROUTE: 2, DELIVRD: 2, UNDELIV: 1, REJECTD: 1, NOREPORT: 1 },
        skippedTotal: 2,
        chargedMinor: 8 * PRICE_PER_PART,
        refundedMinor: PRICE_PER_PART,
        currency: "UAH"
      })
      // a paused campaign has no ETA, whatever its pace
      expectStatus(yield* asOperator("POST", `/v1/admin/campaigns/${id}/pause`), 200)
      expect((yield* asOperator("GET", `/v1/admin/campaigns/${id}`)).body.etaSeconds).toBeNull()
      expect((yield* asOperator("GET", `/v1/admin/campaigns/${ghost}`)).status).toBe(404)
    })
  )

  it.effect(
    "operators pause, resume and cancel any account's campaign; 409 from a wrong state, 404 unknown",
    () =>
      Effect.gen(function* () {
        const sender = yield* newActiveSender("Admin campaigns control", 1_000)
        const { id } = yield* running(sender, [n(30), n(31)])
        const act = (action: string, campaignId = id) =>
          asOperator("POST", `/v1/admin/campaigns/${campaignId}/${action}`)

        const paused = expectStatus(yield* act("pause"), 200).body
        expect(paused).toMatchObject({ id, status: "paused", statusReason: "paused by operator" })
        // the sender sees who paused it
        expect(expectStatus(yield* sender.as("GET", `/v1/campaigns/${id}`), 200).body.statusReason).toBe(
          "paused by operator"
        )
        const again = yield* act("pause")
        expect(again.status).toBe(409)
        expect(again.body).toMatchObject({ _tag: "CampaignStateConflict", status: "paused", action: "pause" })

        expect(expectStatus(yield* act("resume"), 200).body).toMatchObject({
          status: "running",
          statusReason: null
        })
        expect((yield* act("resume")).status).toBe(409)

        const ids = yield* campaignMessages(sender, id, [n(30)])
        const cancelled = expectStatus(yield* act("cancel"), 200).body
        expect(cancelled).toMatchObject({
          campaign: { id, status: "cancelled", statusReason: "cancelled by operator" },
          failedMessages: 1,
          refundedMinor: PRICE_PER_PART
        })
        const message = expectStatus(yield* sender.as("GET", `/v1/messages/${ids.get(n(30))}`), 200).body
        expect(message).toMatchObject({ status: "FAILED", refunded: true })
        for (const action of ["pause", "resume", "cancel"]) {
          expect((yield* act(action)).status, action).toBe(409)
          const unknown = yield* act(action, ghost)
          expect(unknown.status, action).toBe(404)
          expect(unknown.body).toMatchObject({ _tag: "CampaignNotFound", campaignId: ghost })
        }
        // a draft cannot be paused, but can be cancelled
        const group = yield* groupWith(sender, "D", [{ number: n(32) }])
        const idle = yield* draft(sender, [group])
        expect((yield* act("pause", idle.id)).status).toBe(409)
        expect(expectStatus(yield* act("cancel", idle.id), 200).body.failedMessages).toBe(0)
      })
  )
})

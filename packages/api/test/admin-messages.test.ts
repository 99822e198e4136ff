import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { campaignMessages, draft, groupWith } from "./campaigns-support.js"
import { ApiTest, asOperator, expectStatus, newActiveSender, type Sender } from "./support/ApiHarness.js"
import { expectOperatorEndpointsDocumented, expectRefusedToSender } from "./support/OperatorEndpoints.js"

const ghost = "0190a0a0-0000-7000-8000-0000000000aa"

const send = (sender: Sender, to: string, text = "Hi") =>
  Effect.map(sender.as("POST", "/v1/messages", { to, text }), (r) => expectStatus(r, 201).body.id as string)

/** One stored step the way binds and receipts write them (status, history entry, SMPP status, SMSC id). */
const step = (
  id: string,
  status: string,
  entry: { source: string; bindId?: string; smppStatus?: number; detail?: string },
  smscMessageId: string | null = null
) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`UPDATE messages SET status = ${status}, bind_id = coalesce(${entry.bindId ?? null}, bind_id),
          smpp_status = coalesce(${entry.smppStatus ?? null}::int4, smpp_status),
          smsc_message_id = coalesce(${smscMessageId}, smsc_message_id), attempts = attempts + ${
            entry.source === "bind" ? 1 : 0
          },
          history = history || jsonb_strip_nulls(jsonb_build_array(jsonb_build_object(
            'at', now(), 'status', ${status}::text, 'source', ${entry.source}::text,
            'bindId', ${entry.bindId ?? null}::text, 'smppStatus', ${entry.smppStatus ?? null}::int4,
            'detail', ${entry.detail ?? null}::text)))
        WHERE id = ${id}`.pipe(Effect.orDie)
  )

const search = (query: string) =>
  Effect.map(asOperator("GET", `/v1/admin/messages?${query}`), (r) => expectStatus(r, 200).body)

const idsOf = (page: { items: ReadonlyArray<{ id: string }> }) => page.items.map((m) => m.id)

layer(ApiTest, { excludeTestServices: true })("operators: message search and detail", (it) => {
  it.effect("each endpoint is in the OpenAPI document, described, behind the operator token", () =>
    Effect.gen(function* () {
      yield* expectOperatorEndpointsDocumented([
        ["get", "/v1/admin/messages"],
        ["get", "/v1/admin/messages/{id}"]
      ])
    })
  )

  it.effect("a sender's key is refused on the operator message endpoints", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Admin messages (refused)", 1_000)
      const id = yield* send(sender, "+380673330001")
      yield* expectRefusedToSender(sender, [
        ["GET", "/v1/admin/messages"],
        ["GET", `/v1/admin/messages/${id}`]
      ])
    })
  )

  it.effect("searches every account by id, recipient in any form, account, status and campaign", () =>
    Effect.gen(function* () {
      const alice = yield* newActiveSender("Admin search Alice", 10_000)
      const bob = yield* newActiveSender("Admin search Bob", 10_000)
      const a1 = yield* send(alice, "+380673330011")
      const b1 = yield* send(bob, "+380673330011")
      const a2 = yield* send(alice, "+380673330012")
      const b2 = yield* send(bob, "+380673330013")

      expect(idsOf(yield* search(`id=${b1}`))).toEqual([b1])
      const found = (yield* search(`id=${a2}`)).items[0]
      expect(found).toMatchObject({
        id: a2,
        accountId: alice.accountId,
        accountName: "Admin search Alice",
        to: "+380673330012",
        status: "QUEUED",
        deliveryStatus: "QUEUED",
        routeId: "ua-kyivstar",
        operatorId: "kyivstar",
        attempts: 0,
        events: [{ at: expect.any(String), status: "QUEUED", source: "api" }]
      })
      expect(idsOf(yield* search(`id=${ghost}`))).toEqual([])

      // the same number in both accounts, newest first, whatever form it is typed in
      const national = yield* search(`recipient=${encodeURIComponent("067 333 00 11")}&country=UA`)
      expect(idsOf(national)).toEqual([b1, a1])
      expect(idsOf(yield* search(`recipient=${encodeURIComponent("+380 (67) 333-00-11")}`))).toEqual([b1, a1])
      expect(idsOf(yield* search(`recipient=${encodeURIComponent("00380673330011")}`))).toEqual([b1, a1])
      expect(idsOf(yield* search(`recipient=%2B380673330011&accountId=${alice.accountId}`))).toEqual([a1])

      const invalid = yield* asOperator("GET", "/v1/admin/messages?recipient=12")
      expect(invalid.status).toBe(400)
      expect(invalid.body._tag).toBe("InvalidPhoneNumber")
      // a national number needs the country to be read
      expect((yield* asOperator("GET", "/v1/admin/messages?recipient=0673330011")).status).toBe(400)

      expect(idsOf(yield* search(`accountId=${bob.accountId}`))).toEqual([b2, b1])
      yield* step(b2, "SUBMITTING", { source: "bind", bindId: "kyivstar-1" })
      yield* step(a2, "DELIVRD", { source: "receipt" })
      // senders' statuses: ENROUTE covers SUBMITTING
      expect(idsOf(yield* search(`status=ENROUTE&accountId=${bob.accountId}`))).toEqual([b2])
      expect(idsOf(yield* search(`status=QUEUED&accountId=${bob.accountId}`))).toEqual([b1])
      const delivered = idsOf(yield* search("status=DELIVRD&limit=500"))
      expect(delivered).toContain(a2)
      expect(delivered).not.toContain(b2)
      expect((yield* asOperator("GET", "/v1/admin/messages?status=SUBMITTING")).status).toBe(400)
      // a malformed id says what an id looks like
      const badId = yield* asOperator("GET", "/v1/admin/messages?id=not-an-id")
      expect(badId.status).toBe(400)
      expect(JSON.stringify(badId.body)).toContain("Expected a Universally Unique Identifier")

      const group = yield* groupWith(alice, "G", [{ number: "+380673330014" }])
      const campaign = yield* draft(alice, [group])
      const sent = yield* campaignMessages(alice, campaign.id, ["+380673330014"])
      expect(idsOf(yield* search(`campaignId=${campaign.id}`))).toEqual([sent.get("+380673330014")])

      const future = new Date(Date.now() + 60_000).toISOString()
      expect(idsOf(yield* search(`since=${future}`))).toEqual([])
      expect(idsOf(yield* search(`until=${future}&accountId=${bob.accountId}`))).toEqual([b2, b1])
    })
  )

  it.effect("pages across accounts newest first with a cursor", () =>
    Effect.gen(function* () {
      const alice = yield* newActiveSender("Admin pages Alice", 10_000)
      const bob = yield* newActiveSender("Admin pages Bob", 10_000)
      const sent: Array<string> = []
      for (const sender of [alice, bob, alice, bob, alice]) sent.push(yield* send(sender, "+380673330021"))
      const seen: Array<string> = []
      let cursor: string | null = null
      let pages = 0
      do {
        const suffix: string = cursor === null ? "" : `&cursor=${cursor}`
        const page = yield* search(`recipient=%2B380673330021&limit=2${suffix}`)
        expect(page.items.length).toBeLessThanOrEqual(2)
        seen.push(...idsOf(page))
        cursor = page.nextCursor
        pages++
      } while (cursor !== null)
      expect(pages).toBe(3)
      expect(seen).toEqual([...sent].reverse())
    })
  )

  it.effect("one message with its account, SMSC id, every stored step and its parts", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Admin detail", 10_000)
      const id = yield* send(sender, "+380673330031", "x".repeat(200))
      yield* step(id, "SUBMITTING", { source: "bind", bindId: "kyivstar-1" })
      yield* step(id, "QUEUED", {
        source: "bind",
        bindId: "kyivstar-1",
        smppStatus: 0x58,
        detail: "throttled"
      })
      yield* step(id, "SUBMITTING", { source: "bind", bindId: "kyivstar-2" })
      yield* step(id, "ENROUTE", { source: "bind", bindId: "kyivstar-2", smppStatus: 0 }, "0a1b2c")
      yield* step(id, "DELIVRD", { source: "receipt", detail: "stat:DELIVRD err:000" })
      const sql = yield* SqlClient.SqlClient
      yield* sql`INSERT INTO message_parts (message_id, seq, operator_id, smsc_message_id, status, smpp_status)
        VALUES (${id}, 1, 'kyivstar', '0a1b2c', 'DELIVRD', 0), (${id}, 2, 'kyivstar', '0a1b2d', 'DELIVRD', 0)`

      const detail = expectStatus(yield* asOperator("GET", `/v1/admin/messages/${id}`), 200).body
      expect(detail).toMatchObject({
        id,
        accountId: sender.accountId,
        accountName: "Admin detail",
        to: "+380673330031",
        parts: 2,
        status: "DELIVRD",
        deliveryStatus: "DELIVRD",
        bindId: "kyivstar-2",
        smscMessageId: "0a1b2c",
        smppStatus: 0,
        attempts: 4
      })
      expect(detail.events).toEqual([
        { at: expect.any(String), status: "QUEUED", source: "api" },
        { at: expect.any(String), status: "SUBMITTING", source: "bind", bindId: "kyivstar-1" },
        {
          at: expect.any(String),
          status: "QUEUED",
          source: "bind",
          bindId: "kyivstar-1",
          smppStatus: 0x58,
          detail: "throttled"
        },
        { at: expect.any(String), status: "SUBMITTING", source: "bind", bindId: "kyivstar-2" },
        { at: expect.any(String), status: "ENROUTE", source: "bind", bindId: "kyivstar-2", smppStatus: 0 },
        { at: expect.any(String), status: "DELIVRD", source: "receipt", detail: "stat:DELIVRD err:000" }
      ])
      // the sender's view of the same history rides along
      expect(detail.history.map((h: { status: string }) => h.status)).toEqual([
        "QUEUED",
        "ENROUTE",
        "QUEUED",
        "ENROUTE",
        "DELIVRD"
      ])
      expect(detail.partDetails).toEqual([
        {
          seq: 1,
          operatorId: "kyivstar",
          smscMessageId: "0a1b2c",
          status: "DELIVRD",
          smppStatus: 0,
          updatedAt: expect.any(String)
        },
        {
          seq: 2,
          operatorId: "kyivstar",
          smscMessageId: "0a1b2d",
          status: "DELIVRD",
          smppStatus: 0,
          updatedAt: expect.any(String)
        }
      ])

      const unknown = yield* asOperator("GET", `/v1/admin/messages/${ghost}`)
      expect(unknown.status).toBe(404)
      expect(unknown.body).toMatchObject({ _tag: "MessageNotFound", messageId: ghost })
      expect((yield* asOperator("GET", "/v1/admin/messages/not-an-id")).status).toBe(400)
    })
  )
})

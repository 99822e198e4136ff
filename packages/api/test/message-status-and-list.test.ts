import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import type { AccountId, CampaignId } from "@volley/core"
import { uuid7 } from "@volley/core"
import { SendService } from "@volley/engine/send/SendService"
import { Effect } from "effect"
import { ApiTest, call, expectStatus, newActiveSender, type Sender } from "./support/ApiHarness.js"

const send = (sender: Sender, to: string, text = "Hi") =>
  Effect.map(sender.as("POST", "/v1/messages", { to, text }), (r) => expectStatus(r, 201).body.id as string)

/** Moves a message the way a bind would: claimed (SUBMITTING), then accepted by the SMSC (ENROUTE). */
const advance = (id: string, status: "SUBMITTING" | "ENROUTE" | "DELIVRD") =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`UPDATE messages SET status = ${status}, history = history || jsonb_build_array(jsonb_build_object(
          'at', now(), 'status', ${status}::text, 'source', 'bind', 'bindId', 'b1'))
        WHERE id = ${id}`.pipe(Effect.orDie)
  )

const pageThrough = (sender: Sender, query: string) =>
  Effect.gen(function* () {
    const seen: Array<string> = []
    let cursor: string | null = null
    do {
      const suffix: string = cursor === null ? "" : `&cursor=${cursor}`
      const page = expectStatus(yield* sender.as("GET", `/v1/messages?${query}${suffix}`), 200).body
      seen.push(...page.items.map((m: { id: string }) => m.id))
      cursor = page.nextCursor
    } while (cursor !== null)
    return seen
  })

layer(ApiTest, { excludeTestServices: true })("message status, list and export", (it) => {
  it.effect("one message with its history; SUBMITTING reads as ENROUTE", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Status", 1_000)
      const id = yield* send(sender, "+380671234567")
      const queued = expectStatus(yield* sender.as("GET", `/v1/messages/${id}`), 200).body
      expect(queued.status).toBe("QUEUED")
      expect(queued.history).toEqual([{ at: expect.any(String), status: "QUEUED" }])
      expect(queued).not.toHaveProperty("routeId")
      yield* advance(id, "SUBMITTING")
      const submitting = (yield* sender.as("GET", `/v1/messages/${id}`)).body
      expect(submitting.status).toBe("ENROUTE")
      expect(submitting.history.map((h: { status: string }) => h.status)).toEqual(["QUEUED", "ENROUTE"])
      const listed = (yield* sender.as("GET", "/v1/messages?status=ENROUTE")).body.items
      expect(listed.map((m: { id: string }) => m.id)).toEqual([id])
      yield* advance(id, "ENROUTE")
      yield* advance(id, "DELIVRD")
      const delivered = (yield* sender.as("GET", `/v1/messages/${id}`)).body
      expect(delivered.status).toBe("DELIVRD")
      expect(delivered.history.map((h: { status: string }) => h.status)).toEqual([
        "QUEUED",
        "ENROUTE",
        "DELIVRD"
      ])
    })
  )

  it.effect("another account's message is a 404; a malformed id a 400", () =>
    Effect.gen(function* () {
      const alice = yield* newActiveSender("Alice msgs", 1_000)
      const mallory = yield* newActiveSender("Mallory msgs", 1_000)
      const id = yield* send(alice, "+380671234567")
      const probe = yield* mallory.as("GET", `/v1/messages/${id}`)
      expect(probe.status).toBe(404)
      expect(probe.body).toMatchObject({ _tag: "MessageNotFound", messageId: id })
      expect((yield* mallory.as("GET", "/v1/messages")).body.items).toEqual([])
      // a cursor taken from another account reveals nothing
      expect((yield* mallory.as("GET", `/v1/messages?cursor=${id}`)).body.items).toEqual([])
      expect((yield* alice.as("GET", "/v1/messages/not-an-id")).status).toBe(400)
    })
  )

  it.effect("the list pages newest first and filters by recipient, status, time and campaign", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Lists", 10_000)
      const ids: Array<string> = []
      for (const n of [1, 2, 3, 4, 5]) ids.push(yield* send(sender, `+38067123456${n}`))
      ids.push(yield* send(sender, "+380671234561", "Again"))
      const all = yield* pageThrough(sender, "limit=2")
      expect(all).toEqual([...ids].reverse())

      const toFirst = yield* pageThrough(sender, `recipient=${encodeURIComponent("00380 67 123 45 61")}`)
      expect(toFirst).toEqual([ids[5], ids[0]])
      const invalid = yield* sender.as("GET", "/v1/messages?recipient=12")
      expect(invalid.status).toBe(400)
      expect(invalid.body._tag).toBe("InvalidPhoneNumber")

      yield* advance(ids[2]!, "DELIVRD")
      expect(yield* pageThrough(sender, "status=DELIVRD")).toEqual([ids[2]])
      expect((yield* sender.as("GET", "/v1/messages?status=SUBMITTING")).status).toBe(400)

      const future = new Date(Date.now() + 60_000).toISOString()
      expect(yield* pageThrough(sender, `since=${future}`)).toEqual([])
      expect(yield* pageThrough(sender, `until=${future}`)).toHaveLength(6)

      const sql = yield* SqlClient.SqlClient
      const campaignId = uuid7() as CampaignId
      yield* sql`INSERT INTO campaigns (id, account_id, name, sender, body, group_ids)
        VALUES (${campaignId}, ${sender.accountId}, 'Spring', 'Volley', 'Sale', '{}')`.pipe(Effect.orDie)
      const result = yield* (yield* SendService)
        .accept({
          accountId: sender.accountId as AccountId,
          sender: "Volley",
          campaignId,
          messages: [{ to: "+380671234599", text: "Sale" }]
        })
        .pipe(Effect.orDie)
      expect(yield* pageThrough(sender, `campaignId=${campaignId}`)).toEqual([result.accepted[0]!.messageId])
    })
  )

  it.effect("the CSV export streams the same filtered list, fields escaped", () =>
    Effect.gen(function* () {
      const sender = yield* newActiveSender("Export", 10_000)
      const plain = yield* send(sender, "+380671234567", "Plain")
      const tricky = yield* send(sender, "+380671234568", 'Say "hi",\nthen go')
      const reply = yield* call("GET", "/v1/messages/export.csv", { token: sender.key })
      expect(reply.status).toBe(200)
      expect(reply.headers["content-type"]).toContain("text/csv")
      expect(reply.headers["content-disposition"]).toContain("messages.csv")
      const text: string = reply.body
      const [header, ...rest] = text.split("\r\n")
      expect(header).toBe(
        "id,created_at,to,sender,status,status_reason,parts,charge_minor,refunded,campaign_id,scheduled_at,submitted_at,done_at,text"
      )
      expect(rest.at(-1)).toBe("")
      expect(text).toContain(`${tricky},`)
      expect(text).toContain(`,"Say ""hi"",\nthen go"\r\n`)
      expect(text.indexOf(tricky)).toBeLessThan(text.indexOf(plain))
      const filtered: string = (yield* call("GET", "/v1/messages/export.csv?recipient=%2B380671234567", {
        token: sender.key
      })).body
      expect(filtered.split("\r\n").filter((l) => l !== "")).toHaveLength(2)
      expect(filtered).toContain(plain)
      expect((yield* call("GET", "/v1/messages/export.csv")).status).toBe(401)
    })
  )
})

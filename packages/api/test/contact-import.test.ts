import { expect, layer } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { ApiTest, expectStatus, newSender, type Sender } from "./support/ApiHarness.js"
import { CSV, csvOf, upload, XLSX, xlsxOf } from "./support/Upload.js"

const newGroup = (sender: Sender, name: string) =>
  Effect.map(sender.as("POST", "/v1/groups", { name }), (reply) => expectStatus(reply, 201).body.id as string)

const allContacts = (sender: Sender, groupId: string) =>
  Effect.gen(function* () {
    const items: Array<{ msisdn: string; name: string | null; fields: Record<string, string> }> = []
    let cursor: string | null = null
    do {
      const query: string = cursor === null ? "" : `&cursor=${cursor}`
      const page = expectStatus(
        yield* sender.as("GET", `/v1/groups/${groupId}/contacts?limit=500${query}`),
        200
      )
      items.push(...page.body.items)
      cursor = page.body.nextCursor
    } while (cursor !== null)
    return items
  })

/**
 * Rows 2–12 of the sheet (the header is row 1): 5 added, 2 repeated within the file, 1 already in the
 * group, 3 invalid. Row 9's name spans two lines in CSV, so the CSV's later line numbers run one ahead.
 */
const header = ["Phone", "Name", "city", "first_name"]
const rows: ReadonlyArray<ReadonlyArray<string>> = [
  ["+380671000001", "Olena Petrenko", "Kyiv", "Olena"], // added
  ["380671000002", "Taras", "Lviv", ""], // added (international without its +)
  ["+380 67 100 00 01", "Someone else", "Odesa", "X"], // repeats the first row
  ["12", "Short", "", ""], // TOO_SHORT
  ["call me", "", "", ""], // NOT_A_NUMBER
  ["", "Nobody", "Dnipro", ""], // EMPTY
  ["+380501234567", "Already there", "", ""], // in the group before the upload
  ["+380631000003", "Multi\nline", "Kharkiv", ""], // added
  ["0631000004", "National", "", ""], // INVALID_COUNTRY without ?country=
  ["(050) 100-00-05", "", "", ""], // INVALID_COUNTRY … unless ?country=UA
  ["380671000002", "Taras again", "", ""] // repeats row 3
]

layer(ApiTest, { excludeTestServices: true })("contact import", (it) => {
  it.effect(
    "a CSV upload adds normalised contacts and accounts for every row, with exact rows and reasons",
    () =>
      Effect.gen(function* () {
        const sender = yield* newSender("CSV import")
        const group = yield* newGroup(sender, "Upload")
        expectStatus(
          yield* sender.as("POST", `/v1/groups/${group}/contacts`, { number: "+380501234567" }),
          201
        )

        const report = expectStatus(yield* upload(sender.key, group, csvOf([header, ...rows]), CSV), 200).body
        expect(report).toMatchObject({
          format: "csv",
          columns: { phone: "Phone", name: "Name", fields: ["city", "first_name"] },
          rowsRead: 11,
          added: 3,
          duplicatesInFile: 2,
          alreadyInGroup: 1,
          invalid: 5,
          invalidRowsTruncated: false
        })
        expect(report.rowsRead).toBe(
          report.added + report.duplicatesInFile + report.alreadyInGroup + report.invalid
        )
        expect(
          report.invalidRows.map((r: { row: number; value: string; reason: string }) => [
            r.row,
            r.value,
            r.reason
          ])
        ).toEqual([
          [5, "12", "TOO_SHORT"],
          [6, "call me", "NOT_A_NUMBER"],
          [7, "", "EMPTY"],
          [11, "0631000004", "INVALID_COUNTRY"],
          [12, "(050) 100-00-05", "INVALID_COUNTRY"]
        ])
        expect(report.invalidRows[0].message).toContain('"12"')

        const contacts = yield* allContacts(sender, group)
        expect(contacts.map((c) => c.msisdn)).toEqual([
          "+380501234567",
          "+380671000001",
          "+380671000002",
          "+380631000003"
        ])
        // the first of a repeated number wins; empty cells are left out of the fields
        expect(contacts[1]).toMatchObject({
          name: "Olena Petrenko",
          fields: { city: "Kyiv", first_name: "Olena" }
        })
        expect(contacts[2]).toMatchObject({ name: "Taras", fields: { city: "Lviv" } })
        expect(contacts[2]!.fields).not.toHaveProperty("first_name")
        expect(contacts[3]).toMatchObject({ name: "Multi\nline", fields: { city: "Kharkiv" } })
        // the pre-existing contact is left as it was
        expect(contacts[0]).toMatchObject({ name: null, fields: {} })

        // the same file again: everything valid is already there
        const again = expectStatus(yield* upload(sender.key, group, csvOf([header, ...rows]), CSV), 200).body
        expect(again).toMatchObject({
          rowsRead: 11,
          added: 0,
          duplicatesInFile: 2,
          alreadyInGroup: 4,
          invalid: 5
        })
      })
  )

  it.effect("?country= reads national numbers; `;` delimited files and a BOM are understood", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("National numbers")
      const group = yield* newGroup(sender, "UA")
      const text = "\uFEFFnumber;name\r\n0631000004;A\r\n(050) 100-00-05;B\r\n+447911123456;C\r\n"
      const report = expectStatus(
        yield* upload(
          sender.key,
          group,
          new TextEncoder().encode(text),
          "text/csv; charset=utf-8",
          "?country=UA"
        ),
        200
      ).body
      expect(report).toMatchObject({
        columns: { phone: "number", name: "name", fields: [] },
        added: 3,
        invalid: 0
      })
      expect((yield* allContacts(sender, group)).map((c) => c.msisdn)).toEqual([
        "+380631000004",
        "+380501000005",
        "+447911123456"
      ])
      const bad = yield* upload(sender.key, group, new TextEncoder().encode(text), CSV, "?country=Ukraine")
      expect(bad.status).toBe(400)
    })
  )

  it.effect("an XLSX of the same rows gives the same report", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("XLSX import")
      const group = yield* newGroup(sender, "Upload")
      expectStatus(yield* sender.as("POST", `/v1/groups/${group}/contacts`, { number: "+380501234567" }), 201)
      // a number typed into a cell as a number is read in full
      const cells = rows.map((r, i) => (i === 1 ? [380671000002, ...r.slice(1)] : r))
      const report = expectStatus(
        yield* upload(sender.key, group, yield* xlsxOf([header, ...cells]), XLSX),
        200
      ).body
      const csvGroup = yield* newGroup(sender, "Same as CSV")
      expectStatus(
        yield* sender.as("POST", `/v1/groups/${csvGroup}/contacts`, { number: "+380501234567" }),
        201
      )
      const fromCsv = expectStatus(
        yield* upload(sender.key, csvGroup, csvOf([header, ...rows]), CSV),
        200
      ).body
      // XLSX rows are the sheet's rows: there the two-line name is one row, so later rows are one lower
      expect(report).toEqual({
        ...fromCsv,
        format: "xlsx",
        invalidRows: fromCsv.invalidRows.map((r: { row: number }) => ({
          ...r,
          row: r.row > 10 ? r.row - 1 : r.row
        }))
      })
      const contacts = yield* allContacts(sender, group)
      expect(contacts.map((c) => [c.msisdn, c.name, c.fields])).toEqual(
        (yield* allContacts(sender, csvGroup)).map((c) => [c.msisdn, c.name, c.fields])
      )
    })
  )

  it.effect("a malformed file, a bad header or an unknown type is a typed error and adds nothing", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Malformed")
      const group = yield* newGroup(sender, "Strict")
      const valid = Array.from({ length: 20 }, (_, i) => `+3806710000${String(i).padStart(2, "0")}`)
      const brokenCsv = new TextEncoder().encode(
        `phone,name\n${valid.join(",x\n")},x\n"+380501234567"oops,y\n`
      )
      const broken = yield* upload(sender.key, group, brokenCsv, CSV)
      expect(broken.status).toBe(400)
      expect(broken.body).toMatchObject({ _tag: "MalformedImportFile", format: "csv", row: 22 })
      expect(broken.body.message).toContain("Nothing was added")

      const notXlsx = yield* upload(
        sender.key,
        group,
        new TextEncoder().encode("phone\n+380671234567\n"),
        XLSX
      )
      expect(notXlsx.status).toBe(400)
      expect(notXlsx.body).toMatchObject({ _tag: "MalformedImportFile", format: "xlsx" })

      const noPhone = yield* upload(
        sender.key,
        group,
        csvOf([
          ["name", "city"],
          ["A", "Kyiv"]
        ]),
        CSV
      )
      expect(noPhone.status).toBe(400)
      expect(noPhone.body).toMatchObject({ _tag: "InvalidImportHeader", columns: ["name", "city"] })
      const twice = yield* upload(sender.key, group, csvOf([["phone", "City", "city"]]), CSV)
      expect(twice.body).toMatchObject({ _tag: "InvalidImportHeader" })
      expect(twice.body.message).toContain('"city" twice')
      const twoPhones = yield* upload(sender.key, group, yield* xlsxOf([["phone", "number"]]), XLSX)
      expect(twoPhones.body._tag).toBe("InvalidImportHeader")

      const empty = yield* upload(sender.key, group, new Uint8Array(), CSV)
      expect(empty.status).toBe(400)
      expect(empty.body._tag).toBe("MalformedImportFile")

      const json = yield* upload(sender.key, group, new TextEncoder().encode("{}"), "application/json")
      expect(json.status).toBe(415)
      expect(json.body._tag).toBe("UnsupportedImportType")

      expect((yield* sender.as("GET", `/v1/groups/${group}`)).body.contacts).toBe(0)
    })
  )

  it.effect("a large streamed upload is counted exactly in bounded memory", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Large import")
      const group = yield* newGroup(sender, "Large")
      const total = 100_000
      // every 97th row invalid; every 53rd repeats the number of the row 9,000 earlier (an earlier batch)
      const numberOf = (i: number) => `+38067${String(1_000_000 + i).slice(-7)}`
      let invalid = 0
      let repeats = 0
      const lineOf = (i: number) => {
        if (i % 97 === 0) {
          invalid++
          return `not-a-number-${i},Row ${i}\n`
        }
        if (i % 53 === 0 && i > 9_000 && (i - 9_000) % 97 !== 0) {
          repeats++
          return `${numberOf(i - 9_000)},Again ${i}\n`
        }
        return `${numberOf(i)},Row ${i}\n`
      }
      const encoder = new TextEncoder()
      const body = Stream.range(0, total / 1_000 - 1).pipe(
        Stream.map((chunk) => {
          let text = chunk === 0 ? "phone,name\n" : ""
          for (let i = chunk * 1_000 + 1; i <= (chunk + 1) * 1_000; i++) text += lineOf(i)
          return encoder.encode(text)
        })
      )
      global.gc?.()
      const before = process.memoryUsage().heapUsed
      let peak = before
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().heapUsed)
      }, 5)
      const report = yield* upload(sender.key, group, body, CSV).pipe(
        Effect.ensuring(Effect.sync(() => clearInterval(sampler)))
      )
      expectStatus(report, 200)
      expect(report.body).toMatchObject({
        rowsRead: total,
        added: total - invalid - repeats,
        duplicatesInFile: repeats,
        alreadyInGroup: 0,
        invalid,
        invalidRowsTruncated: true
      })
      expect(report.body.invalidRows).toHaveLength(1_000)
      expect(report.body.invalidRows[0]).toMatchObject({
        row: 98,
        value: "not-a-number-97",
        reason: "NOT_A_NUMBER"
      })
      expect((yield* sender.as("GET", `/v1/groups/${group}`)).body.contacts).toBe(total - invalid - repeats)
      // the whole file as rows would take far more; one batch or two and the parser's buffers are what's held
      expect(peak - before).toBeLessThan(96 * 1024 * 1024)
    })
  )
})

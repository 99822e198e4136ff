import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ApiTest, call } from "./support/ApiHarness.js"

layer(ApiTest, { excludeTestServices: true })("OpenAPI document", (it) => {
  it.effect("lists the sender and operator endpoints, each with its security scheme", () =>
    Effect.gen(function* () {
      const reply = yield* call("GET", "/openapi.json")
      expect(reply.status).toBe(200)
      const doc = reply.body
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["operatorToken", "senderKey"])
      expect(doc.components.securitySchemes.senderKey).toMatchObject({ type: "http", scheme: "bearer" })
      for (const path of [
        "/v1/account",
        "/v1/balance",
        "/v1/ledger",
        "/v1/keys",
        "/v1/sender-ids",
        "/v1/blacklist"
      ]) {
        expect(doc.paths[path], path).toBeDefined()
        const operation = doc.paths[path].get ?? doc.paths[path].post
        expect(operation.security, path).toEqual([{ senderKey: [] }])
        expect(Object.keys(operation.responses), path).toEqual(expect.arrayContaining(["400", "401", "429"]))
      }
      for (const path of ["/v1/admin/accounts", "/v1/admin/sender-ids/pending"]) {
        const operation = doc.paths[path].get
        expect(operation.security, path).toEqual([{ operatorToken: [] }])
      }
      expect(doc.paths["/v1/admin/accounts/{accountId}/topups"].post.responses["404"]).toBeDefined()
      const send = doc.paths["/v1/messages"].post
      expect(Object.keys(send.responses)).toEqual(expect.arrayContaining(["201", "400", "402", "409", "422"]))
      expect(send.parameters.map((p: { name: string }) => p.name)).toContain("idempotency-key")
      expect(doc.paths["/v1/messages/batch"].post.responses["402"]).toBeDefined()
      expect(doc.paths["/v1/messages/estimate"].post.responses["422"]).toBeDefined()
      expect(doc.paths["/v1/messages/{id}"].get.responses["404"]).toBeDefined()
      expect(doc.paths["/v1/messages"].get.responses["200"]).toBeDefined()
      expect(doc.paths["/v1/messages/export.csv"].get.responses["200"].content["text/csv"]).toBeDefined()
      expect(doc.paths["/health"].get.security ?? []).toEqual([])
    })
  )
})

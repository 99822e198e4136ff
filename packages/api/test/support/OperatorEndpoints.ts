import { expect } from "@effect/vitest"
import { Effect } from "effect"
import { call, expectStatus, type Method, type Sender } from "./ApiHarness.js"

/** An endpoint as the OpenAPI document keys it: lower-case method, `{param}` path. */
export type DocumentedEndpoint = readonly ["get" | "post", string]

/** Each endpoint is in the OpenAPI document, described, behind the operator token (401 without it). */
export const expectOperatorEndpointsDocumented = (endpoints: ReadonlyArray<DocumentedEndpoint>) =>
  Effect.gen(function* () {
    const doc = expectStatus(yield* call("GET", "/openapi.json"), 200).body
    for (const [method, path] of endpoints) {
      const operation = doc.paths[path]?.[method]
      expect(operation, path).toBeDefined()
      expect(operation.description, path).toEqual(expect.any(String))
      expect(operation.security, path).toEqual([{ operatorToken: [] }])
      expect(operation.responses["401"], path).toBeDefined()
    }
  })

/** Each request is a 401 with the sender's key, and with no token at all. */
export const expectRefusedToSender = (sender: Sender, requests: ReadonlyArray<readonly [Method, string]>) =>
  Effect.gen(function* () {
    for (const [method, path] of requests) {
      expect((yield* call(method, path, { token: sender.key })).status, path).toBe(401)
      expect((yield* call(method, path)).status, path).toBe(401)
    }
  })

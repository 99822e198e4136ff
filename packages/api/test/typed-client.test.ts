import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { expect, layer } from "@effect/vitest"
import { InvalidPhoneNumber } from "@volley/core"
import { Effect } from "effect"
import { VolleyApi } from "../src/Api.js"
import { ApiTest, newSender } from "./support/ApiHarness.js"

/** The contract is shareable: a client derived from VolleyApi decodes successes and typed errors. */
layer(ApiTest, { excludeTestServices: true })("typed client", (it) => {
  const clientFor = (key: string) =>
    HttpApiClient.make(VolleyApi, {
      transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(key))
    })

  it.effect("successes decode to the domain classes, errors to their tagged classes with messages", () =>
    Effect.gen(function* () {
      const sender = yield* newSender("Typed")
      const client = yield* clientFor(sender.key)
      const entry = yield* client.blacklist.add({ payload: { number: "+380671234567" } })
      expect(entry.createdAt).toBeInstanceOf(Date)
      const error = yield* client.blacklist.add({ payload: { number: "12" } }).pipe(Effect.flip)
      expect(error._tag).toBe("InvalidPhoneNumber")
      expect(error).toBeInstanceOf(InvalidPhoneNumber)
      expect(error.message).toBe('Phone number "12" is too short for its country.')
      const balance = yield* client.account.balance()
      expect(balance.currency).toBe("UAH")

      const anonymous = yield* clientFor("nope")
      const refused = yield* anonymous.account.balance().pipe(Effect.flip)
      expect(refused._tag).toBe("Unauthorized")
    })
  )
})

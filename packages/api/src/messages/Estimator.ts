import { type Account, analyze, type E164, RecipientRefused, type RefusalCode } from "@volley/core"
import { parsePhoneNumberWithCountry } from "@volley/core/phone/PhoneNumber"
import { routeAndPrice } from "@volley/core/pricing/routeAndPrice"
import { BlacklistRepo } from "@volley/engine/blacklist/BlacklistRepo"
import { type CatalogSnapshot, RoutingCatalog } from "@volley/engine/catalog/RoutingCatalog"
import { Effect, Either } from "effect"
import { Estimate, EstimatedRecipient, type EstimateRequest } from "./SendApi.js"

export interface PricedRecipient {
  readonly to: E164
  readonly pricePerPartMinor: number
  readonly chargeMinor: number
}

/**
 * A number's route and the price of a message of `parts` parts to it, or why a send would refuse it:
 * the send path's own checks in its order (number, then `routeAndPrice`). Campaign previews use it too.
 */
export const priceRecipient = (
  snapshot: CatalogSnapshot,
  to: string,
  parts: number
): Either.Either<PricedRecipient, { readonly code: RefusalCode; readonly message: string }> => {
  const number = parsePhoneNumberWithCountry(to)
  if (Either.isLeft(number)) return Either.left({ code: "INVALID_NUMBER", message: number.left.message })
  return Either.map(routeAndPrice(snapshot, number.right, parts), (routed) => ({
    to: number.right.e164,
    pricePerPartMinor: routed.pricePerPart,
    chargeMinor: routed.total
  }))
}

const refuse = (index: number, recipient: string, code: RefusalCode, message: string) =>
  new RecipientRefused({ index, recipient, code, message })

/**
 * What a send of this text would cost, without sending: the same analysis, routing, price table and
 * blacklist the send path uses (one text, so the parts and encoding are the same for every recipient).
 */
export class Estimator extends Effect.Service<Estimator>()("volley/api/Estimator", {
  effect: Effect.gen(function* () {
    const blacklist = yield* BlacklistRepo
    const catalog = yield* RoutingCatalog

    const estimate = Effect.fn("Estimator.estimate")(function* (account: Account, request: EstimateRequest) {
      const analysed = analyze(request.text, { maxParts: account.maxParts })
      if (Either.isLeft(analysed)) {
        // the payload schema refuses an empty text, so only the part limit is left
        if (analysed.left._tag === "EmptyText") return yield* Effect.die(analysed.left)
        return yield* analysed.left
      }
      const text = analysed.right
      const snapshot = yield* catalog.snapshot
      const refused: Array<RecipientRefused> = []
      const priced: Array<EstimatedRecipient> = []
      for (const [index, to] of request.to.entries()) {
        const price = priceRecipient(snapshot, to, text.parts)
        if (Either.isLeft(price)) {
          refused.push(refuse(index, to, price.left.code, price.left.message))
          continue
        }
        priced.push(
          new EstimatedRecipient({
            index,
            to: price.right.to,
            pricePerPartMinor: price.right.pricePerPartMinor,
            chargeMinor: price.right.chargeMinor
          })
        )
      }
      const blocked = yield* blacklist.filterBlacklisted(
        account.id,
        priced.map((r) => r.to)
      )
      const recipients = priced.filter((r) => !blocked.has(r.to))
      for (const r of priced) {
        if (blocked.has(r.to)) refused.push(refuse(r.index, r.to, "BLACKLISTED", `${r.to} opted out`))
      }
      return new Estimate({
        encoding: text.encoding,
        characters: text.characters,
        units: text.units,
        parts: text.parts,
        unitsPerPart: text.unitsPerPart,
        remainingInLastPart: text.remainingInLastPart,
        maxParts: account.maxParts,
        recipients,
        refused: refused.sort((a, b) => a.index - b.index),
        totalMinor: recipients.reduce((sum, r) => sum + r.chargeMinor, 0),
        currency: account.currency
      })
    })

    return { estimate } as const
  })
}) {}

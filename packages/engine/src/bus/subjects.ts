import { Effect } from "effect"
import { BusError } from "./errors.js"

/**
 * Subject and stream naming. Ids become single subject tokens and consumer names, which must not hold
 * `.`, `*`, `>`, whitespace or path separators; a RouteId is any trimmed string, so ids outside the safe
 * alphabet are carried as `~` + base64url(utf-8) — injective, and reversible for `Delivery.key`.
 */
const safe = /^[A-Za-z0-9_-]{1,128}$/
const prefixPattern = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/

export const encodeKey = (id: string): string =>
  safe.test(id) ? id : `~${Buffer.from(id, "utf8").toString("base64url")}`

export const decodeKey = (token: string): string =>
  token.startsWith("~") ? Buffer.from(token.slice(1), "base64url").toString("utf8") : token

/** The id carried by a subject's last token. */
export const keyOfSubject = (subject: string): string =>
  decodeKey(subject.slice(subject.lastIndexOf(".") + 1))

export type Family = "submit" | "dlr" | "status" | "telemetry" | "announce"

export interface Names {
  readonly prefix: string
  readonly subject: (family: Family, id: string) => string
  readonly wildcard: (family: Family) => string
  readonly stream: (family: "submit" | "dlr" | "status") => string
  readonly routeConsumer: (routeId: string) => string
  readonly receiptsConsumer: string
  readonly statusConsumer: (subscriber: string) => string
}

export const validatePrefix = (prefix: string): Effect.Effect<string, BusError> =>
  prefixPattern.test(prefix)
    ? Effect.succeed(prefix)
    : Effect.fail(
        new BusError({ reason: "InvalidName", message: `bus prefix "${prefix}" is not a subject prefix` })
      )

export const validateSubscriber = (name: string): Effect.Effect<string, BusError> =>
  name.length > 0 && name.length <= 200
    ? Effect.succeed(name)
    : Effect.fail(new BusError({ reason: "InvalidName", message: `status subscriber name "${name}"` }))

/** Stream names: the prefix with dots as underscores, upper-cased, then the family (`VOLLEY_SUBMIT`). */
export const streamName = (prefix: string, family: "submit" | "dlr" | "status") =>
  `${prefix.replaceAll(".", "_").toUpperCase()}_${family.toUpperCase()}`

export const makeNames = (prefix: string): Names => ({
  prefix,
  subject: (family, id) => `${prefix}.${family}.${encodeKey(id)}`,
  wildcard: (family) => `${prefix}.${family}.*`,
  stream: (family) => streamName(prefix, family),
  routeConsumer: (routeId) => `route_${encodeKey(routeId)}`,
  receiptsConsumer: "dlr_correlator",
  statusConsumer: (subscriber) => `status_${encodeKey(subscriber)}`
})

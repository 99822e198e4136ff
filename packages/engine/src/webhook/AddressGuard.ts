import { lookup } from "node:dns/promises"
import { BlockList, isIP } from "node:net"
import { Effect, Schema } from "effect"

/** A webhook URL Volley will not call: not http(s), unresolvable, or (in production) a private address. */
export class UnsafeWebhookUrl extends Schema.TaggedError<UnsafeWebhookUrl>()("UnsafeWebhookUrl", {
  url: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `Webhook URL ${this.url} refused: ${this.reason}`
  }
}

/** Loopback, private, link-local and unspecified ranges (IPv4-mapped IPv6 addresses match the IPv4 rules). */
const privateRanges = new BlockList()
privateRanges.addSubnet("0.0.0.0", 8, "ipv4")
privateRanges.addSubnet("10.0.0.0", 8, "ipv4")
privateRanges.addSubnet("127.0.0.0", 8, "ipv4")
privateRanges.addSubnet("169.254.0.0", 16, "ipv4")
privateRanges.addSubnet("172.16.0.0", 12, "ipv4")
privateRanges.addSubnet("192.168.0.0", 16, "ipv4")
privateRanges.addAddress("::", "ipv6")
privateRanges.addAddress("::1", "ipv6")
privateRanges.addSubnet("fc00::", 7, "ipv6")
privateRanges.addSubnet("fe80::", 10, "ipv6")

export const isPrivateAddress = (address: string): boolean => {
  const family = isIP(address)
  if (family === 0) return true
  return privateRanges.check(address, family === 4 ? "ipv4" : "ipv6")
}

/** `[::1]` in a URL is `::1` to the resolver. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1")

/** Every address `host` resolves to (itself when it is an address). */
const resolve = (host: string) =>
  isIP(host) !== 0
    ? Effect.succeed([host])
    : Effect.tryPromise(() => lookup(host, { all: true, verbatim: true })).pipe(
        Effect.map((all) => all.map((a) => a.address))
      )

/**
 * Checks a URL before it is stored or called: http or https, and unless private addresses are allowed,
 * a host whose every address is public. A host that resolves to one private address among public ones
 * is refused too (the resolver may pick either). Delivery checks again when it connects (DNS rebinding).
 */
export const checkWebhookUrl = (raw: string, allowPrivate: boolean) =>
  Effect.gen(function* () {
    const refuse = (reason: string) => Effect.fail(new UnsafeWebhookUrl({ url: raw, reason }))
    const url = URL.canParse(raw) ? new URL(raw) : undefined
    if (url === undefined) return yield* refuse("not a valid URL")
    if (url.protocol !== "https:" && url.protocol !== "http:") return yield* refuse("only http and https")
    if (url.username !== "" || url.password !== "") return yield* refuse("credentials in the URL")
    if (allowPrivate) return url
    const host = hostOf(url)
    const addresses = yield* resolve(host).pipe(
      Effect.catchAll(() => refuse(`host ${host} does not resolve`))
    )
    const bad = addresses.find(isPrivateAddress)
    if (addresses.length === 0) return yield* refuse(`host ${host} does not resolve`)
    if (bad !== undefined)
      return yield* refuse(`${host} is a loopback, private or link-local address (${bad})`)
    return url
  })

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"

/** The header receivers verify: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const SIGNATURE_HEADER = "Volley-Signature"

/** A new signing secret: 32 random bytes, shown to the sender once. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString("base64url")}`

const hmac = (secret: string, t: number, body: string) =>
  createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")

/** Signs `body` as of `t`; the timestamp is signed too, so a captured request cannot be replayed later. */
export const signWebhook = (secret: string, body: string, t: number = Math.floor(Date.now() / 1000)) =>
  `t=${t},v1=${hmac(secret, t, body)}`

/**
 * What a receiver does (and the tests): recompute the HMAC over the raw body, compare in constant time,
 * and refuse a timestamp more than `toleranceSeconds` away from now.
 */
export const verifyWebhook = (
  secret: string,
  body: string,
  header: string | undefined,
  toleranceSeconds = 300,
  now: number = Math.floor(Date.now() / 1000)
): boolean => {
  if (header === undefined) return false
  const parts = new Map(
    header.split(",").map((kv) => {
      const i = kv.indexOf("=")
      return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const
    })
  )
  const t = Number(parts.get("t"))
  const v1 = parts.get("v1")
  if (!Number.isInteger(t) || v1 === undefined || Math.abs(now - t) > toleranceSeconds) return false
  const expected = Buffer.from(hmac(secret, t, body), "hex")
  const given = Buffer.from(v1, "hex")
  return given.length === expected.length && timingSafeEqual(given, expected)
}

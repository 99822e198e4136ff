import { createHash } from "node:crypto"

/**
 * A `Nats-Msg-Id` for a batch, from every one of its items' keys: the same batch published again (a
 * retried publish) gets the same id and is stored once; any other batch gets another, however alike its
 * ends or its length.
 */
export const contentId = (kind: string, keys: Iterable<string>): string => {
  const digest = createHash("sha1")
  let count = 0
  for (const key of keys) {
    digest.update(key)
    digest.update("\n")
    count++
  }
  return `${kind}:${count}:${digest.digest("base64url")}`
}

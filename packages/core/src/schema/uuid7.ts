/**
 * UUIDv7 (RFC 9562): time-ordered, so ids minted together sit together in a btree index and the
 * newest rows are cheap to page. Ids are minted in our process (not by the database) so a message can
 * be published with its id before the commit's round trip returns.
 */
let lastMs = 0
let sequence = 0

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

export const uuid7 = (
  now: number = Date.now(),
  random: (bytes: Uint8Array) => Uint8Array = fillRandom
): string => {
  // A 12-bit counter in rand_a keeps ids minted in the same millisecond in order.
  if (now <= lastMs) {
    sequence = (sequence + 1) & 0xfff
    if (sequence === 0) lastMs += 1
    now = lastMs
  } else {
    lastMs = now
    sequence = 0
  }
  const b = random(new Uint8Array(16))
  b[0] = Math.floor(now / 2 ** 40) & 0xff
  b[1] = Math.floor(now / 2 ** 32) & 0xff
  b[2] = (now >>> 24) & 0xff
  b[3] = (now >>> 16) & 0xff
  b[4] = (now >>> 8) & 0xff
  b[5] = now & 0xff
  b[6] = 0x70 | ((sequence >>> 8) & 0x0f)
  b[7] = sequence & 0xff
  b[8] = 0x80 | (b[8]! & 0x3f)
  let s = ""
  for (let i = 0; i < 16; i++) {
    s += hex[b[i]!]
    if (i === 3 || i === 5 || i === 7 || i === 9) s += "-"
  }
  return s
}

/** Random bytes drawn 4 KiB at a time: one CSPRNG call per 256 ids, not one per id. */
const pool = new Uint8Array(4096)
let poolAt = pool.length

function fillRandom(bytes: Uint8Array): Uint8Array {
  if (poolAt + bytes.length > pool.length) {
    globalThis.crypto.getRandomValues(pool)
    poolAt = 0
  }
  bytes.set(pool.subarray(poolAt, poolAt + bytes.length))
  poolAt += bytes.length
  return bytes
}

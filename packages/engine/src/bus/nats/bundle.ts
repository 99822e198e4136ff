import { contentId } from "../contentId.js"

/**
 * Many bus items in one JetStream message (DESIGN §1's "batched publishes"): a persisted publish, its ack,
 * a pull delivery and its ack reply cost the same for 1 item as for 200, so the hot streams carry bundles.
 * Binary and hand-written because it sits on the hot path and only our own code writes it:
 *
 *   0xB7 0x01 | u32 count | count × ( u8 hops | u16 idLength | id (UTF-8) | u32 dataLength | data )
 *
 * `hops` counts the times an item was given back (nak) and published again in a new bundle, so its
 * redelivery count survives the move.
 */
export interface BundleItem {
  readonly msgId: string
  readonly data: Uint8Array
  readonly hops: number
}

const MAGIC = 0xb7
const VERSION = 1
const HEADER = 6

/** Groups items into bundles of at most `maxItems` items and about `maxBytes` bytes. */
const bundleItems = (
  items: ReadonlyArray<BundleItem>,
  maxItems: number,
  maxBytes: number
): ReadonlyArray<ReadonlyArray<BundleItem>> => {
  const bundles: Array<Array<BundleItem>> = []
  let current: Array<BundleItem> = []
  let bytes = HEADER
  for (const item of items) {
    const size = 7 + item.msgId.length * 3 + item.data.length
    if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) {
      bundles.push(current)
      current = []
      bytes = HEADER
    }
    current.push(item)
    bytes += size
  }
  if (current.length > 0) bundles.push(current)
  return bundles
}

const encodeBundle = (items: ReadonlyArray<BundleItem>): Uint8Array => {
  const ids = items.map((item) => Buffer.from(item.msgId, "utf8"))
  let size = HEADER
  items.forEach((item, i) => {
    size += 7 + ids[i]!.length + item.data.length
  })
  const out = Buffer.allocUnsafe(size)
  out[0] = MAGIC
  out[1] = VERSION
  out.writeUInt32BE(items.length, 2)
  let at = HEADER
  items.forEach((item, i) => {
    const id = ids[i]!
    out[at] = Math.min(item.hops, 255)
    out.writeUInt16BE(id.length, at + 1)
    id.copy(out, at + 3)
    at += 3 + id.length
    out.writeUInt32BE(item.data.length, at)
    out.set(item.data, at + 4)
    at += 4 + item.data.length
  })
  return out
}

/** The items of a bundle (views into `bytes`, no copy), or undefined when `bytes` is not a bundle. */
export const decodeBundle = (bytes: Uint8Array): ReadonlyArray<BundleItem> | undefined => {
  if (bytes.length < HEADER || bytes[0] !== MAGIC || bytes[1] !== VERSION) return undefined
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = buf.readUInt32BE(2)
  const items: Array<BundleItem> = []
  let at = HEADER
  for (let i = 0; i < count; i++) {
    if (at + 3 > buf.length) return undefined
    const hops = buf[at]!
    const idLength = buf.readUInt16BE(at + 1)
    at += 3
    if (at + idLength + 4 > buf.length) return undefined
    const msgId = buf.toString("utf8", at, at + idLength)
    at += idLength
    const dataLength = buf.readUInt32BE(at)
    at += 4
    if (at + dataLength > buf.length) return undefined
    items.push({ msgId, hops, data: buf.subarray(at, at + dataLength) })
    at += dataLength
  }
  return at === buf.length ? items : undefined
}

/**
 * The bundle's `Nats-Msg-Id`: a digest of every item's id and hop count, so the same items published
 * again as one batch (a retried publish) are stored once, while any other batch — even one with the same
 * length, first and last item — is stored. An item that comes back in a different batch is stored
 * again, and its consumer's idempotence (the claim, the transition guards) keeps it from acting twice.
 */
const bundleMsgId = (items: ReadonlyArray<BundleItem>): string =>
  contentId(
    "b",
    items.map((item) => `${item.hops}:${item.msgId}`)
  )

/** Items as the JetStream messages that carry them: bundled, each with its id and its items' weight. */
export const toBundleMessages = (items: ReadonlyArray<BundleItem>, maxItems: number, maxBytes: number) =>
  bundleItems(items, maxItems, maxBytes).map((bundle) => ({
    msgId: bundleMsgId(bundle),
    data: encodeBundle(bundle),
    weight: bundle.length
  }))

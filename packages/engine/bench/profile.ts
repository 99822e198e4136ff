import { readFileSync, writeFileSync } from "node:fs"
import { Session } from "node:inspector/promises"
import { findSourceMap } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
  readonly columnNumber: number
}
interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly children?: ReadonlyArray<number>
}
interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly startTime: number
  readonly endTime: number
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

/**
 * A V8 CPU profile of this process from now until `stop()` (one phase of the engine run, not the raw run
 * or tsx's start-up), written as a .cpuprofile that Chrome DevTools or speedscope open.
 */
export const startProfiler = async (label: string) => {
  const session = new Session()
  session.connect()
  await session.post("Profiler.enable")
  await session.post("Profiler.setSamplingInterval", { interval: 500 })
  await session.post("Profiler.start")
  return {
    stop: async (): Promise<string> => {
      const { profile } = await session.post("Profiler.stop")
      session.disconnect()
      const path = join(tmpdir(), `volley-bench-${Date.now()}-${label}.cpuprofile`)
      writeFileSync(path, JSON.stringify(profile))
      return path
    }
  }
}

const repoMarker = "/packages/"

/** Where a frame's code lives: our own file, an npm package, Node's internals or V8's pseudo-frames. */
export const areaOf = (frame: CallFrame): string => {
  const url = frame.url
  if (url === "") return frame.functionName.startsWith("(") ? frame.functionName : "(native)"
  if (url.startsWith("node:")) return "node:internal"
  const nm = url.lastIndexOf("/node_modules/")
  if (nm >= 0) {
    const rest = url.slice(nm + "/node_modules/".length).split("/")
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url)
  }
  const own = url.indexOf(repoMarker)
  return own >= 0 ? url.slice(own + 1).replace(/^file:\/\//, "") : url
}

const sourceLines = new Map<string, ReadonlyArray<string>>()
const lineOf = (file: string, line: number) => {
  let lines = sourceLines.get(file)
  if (lines === undefined) {
    try {
      lines = readFileSync(file, "utf8").split("\n")
    } catch {
      lines = []
    }
    sourceLines.set(file, lines)
  }
  return lines[line]?.trim() ?? ""
}

/**
 * `file:line name` of a frame. tsx runs our TypeScript transpiled (one line per module), so our frames
 * are mapped back through the source maps tsx registers; an anonymous function (an `Effect.gen` body,
 * a callback) is named by the start of its source line.
 */
const where = (frame: CallFrame) => {
  const area = areaOf(frame)
  if (area === "(native)") return `(native) ${frame.functionName}`
  if (area.startsWith("(")) return area
  let line = frame.lineNumber
  let name = frame.functionName
  if (frame.url.includes(repoMarker) && !frame.url.includes("/node_modules/")) {
    const entry = findSourceMap(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber) as
      | { originalLine?: number; originalSource?: string }
      | undefined
    if (entry?.originalLine !== undefined) {
      line = entry.originalLine
      if (name === "") {
        const file = entry.originalSource?.startsWith("file://")
          ? fileURLToPath(entry.originalSource)
          : fileURLToPath(frame.url)
        name = `«${lineOf(file, line).slice(0, 60)}»`
      }
    }
  }
  return `${area}:${line + 1} ${name === "" ? "(anonymous)" : name}`
}

export interface ProfileSummary {
  readonly seconds: number
  readonly byArea: ReadonlyArray<readonly [string, number]>
  readonly bySelf: ReadonlyArray<readonly [string, number]>
  /** Our own functions (packages/*), by time including what they call (synchronously). */
  readonly ownInclusive: ReadonlyArray<readonly [string, number]>
  /**
   * Every sample charged to the nearest of our own frames above it: what our code costs including the
   * library code it calls directly (Effect's scheduler runs fibers from its own loop, so work resumed by
   * the runtime shows under "no own frame").
   */
  readonly byNearestOwn: ReadonlyArray<readonly [string, number]>
}

/** Self time by area and by function, and inclusive time of our own functions, in ms. */
export const summariseProfile = (path: string, top = 20): ProfileSummary => {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<string, number>()
  const area = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const nearest = new Map<string, number>()
  const isOwn = (frame: CallFrame) =>
    frame.url.includes(repoMarker) && !frame.url.includes("/node_modules/") && !frame.url.includes("/bench/")
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000
    const node = byId.get(id)
    if (node === undefined) return
    const key = where(node.callFrame)
    self.set(key, (self.get(key) ?? 0) + ms)
    const a = areaOf(node.callFrame)
    area.set(a, (area.get(a) ?? 0) + ms)
    // V8's pseudo-frames ((garbage collector), (idle), (program)) stay themselves; builtins go to their caller.
    let owner: string | undefined = a.startsWith("(") && a !== "(native)" ? a : undefined
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame
      if (frame === undefined || !isOwn(frame)) continue
      const k = where(frame)
      owner ??= k
      if (seen.has(k)) continue
      seen.add(k)
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms)
    }
    owner ??= `(no own frame: ${a})`
    nearest.set(owner, (nearest.get(owner) ?? 0) + ms)
  })
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
  return {
    seconds: (profile.endTime - profile.startTime) / 1e6,
    byArea: sorted(area),
    bySelf: sorted(self),
    ownInclusive: sorted(inclusive),
    byNearestOwn: sorted(nearest)
  }
}

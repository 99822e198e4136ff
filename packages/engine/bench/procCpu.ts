import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync, readlinkSync } from "node:fs"

/** Services whose CPU the bench charges to the run (DESIGN.md §11: everything on the box counts). */
const SERVICES = ["postgres", "nats-server", "redis-server"] as const
export type Service = (typeof SERVICES)[number]

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100
  } catch {
    return 100
  }
})()

interface ProcTimes {
  readonly service: Service
  readonly ticks: number
}

export interface CpuSnapshot {
  readonly processes: ReadonlyMap<number, ProcTimes>
  /** Busy and total jiffies of the whole machine (/proc/stat's first line). */
  readonly machineBusy: number
  readonly machineTotal: number
}

const readProc = (pid: string): ProcTimes | undefined => {
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim()
    const service = SERVICES.find((s) => comm === s || comm.startsWith(s))
    if (service === undefined) return undefined
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    // Fields after the parenthesised comm: state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return { service, ticks: Number(fields[11]) + Number(fields[12]) }
  } catch {
    return undefined // gone between readdir and read
  }
}

/** CPU times of the machine and (unless told not to) of every PostgreSQL, NATS and Redis process, now (Linux /proc). */
export const cpuSnapshot = (withProcesses = true): CpuSnapshot => {
  const processes = new Map<number, ProcTimes>()
  try {
    for (const entry of withProcesses ? readdirSync("/proc") : []) {
      if (!/^\d+$/.test(entry)) continue
      const times = readProc(entry)
      if (times !== undefined) processes.set(Number(entry), times)
    }
  } catch {
    // not Linux: the figures say 0
  }
  let machineBusy = 0
  let machineTotal = 0
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? ""
    const values = line.trim().split(/\s+/).slice(1).map(Number)
    machineTotal = values.reduce((a, b) => a + b, 0)
    // idle and iowait are not busy
    machineBusy = machineTotal - (values[3] ?? 0) - (values[4] ?? 0)
  } catch {
    // idem
  }
  return { processes, machineBusy, machineTotal }
}

export interface CpuDelta {
  /** CPU seconds each service used between the snapshots (a process started meanwhile counts whole). */
  readonly services: Readonly<Record<Service, number>>
  /** The part of `services.postgres` used by the backends serving this process's connections. */
  readonly ownPostgres: number
  readonly machineBusySeconds: number
  readonly machineUtilisation: number
}

export const cpuDelta = (
  before: CpuSnapshot,
  after: CpuSnapshot,
  ownBackends: ReadonlySet<number> = new Set()
): CpuDelta => {
  const services: Record<Service, number> = { postgres: 0, "nats-server": 0, "redis-server": 0 }
  let ownPostgres = 0
  for (const [pid, now] of after.processes) {
    const then = before.processes.get(pid)
    const seconds = (now.ticks - (then?.ticks ?? 0)) / ticksPerSecond
    services[now.service] += seconds
    if (ownBackends.has(pid)) ownPostgres += seconds
  }
  const busy = after.machineBusy - before.machineBusy
  const total = after.machineTotal - before.machineTotal
  return {
    services,
    ownPostgres,
    machineBusySeconds: busy / ticksPerSecond,
    machineUtilisation: total > 0 ? busy / total : 0
  }
}

/**
 * Local ports of this process's TCP connections to `remotePort` (Linux: socket inodes of /proc/self/fd
 * matched against /proc/net/tcp{,6}). With pg_stat_activity.client_port they name the PostgreSQL backends
 * that serve this process — the machine's PostgreSQL is shared with whatever else runs meanwhile.
 */
export const ownLocalPorts = (remotePort: number): ReadonlyArray<number> => {
  try {
    const inodes = new Set<string>()
    for (const fd of readdirSync("/proc/self/fd")) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))
        if (m?.[1] !== undefined) inodes.add(m[1])
      } catch {
        // closed meanwhile
      }
    }
    const ports: Array<number> = []
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      let text = ""
      try {
        text = readFileSync(table, "utf8")
      } catch {
        continue
      }
      for (const line of text.split("\n").slice(1)) {
        const cols = line.trim().split(/\s+/)
        const local = cols[1]
        const remote = cols[2]
        const inode = cols[9]
        if (local === undefined || remote === undefined || inode === undefined || !inodes.has(inode)) continue
        if (Number.parseInt(remote.split(":")[1] ?? "", 16) !== remotePort) continue
        ports.push(Number.parseInt(local.split(":")[1] ?? "", 16))
      }
    }
    return ports
  } catch {
    return []
  }
}

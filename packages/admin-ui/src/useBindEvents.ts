import { useEffect, useRef, useState } from "react"
import { BIND_EVENTS_URL, type BindsFrame } from "./api"

/** Samples kept per bind for its sparkline: the last minute at one sample a second. */
const HISTORY = 60
/** Samples of the platform's total throughput: the last five minutes. */
const TOTAL_HISTORY = 300
/** Frames also come on state changes; the sparkline keeps one sample a second so its time scale holds. */
const SAMPLE_EVERY_MS = 900

export type FeedStatus = "connecting" | "live" | "reconnecting" | "closed"

export interface BindFeed {
  readonly status: FeedStatus
  readonly frame: BindsFrame | null
  /** TPS samples per bind, oldest first. */
  readonly history: ReadonlyMap<string, ReadonlyArray<number>>
  /** Submits per second summed over every bind, one sample a second, oldest first. */
  readonly throughput: ReadonlyArray<number>
  readonly retry: () => void
}

/**
 * The live binds stream. EventSource reconnects by itself after a dropped connection; a refused one
 * (signed out, server gone for good) closes it, and `retry` opens a new one.
 */
export const useBindEvents = (): BindFeed => {
  const [status, setStatus] = useState<FeedStatus>("connecting")
  const [frame, setFrame] = useState<BindsFrame | null>(null)
  const [history, setHistory] = useState<ReadonlyMap<string, ReadonlyArray<number>>>(new Map())
  const [throughput, setThroughput] = useState<ReadonlyArray<number>>([])
  const [attempt, setAttempt] = useState(0)
  const sampledAt = useRef(0)

  useEffect(() => {
    void attempt
    const source = new EventSource(BIND_EVENTS_URL, { withCredentials: true })
    source.addEventListener("open", () => setStatus("live"))
    source.addEventListener("error", () =>
      setStatus(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting")
    )
    source.addEventListener("binds", (event) => {
      const next = JSON.parse((event as MessageEvent<string>).data) as BindsFrame
      setStatus("live")
      setFrame(next)
      // A frame sooner than a second after the last sample replaces it, so the newest value is always drawn.
      const append = next.at - sampledAt.current >= SAMPLE_EVERY_MS
      if (append) sampledAt.current = next.at
      setHistory((previous) => {
        const updated = new Map<string, ReadonlyArray<number>>()
        for (const bind of next.binds) {
          const samples = previous.get(bind.bindId) ?? []
          const kept = append || samples.length === 0 ? samples : samples.slice(0, -1)
          updated.set(bind.bindId, [...kept, bind.tpsNow].slice(-HISTORY))
        }
        return updated
      })
      const total = next.binds.reduce((sum, bind) => sum + bind.tpsNow, 0)
      setThroughput((previous) =>
        [...(append || previous.length === 0 ? previous : previous.slice(0, -1)), total].slice(-TOTAL_HISTORY)
      )
    })
    return () => source.close()
  }, [attempt])

  return {
    status,
    frame,
    history,
    throughput,
    retry: () => {
      setStatus("connecting")
      setAttempt((n) => n + 1)
    }
  }
}

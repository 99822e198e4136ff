import { useCallback, useEffect, useRef, useState } from "react"
import { describe } from "./api"

export type Load<A> =
  | { readonly kind: "loading" }
  | { readonly kind: "error"; readonly message: string; readonly last: A | null }
  | { readonly kind: "ready"; readonly value: A }

/** The value to show: the fresh one, or the last good one while a refresh fails. */
export const shown = <A>(load: Load<A>): A | null =>
  load.kind === "ready" ? load.value : load.kind === "error" ? load.last : null

/**
 * Loads now and again every `everyMs` (never overlapping; 0: once), restarting when `key` changes.
 * A failed refresh keeps the last value on screen next to the error, so a blip does not blank a table.
 * `reload` loads at once, e.g. after an action.
 */
export const usePolling = <A>(
  load: () => Promise<A>,
  everyMs: number,
  key = ""
): { readonly load: Load<A>; readonly reload: () => void } => {
  const [state, setState] = useState<Load<A>>({ kind: "loading" })
  const [tick, setTick] = useState(0)
  const loader = useRef(load)
  loader.current = load
  const last = useRef<A | null>(null)

  useEffect(() => {
    void [tick, key]
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const run = async () => {
      try {
        const value = await loader.current()
        // a run for a previous key must not overwrite the reset
        if (!stopped) {
          last.current = value
          setState({ kind: "ready", value })
        }
      } catch (error) {
        if (!stopped) setState({ kind: "error", message: describe(error), last: last.current })
      }
      if (!stopped && everyMs > 0) timer = setTimeout(() => void run(), everyMs)
    }
    void run()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [everyMs, key, tick])

  useEffect(() => {
    void key
    last.current = null
    setState({ kind: "loading" })
  }, [key])

  return { load: state, reload: useCallback(() => setTick((n) => n + 1), []) }
}

import { Effect } from "effect"

/** Lets the event loop through (I/O callbacks run) before going on: for long CPU-bound loops. */
export const yieldToIo = Effect.async<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})

import { Effect } from "effect"

/**
 * Room for unsettled deliveries of one consuming stream: a pull takes what is free (waiting for at least
 * one), and each delivery gives its credit back when first settled. Single-threaded JS, one taker (the
 * stream's pull loop), so a plain counter and one waiting callback suffice.
 */
export class Credits {
  private available: number
  private waiter: (() => void) | undefined

  constructor(size: number) {
    this.available = Math.max(1, Math.floor(size))
  }

  /** Takes between 1 and `max` credits, waiting until at least one is free. */
  take(max: number): Effect.Effect<number> {
    return Effect.suspend(() => {
      if (this.available > 0) return Effect.succeed(this.grab(max))
      return Effect.async<number>((resume) => {
        this.waiter = () => resume(Effect.succeed(this.grab(max)))
        return Effect.sync(() => {
          this.waiter = undefined
        })
      })
    })
  }

  release(n: number): void {
    if (n <= 0) return
    this.available += n
    const w = this.waiter
    if (w !== undefined) {
      this.waiter = undefined
      w()
    }
  }

  /** Bound once per stream, handed to every delivery it pulls. */
  readonly releaseOne = (): void => this.release(1)

  private grab(max: number): number {
    const n = Math.min(this.available, Math.max(1, Math.floor(max)))
    this.available -= n
    return n
  }
}

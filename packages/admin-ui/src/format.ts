/** "4 s", "3 min", "2 h 5 min": how long ago `since` was, for a state's age. */
export const age = (since: number, now: number): string => {
  const seconds = Math.max(0, Math.round((now - since) / 1000))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  return `${hours} h ${minutes % 60} min`
}

export const count = (n: number): string => n.toLocaleString("en-US")

export const rate = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1).replace(/\.0$/, ""))

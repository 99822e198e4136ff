import { useEffect, useState } from "react"

export const screens = [
  { id: "binds", title: "Binds" },
  { id: "queues", title: "Queues" },
  { id: "campaigns", title: "Campaigns" },
  { id: "messages", title: "Messages" },
  { id: "accounts", title: "Accounts" },
  { id: "routes", title: "Routes" }
] as const

export type ScreenId = (typeof screens)[number]["id"]

const BASE = "/admin/"

const fromLocation = (): ScreenId => {
  const name = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : ""
  return screens.find((s) => s.id === name)?.id ?? "binds"
}

/** The screen in the address bar (`/admin/queues`), so a reload or a shared link lands on it. */
export const useScreen = (): [ScreenId, (next: ScreenId) => void] => {
  const [screen, setScreen] = useState<ScreenId>(fromLocation)
  useEffect(() => {
    const onPop = () => setScreen(fromLocation())
    window.addEventListener("popstate", onPop)
    return () => window.removeEventListener("popstate", onPop)
  }, [])
  const go = (next: ScreenId) => {
    if (next !== screen) window.history.pushState(null, "", `${BASE}${next}`)
    setScreen(next)
  }
  return [screen, go]
}

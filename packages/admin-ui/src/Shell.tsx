import { useEffect } from "react"
import { ApiError, api, type OperatorSession } from "./api"
import { type ScreenId, screens, useScreen } from "./navigation"
import { AccountsScreen } from "./screens/Accounts"
import { BindsScreen } from "./screens/Binds"
import { CampaignsScreen } from "./screens/Campaigns"
import { MessagesScreen } from "./screens/Messages"
import { QueuesScreen } from "./screens/Queues"
import { RoutesScreen } from "./screens/Routes"
import { useBindEvents } from "./useBindEvents"

const Screen = ({ id, feed }: { readonly id: ScreenId; readonly feed: ReturnType<typeof useBindEvents> }) => {
  switch (id) {
    case "binds":
      return <BindsScreen feed={feed} />
    case "queues":
      return <QueuesScreen feed={feed} />
    case "campaigns":
      return <CampaignsScreen />
    case "messages":
      return <MessagesScreen />
    case "accounts":
      return <AccountsScreen />
    case "routes":
      return <RoutesScreen />
  }
}

/** Navigation, the signed-in operator and the current screen; one live bind feed shared by the screens. */
export const Shell = ({
  session,
  onSignOut,
  onExpired
}: {
  readonly session: OperatorSession
  readonly onSignOut: () => void
  readonly onExpired: () => void
}) => {
  const [screen, go] = useScreen()
  const feed = useBindEvents()
  // A feed refused for good is most often an expired session: then back to the sign-in.
  useEffect(() => {
    if (feed.status !== "closed") return
    api.session().catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) onExpired()
    })
  }, [feed.status, onExpired])
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Screens">
        <div className="brand">Volley</div>
        <ul>
          {screens.map((s) => (
            <li key={s.id}>
              <a
                href={`/admin/${s.id}`}
                className={s.id === screen ? "active" : ""}
                aria-current={s.id === screen ? "page" : undefined}
                onClick={(event) => {
                  event.preventDefault()
                  go(s.id)
                }}
              >
                {s.title}
              </a>
            </li>
          ))}
        </ul>
        <div className="operator">
          <div className="muted">Signed in as</div>
          <div className="operator-name">{session.username}</div>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </nav>
      <main className="content">
        <Screen id={screen} feed={feed} />
      </main>
    </div>
  )
}

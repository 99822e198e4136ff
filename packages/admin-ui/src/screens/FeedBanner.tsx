import type { BindFeed } from "../useBindEvents"

/** Says whether what the screen shows is live, and offers a retry when the feed gave up. */
export const FeedBanner = ({ feed }: { readonly feed: BindFeed }) => {
  switch (feed.status) {
    case "live":
      return <span className="feed feed-live">● Live</span>
    case "connecting":
      return <span className="feed feed-waiting">Connecting…</span>
    case "reconnecting":
      return <span className="feed feed-waiting">Connection lost, reconnecting…</span>
    case "closed":
      return (
        <span className="feed feed-closed" role="alert">
          The live feed is unavailable.{" "}
          <button type="button" className="link" onClick={feed.retry}>
            Retry
          </button>
        </span>
      )
  }
}

import { useCallback, useEffect, useState } from "react"
import { ApiError, api, describe, type OperatorSession } from "./api"
import { Shell } from "./Shell"
import { SignIn } from "./screens/SignIn"

type Auth =
  | { readonly kind: "checking" }
  | { readonly kind: "signedOut" }
  | { readonly kind: "signedIn"; readonly session: OperatorSession }
  | { readonly kind: "unreachable"; readonly message: string }

/** Asks the API whether the browser's cookie is a live session, then shows sign-in or the shell. */
export const App = () => {
  const [auth, setAuth] = useState<Auth>({ kind: "checking" })
  const check = () => {
    setAuth({ kind: "checking" })
    api
      .session()
      .then((session) => setAuth({ kind: "signedIn", session }))
      .catch((error: unknown) =>
        setAuth(
          error instanceof ApiError && error.status === 401
            ? { kind: "signedOut" }
            : { kind: "unreachable", message: describe(error) }
        )
      )
  }
  useEffect(check, [])
  const signedOut = useCallback(() => setAuth({ kind: "signedOut" }), [])

  switch (auth.kind) {
    case "checking":
      return <p className="placeholder centered">Loading…</p>
    case "unreachable":
      return (
        <div className="notice error centered" role="alert">
          The Volley API does not answer ({auth.message}).{" "}
          <button type="button" className="link" onClick={check}>
            Try again
          </button>
        </div>
      )
    case "signedOut":
      return <SignIn onSignedIn={(session) => setAuth({ kind: "signedIn", session })} />
    case "signedIn":
      return (
        <Shell
          session={auth.session}
          onExpired={signedOut}
          onSignOut={() => {
            void api.signOut().finally(() => setAuth({ kind: "signedOut" }))
          }}
        />
      )
  }
}

import { type FormEvent, useState } from "react"
import { ApiError, api, describe, type OperatorSession } from "../api"

/** Operator accounts only (VOLLEY_OPERATORS): a sender's API key does not open the admin UI. */
export const SignIn = ({ onSignedIn }: { readonly onSignedIn: (session: OperatorSession) => void }) => {
  const [username, setUsername] = useState("")
  const [password, setPassword] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setPending(true)
    setError(null)
    api
      .signIn(username, password)
      .then(onSignedIn)
      .catch((e: unknown) =>
        setError(
          e instanceof ApiError && e.status === 401
            ? "Wrong operator name or password."
            : `Sign-in failed: ${describe(e)}`
        )
      )
      .finally(() => setPending(false))
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} className="card">
        <h1>Volley operators</h1>
        <label>
          Operator
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error !== null && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  )
}

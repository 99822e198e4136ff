import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"
import { randomBase62 } from "@volley/engine/apikey/ApiKeysRepo"
import { Config, ConfigError, Context, Effect, Either, Layer, Option, Redacted } from "effect"

/** The generated account's name when `VOLLEY_OPERATORS` is unset. */
const DEV_OPERATOR = "operator"

const USERNAME = /^[A-Za-z0-9._-]{1,64}$/
const KEY_LENGTH = 32

/** scrypt with Node's defaults (N=16384): tens of milliseconds, off the event loop. */
const hash = (password: string, salt: Buffer) =>
  Effect.async<Buffer>((resume) => {
    scrypt(password, salt, KEY_LENGTH, (error, key) =>
      resume(error === null ? Effect.succeed(key) : Effect.die(error))
    )
  })

interface StoredPassword {
  readonly salt: Buffer
  readonly key: Buffer
}

export interface OperatorAccountsShape {
  /** The operator's name when the password is theirs; the same work is done for an unknown name. */
  readonly verify: (
    username: string,
    password: Redacted.Redacted<string>
  ) => Effect.Effect<Option.Option<string>>
  /**
   * A configured operator's password fingerprint (scrypt with a salt of the name: the same across
   * restarts while the password is): a session opened under another one, or for a name no longer
   * configured, is over.
   */
  readonly fingerprint: (username: string) => Option.Option<string>
}

/** Parses `alice:secret,bob:other` (a password may hold `:` but not `,`). */
const parseOperators = (
  text: string
): Either.Either<ReadonlyArray<readonly [string, string]>, ConfigError.ConfigError> => {
  const entries: Array<readonly [string, string]> = []
  for (const item of text.split(",")) {
    const entry = item.trim()
    if (entry === "") continue
    const colon = entry.indexOf(":")
    const username = colon < 0 ? entry : entry.slice(0, colon)
    const password = colon < 0 ? "" : entry.slice(colon + 1)
    if (!USERNAME.test(username) || password === "")
      return Either.left(
        ConfigError.InvalidData(
          ["VOLLEY_OPERATORS"],
          "expected name:password pairs separated by commas (names of letters, digits, . _ -)"
        )
      )
    if (entries.some(([name]) => name === username))
      return Either.left(
        ConfigError.InvalidData(["VOLLEY_OPERATORS"], `operator ${username} is listed twice`)
      )
    entries.push([username, password])
  }
  return entries.length > 0
    ? Either.right(entries)
    : Either.left(ConfigError.InvalidData(["VOLLEY_OPERATORS"], "lists no operator"))
}

/** Builds the verifier; only salted scrypt hashes stay in memory, never the passwords. */
const makeOperatorAccounts = (accounts: ReadonlyArray<readonly [string, string]>) =>
  Effect.gen(function* () {
    const stored = new Map<string, StoredPassword>()
    const fingerprints = new Map<string, string>()
    for (const [username, password] of accounts) {
      const salt = randomBytes(16)
      stored.set(username, { salt, key: yield* hash(password, salt) })
      const stable = Buffer.from(`volley-operator-session:${username}`, "utf8")
      fingerprints.set(username, (yield* hash(password, stable)).toString("base64url"))
    }
    // An unknown name is checked against this, so the answer takes as long as for a known one.
    const decoy: StoredPassword = { salt: randomBytes(16), key: randomBytes(KEY_LENGTH) }
    return {
      verify: (username, password) =>
        Effect.gen(function* () {
          const known = stored.get(username)
          const against = known ?? decoy
          const presented = yield* hash(Redacted.value(password), against.salt)
          return timingSafeEqual(presented, against.key) && known !== undefined
            ? Option.some(username)
            : Option.none()
        }),
      fingerprint: (username) => Option.fromNullable(fingerprints.get(username))
    } satisfies OperatorAccountsShape
  })

/** The operators who may sign in to the admin UI (not the senders, whose API keys never open it). */
export class OperatorAccounts extends Context.Tag("volley/api/OperatorAccounts")<
  OperatorAccounts,
  OperatorAccountsShape
>() {
  /**
   * `VOLLEY_OPERATORS` (`name:password,…`) when set. Unset, one account named `operator` gets a random
   * password logged once at start-up, like the generated admin token: no well-known default password.
   */
  static readonly fromConfig = Layer.effect(
    OperatorAccounts,
    Effect.gen(function* () {
      const configured = yield* Config.option(
        Config.redacted("VOLLEY_OPERATORS").pipe(
          Config.mapOrFail((text) => parseOperators(Redacted.value(text)))
        )
      )
      if (Option.isSome(configured)) return yield* makeOperatorAccounts(configured.value)
      const password = randomBase62(20)
      yield* Effect.logWarning(
        `VOLLEY_OPERATORS is not set: sign in to the admin UI as "${DEV_OPERATOR}" with this generated password until the process stops: ${password}`
      )
      return yield* makeOperatorAccounts([[DEV_OPERATOR, password]])
    })
  )
}

/** A failure the operator should read: the API's own words, and a way to close it. */
export const ErrorNotice = ({
  message,
  onDismiss
}: {
  readonly message: string
  readonly onDismiss?: () => void
}) => (
  <div className="notice error" role="alert">
    <span>{message}</span>
    {onDismiss !== undefined && (
      <button type="button" className="link" onClick={onDismiss}>
        Dismiss
      </button>
    )}
  </div>
)

/** What a list shows before its first answer, or when it has nothing. */
export const Placeholder = ({ children }: { readonly children: React.ReactNode }) => (
  <p className="placeholder">{children}</p>
)

/** Why a form was refused, beside its buttons; nothing while there is no error. */
export const FormError = ({
  error,
  testId
}: {
  readonly error: string | null
  readonly testId?: string | undefined
}) =>
  error === null ? null : (
    <span className="form-error" role="alert" data-testid={testId}>
      {error}
    </span>
  )

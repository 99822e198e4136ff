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

/** A screen of the navigation that later steps fill in. */
export const ComingSoon = ({ title, what }: { readonly title: string; readonly what: string }) => (
  <section className="screen">
    <header className="screen-header">
      <h1>{title}</h1>
    </header>
    <p className="placeholder">
      Coming soon: {what}. Until then, the same operations are in the API (<a href="/docs">/docs</a>).
    </p>
  </section>
)

/** One coloured share of a stacked bar; `tone` picks the colour from styles.css (`.tone-<name>`). */
export interface Segment {
  readonly label: string
  readonly value: number
  readonly tone: "delivered" | "failed" | "sent" | "queued" | "skipped" | "pending"
}

/**
 * A horizontal bar split into shares of `total`, drawn as SVG rects: what is left of the total stays
 * the track's colour. Used for a campaign's progress and a status mix; its label reads the same figures.
 */
export const StackedBar = ({
  segments,
  total,
  label,
  height = 10
}: {
  readonly segments: ReadonlyArray<Segment>
  readonly total: number
  readonly label: string
  readonly height?: number
}) => {
  let x = 0
  const rects = segments.flatMap((segment) => {
    if (total <= 0 || segment.value <= 0) return []
    const width = Math.min((segment.value / total) * 100, 100 - x)
    const rect = (
      <rect
        key={segment.label}
        x={`${x}%`}
        width={`${width}%`}
        height={height}
        className={`tone-${segment.tone}`}
      >
        <title>{`${segment.label}: ${segment.value.toLocaleString("en-US")}`}</title>
      </rect>
    )
    x += width
    return [rect]
  })
  return (
    <svg className="stacked-bar" width="100%" height={height} role="img" aria-label={label}>
      <rect width="100%" height={height} className="stacked-bar-track" />
      {rects}
    </svg>
  )
}

/** The colour key of a stacked bar, with each share's count. */
export const Legend = ({ segments }: { readonly segments: ReadonlyArray<Segment> }) => (
  <ul className="legend">
    {segments.map((segment) => (
      <li key={segment.label}>
        <span className={`swatch tone-${segment.tone}`} />
        {segment.label} <strong>{segment.value.toLocaleString("en-US")}</strong>
      </li>
    ))}
  </ul>
)

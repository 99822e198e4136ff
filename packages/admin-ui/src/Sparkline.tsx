/**
 * A throughput sparkline: a polyline over the last samples, scaled to the bind's TPS cap so bars of
 * different binds compare. Hand-written SVG: a library would be more code than the chart.
 */
export const Sparkline = ({
  values,
  max,
  slots = 60,
  width = 120,
  height = 28,
  label
}: {
  readonly values: ReadonlyArray<number>
  readonly max: number
  /** Samples the width holds; fewer are drawn from the right, so the time scale never stretches. */
  readonly slots?: number
  readonly width?: number
  readonly height?: number
  readonly label: string
}) => {
  const top = Math.max(max, ...values, 1)
  const step = width / (slots - 1)
  const shown = values.slice(-slots)
  // The newest sample at the right edge; the dot marks it, so even a first sample shows.
  const coordinates = shown.map(
    (v, i) => [width - (shown.length - 1 - i) * step - 2, height - 2 - (v / top) * (height - 4)] as const
  )
  const points = coordinates.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`)
  const last = coordinates[coordinates.length - 1]
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <line x1="0" x2={width} y1={height - 0.5} y2={height - 0.5} className="sparkline-base" />
      {points.length > 1 && <polyline points={points.join(" ")} className="sparkline-line" />}
      {last !== undefined && <circle cx={last[0]} cy={last[1]} r="2" className="sparkline-dot" />}
    </svg>
  )
}

import { rate } from "./format"

const WIDTH = 1000
const HEIGHT = 90
const SLOTS = 300

/** A round top for the scale (1, 2, 5 × 10ⁿ), so the axis label reads well. */
const niceTop = (value: number) => {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(value, 1)))
  return [1, 2, 5, 10].map((m) => m * magnitude).find((n) => n >= value) ?? 10 * magnitude
}

/**
 * The platform's submits per second over the last five minutes, all binds together: an area under a
 * line, newest at the right. Plain SVG stretched to the panel's width (the stroke keeps its width).
 */
export const ThroughputChart = ({ samples }: { readonly samples: ReadonlyArray<number> }) => {
  const shown = samples.slice(-SLOTS)
  const top = niceTop(Math.max(...shown, 1))
  const step = WIDTH / (SLOTS - 1)
  const x = (i: number) => WIDTH - (shown.length - 1 - i) * step
  const y = (v: number) => HEIGHT - (v / top) * (HEIGHT - 4)
  const line = shown.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ")
  const first = shown.length > 0 ? x(0).toFixed(1) : "0"
  const now = shown.at(-1) ?? 0
  const peak = Math.max(0, ...shown)
  return (
    <figure className="throughput">
      <figcaption>
        <span className="strong">Throughput</span>
        <span className="muted">
          {" "}
          · all binds, submits/s, last 5 min · now <strong>{rate(now)}</strong> · peak {rate(peak)}
        </span>
      </figcaption>
      <div className="throughput-plot">
        <span className="axis-top muted">{top}</span>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`Throughput of all binds, last five minutes: ${rate(now)} submits per second now`}
        >
          <line x1="0" x2={WIDTH} y1={HEIGHT / 2} y2={HEIGHT / 2} className="gridline" />
          {shown.length > 1 && (
            <>
              <polygon points={`${first},${HEIGHT} ${line} ${WIDTH},${HEIGHT}`} className="throughput-area" />
              <polyline points={line} className="throughput-line" />
            </>
          )}
          <line x1="0" x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="sparkline-base" />
        </svg>
        <div className="axis-x muted">
          <span>−5 min</span>
          <span>now</span>
        </div>
      </div>
    </figure>
  )
}

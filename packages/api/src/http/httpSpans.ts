import { HttpMiddleware } from "@effect/platform"

/**
 * No span per HTTP request, as no span anywhere (`TracingOff`): the platform's tracer middleware would
 * still parse each request's URL and copy its headers for a span nobody receives — ≈ 8% of a single
 * send's CPU in `npm run bench:api`. Drop it together with `TracingOff` when an exporter is wired.
 */
export const withoutHttpSpans = HttpMiddleware.withTracerDisabledWhen(() => true)

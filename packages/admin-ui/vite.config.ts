import { defineConfig } from "vite"

/**
 * Built to dist/, which the API serves under /admin/. JSX goes through esbuild's automatic runtime, so
 * no React plugin (nor Babel) is needed. `npm run dev` proxies the API running on :3000.
 */
export default defineConfig({
  base: "/admin/",
  esbuild: { jsx: "automatic" },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: { proxy: { "/v1": "http://127.0.0.1:3000" } },
  logLevel: "warn"
})

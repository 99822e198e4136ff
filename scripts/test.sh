#!/usr/bin/env bash
# The README's test command: services up, then type-check, lint, and every test against them.
set -euo pipefail
cd "$(dirname "$0")/.."
# The admin UI's end-to-end test drives Debian's Chromium: services-up.sh installs it with the services.
bash scripts/services-up.sh --with-browser
echo "[test] type-checking"
npx tsc -b
echo "[test] linting"
npx biome ci --reporter=summary .
echo "[test] running the test suites"
npx vitest run "$@"

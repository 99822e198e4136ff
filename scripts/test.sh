#!/usr/bin/env bash
# The README's test command: services up, then type-check, lint, and every test against them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services-up.sh
echo "[test] type-checking"
npx tsc -b
echo "[test] linting"
npx biome ci --reporter=summary .
echo "[test] running the test suites"
npx vitest run "$@"

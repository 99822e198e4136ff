#!/usr/bin/env bash
# The README's test command: services up, then type-check, lint, and every test against them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services-up.sh
# The admin UI's end-to-end test drives Debian's Chromium (a browser is never downloaded by the tests).
if [ ! -x /usr/bin/chromium ]; then
  echo "[test] installing chromium"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
echo "[test] type-checking"
npx tsc -b
echo "[test] linting"
npx biome ci --reporter=summary .
echo "[test] running the test suites"
npx vitest run "$@"

#!/usr/bin/env bash
# Runs every test: installs what is needed, type-checks and builds, then runs vitest.
# Extra arguments go to vitest (e.g. a file filter).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent build
BASHGAH_SKIP_BUILD=1 npx vitest run "$@"

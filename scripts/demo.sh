#!/usr/bin/env bash
# Starts the kiosk demo with simulated hardware and embedded defaults on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent build
# The same V8 flags as the kiosk service (systemd/bashgah.service).
exec node --max-semi-space-size=32 dist/firmware/src/cli/main.js demo "$@"

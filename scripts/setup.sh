#!/usr/bin/env bash
# Installs what the demo and the tests need on a Debian 12 machine with Node >= 20.19:
# Debian packages (only when run as root and only those missing), then the npm packages.
# Safe to run again: it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages by purpose. Build headers for the PC/SC binding; the real PC/SC daemon with
# a virtual reader; serial lines (pty pairs); Chromium for the browser tests; PostgreSQL for the
# head office; sshd for the provisioning tests; systemd-analyze to verify unit files; fonts.
DEBIAN_PACKAGES=(
  libpcsclite-dev pcscd vsmartcard-vpcd
  socat iproute2
  chromium
  postgresql
  openssh-server openssh-client
  systemd
  python3 make g++
  # ops: cage (kiosk unit's binary, checked by systemd-analyze), journal files for `bashgah logs` tests, device keys, script lint
  cage systemd-journal-remote openssl shellcheck
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages (run as root to install): ${missing[*]}" >&2
  fi
fi

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("setup: Node >= 20.19 is required, this is "+process.version); process.exit(1) }'

# npm ci when the lock file matches and node_modules is absent or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

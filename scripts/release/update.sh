#!/usr/bin/env bash
# Installs a release on the device (run as root there), keeping the previous one.
#
#   update.sh TARBALL [--root DIR] [--restart auto|yes|no] [--health-url URL]
#             [--health-timeout SECONDS] [--keep N]
#   update.sh --rollback [--root DIR] [--restart auto|yes|no]
#
# Layout: /opt/bashgah/releases/<version>/, /opt/bashgah/current -> releases/<version>
# (switched atomically with rename), /opt/bashgah/previous -> the one before.
# With a running service (--restart auto: when bashgah.service is active) it restarts the
# service, waits for GET /healthz and, if that fails, switches back and restarts again.
# --root DIR installs into an image root: no native rebuild (said so), no restart unless
# --restart yes. BASHGAH_RESTART_CMD replaces `systemctl restart bashgah.service`.
# Exit codes: 0 installed or already current, 1 failed (nothing switched), 3 rolled back.
# The last line of output is machine-readable: `result: installed|unchanged|rolled-back ...`.
set -euo pipefail

root='' restart=auto health_url=http://127.0.0.1:8080/healthz health_timeout=90 keep=3 tarball='' rollback=0
die() { echo "update: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --restart) restart=${2:?}; shift 2 ;;
    --health-url) health_url=${2:?}; shift 2 ;;
    --health-timeout) health_timeout=${2:?}; shift 2 ;;
    --keep) keep=${2:?}; shift 2 ;;
    --rollback) rollback=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) [ -z "$tarball" ] || die "one tarball only"; tarball=$1; shift ;;
  esac
done
case "$restart" in auto|yes|no) ;; *) die "--restart must be auto, yes or no" ;; esac
[[ "$keep" =~ ^[1-9][0-9]?$ ]] || die "--keep must be 1..99"
[[ "$health_timeout" =~ ^[0-9]{1,3}$ ]] || die "--health-timeout must be seconds (0..999)"
if [ -n "$root" ]; then
  [ -d "$root" ] || die "--root $root is not a directory"
  root=$(cd "$root" && pwd)
  # An image root has no running service; --restart yes is honoured (tests, chroots).
  [ "$restart" = auto ] && restart=no
fi
prefix="$root/opt/bashgah"
here=$(cd "$(dirname "$0")" && pwd)
restart_cmd=${BASHGAH_RESTART_CMD:-systemctl restart bashgah.service}

service_active() { [ -z "$root" ] && command -v systemctl >/dev/null && systemctl is-active --quiet bashgah.service; }
should_restart() { [ "$restart" = yes ] || { [ "$restart" = auto ] && service_active; }; }

switch_to() { # atomically point current (and previous) at releases/$1
  local target=$1 old
  old=$(readlink "$prefix/current" 2>/dev/null || true)
  ln -sfn "releases/$target" "$prefix/.current.new"
  mv -T "$prefix/.current.new" "$prefix/current"
  if [ -n "$old" ] && [ "$old" != "releases/$target" ]; then
    ln -sfn "$old" "$prefix/.previous.new" && mv -T "$prefix/.previous.new" "$prefix/previous"
  fi
  mkdir -p "$root/usr/local/bin"
  ln -sfn /opt/bashgah/current/dist/firmware/src/cli/main.js "$root/usr/local/bin/bashgah"
  sync -f "$prefix" 2>/dev/null || sync
}

healthy() {
  [ "$health_timeout" = 0 ] && return 0
  node "$here/health-check.mjs" "$health_url" "$health_timeout"
}

restart_and_check() { # restart the service and wait for health; 0 when healthy
  echo "update: restarting the service ($restart_cmd)"
  $restart_cmd || { echo "update: restart failed" >&2; return 1; }
  healthy
}

if [ "$rollback" = 1 ]; then
  previous=$(readlink "$prefix/previous" 2>/dev/null || true)
  [ -n "$previous" ] && [ -d "$prefix/$previous" ] || die "no previous release to roll back to"
  switch_to "${previous#releases/}"
  echo "update: switched back to ${previous#releases/}"
  if should_restart; then restart_and_check || die "the previous release is not healthy either"; fi
  echo "result: rolled-back ${previous#releases/}"
  exit 0
fi

[ -n "$tarball" ] || die "which release? (update.sh TARBALL, see --help)"
[ -f "$tarball" ] || die "no such file: $tarball"
if [ -f "$tarball.sha256" ]; then
  (cd "$(dirname "$tarball")" && sha256sum -c --quiet "$(basename "$tarball").sha256") || die "$tarball does not match its .sha256"
fi

mkdir -p "$prefix/releases"
incoming=$(mktemp -d "$prefix/releases/.incoming.XXXXXX")
trap 'rm -rf "$incoming"' EXIT
tar -C "$incoming" -xzf "$tarball" || die "cannot unpack $tarball"
top=$(find "$incoming" -mindepth 1 -maxdepth 1 -type d)
[ "$(printf '%s\n' "$top" | wc -l)" = 1 ] && [ -f "$top/manifest.json" ] || die "$tarball is not a Bashgah release (no manifest.json)"
(cd "$top" && sha256sum -c --quiet --strict SHA256SUMS) || die "release files do not match SHA256SUMS: the tarball is damaged"
field() { node -e 'const m=require(process.argv[1]); const v=process.argv[2].split(".").reduce((o,k)=>o?.[k],m); process.stdout.write(Array.isArray(v)?v.join(" "):String(v ?? ""))' "$top/manifest.json" "$1"; }
version=$(field version) arch=$(field arch) mode=$(field nodeModules) native=$(field nativeModules) abi=$(field node.abi)
[[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$ ]] || die "manifest version \"$version\" is not a safe name"

if [ -z "$root" ]; then
  case "$(uname -m)" in aarch64) device=arm64 ;; armv7l|armv6l) device=armhf ;; x86_64) device=x64 ;; *) device=$(uname -m) ;; esac
  [ "$arch" = "$device" ] || die "release $version is built for $arch, this device is $device"
fi

current=$(readlink "$prefix/current" 2>/dev/null || true)
previous_before=$(readlink "$prefix/previous" 2>/dev/null || true)
if [ -d "$prefix/releases/$version" ]; then
  cmp -s "$prefix/releases/$version/SHA256SUMS" "$top/SHA256SUMS" ||
    die "releases/$version exists with different contents: give the new build its own version"
  if [ "$current" = "releases/$version" ]; then
    marker="$prefix/releases/$version/.native-build-needed"
    if [ -f "$marker" ] && [ -z "$root" ]; then
      # Installed into an image earlier: finish the native build now, on the device.
      needs=$(cat "$marker")
      echo "update: building native modules left over from the image: $needs"
      (cd "$prefix/releases/$version" && $needs --loglevel=error) || die "'$needs' failed (build tools and libpcsclite-dev installed?)"
      rm -f "$marker"
      if should_restart; then restart_and_check || die "$version is not healthy after the native build"; fi
      echo "result: installed $version (native modules built)"
      exit 0
    fi
    echo "update: release $version is already current; nothing to do"
    echo "result: unchanged $version"
    exit 0
  fi
else
  mv "$top" "$prefix/releases/$version"
fi
release="$prefix/releases/$version"

# Native modules must match this device's CPU and Node ABI.
needs=''
case "$mode" in
  none) needs="npm ci --omit=dev --no-audit --no-fund" ;;
  target) [ -n "$native" ] && needs="npm rebuild $native" ;;
  copy) [ -z "$root" ] && [ "$(node -p process.versions.modules)" != "$abi" ] && [ -n "$native" ] && needs="npm rebuild $native" ;;
esac
if [ -n "$needs" ]; then
  if [ -n "$root" ]; then
    echo "$needs" >"$release/.native-build-needed"
    echo "update: SKIPPED in --root mode: native modules need '$needs' on the device (run update.sh --root / again there, or see docs/operations.md)"
  else
    echo "update: building native modules on the device: $needs"
    (cd "$release" && $needs --loglevel=error) || die "'$needs' failed in $release (build tools and libpcsclite-dev installed?)"
    rm -f "$release/.native-build-needed"
  fi
fi

switch_to "$version"
echo "update: current -> $version${current:+ (previous: ${current#releases/})}"
if should_restart; then
  if ! restart_and_check; then
    if [ -n "$current" ] && [ -d "$prefix/$current" ]; then
      echo "update: $version failed its health check; rolling back to ${current#releases/}" >&2
      switch_to "${current#releases/}"
      # The failed release must not become the rollback target.
      if [ -n "$previous_before" ]; then ln -sfn "$previous_before" "$prefix/.previous.new" && mv -T "$prefix/.previous.new" "$prefix/previous"; else rm -f "$prefix/previous"; fi
      restart_and_check || echo "update: WARNING: ${current#releases/} is not healthy either" >&2
      echo "result: rolled-back ${current#releases/} (failed: $version)"
      exit 3
    fi
    die "$version failed its health check and there is no previous release"
  fi
fi

# Keep the newest $keep releases, never current or previous.
keep_current=$(readlink "$prefix/current" || true) keep_previous=$(readlink "$prefix/previous" 2>/dev/null || true)
find "$prefix/releases" -mindepth 1 -maxdepth 1 -type d ! -name '.incoming.*' -printf '%T@ %f\n' | sort -rn | tail -n +"$((keep + 1))" |
  while read -r _ old; do
    [ "releases/$old" = "$keep_current" ] || [ "releases/$old" = "$keep_previous" ] || { rm -rf "${prefix:?}/releases/$old"; echo "update: removed old release $old"; }
  done
echo "result: installed $version"

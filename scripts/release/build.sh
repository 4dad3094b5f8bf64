#!/usr/bin/env bash
# Builds a release tarball: everything the kiosk needs to run, nothing it does not.
#
#   scripts/release/build.sh [--arch native|arm64|armhf] [--node-modules target|copy|none]
#                            [--version V] [--out DIR] [--skip-build]
#
# Contents (top directory bashgah-<version>-<arch>/): dist/ (compiled TypeScript), the kiosk
# UI build (kiosk-ui/dist, or kiosk-ui/ without tests when it has no build step), production
# node_modules, systemd/ (units and device files), scripts/release/ (update on the device),
# scripts/provision/remote.sh, docs/operations.md, package.json + package-lock.json,
# manifest.json (version, arch, Node ABI, native modules) and SHA256SUMS of every file.
#
# Native modules and the target architecture (--node-modules):
#   copy    (only with --arch native) the production packages from this machine's
#           node_modules, compiled for this machine: the way to build ON a Pi.
#   target  npm install --omit=dev --ignore-scripts --os=linux --cpu=<arm64|arm>: JavaScript and
#           prebuilt binaries for the target (serialport and @napi-rs/canvas ship them);
#           modules that compile from source (@pokusew/pcsclite, rpio, epoll) are listed in
#           the manifest and rebuilt ON the device by update.sh (needs make, g++,
#           libpcsclite-dev, which provisioning installs). Needs the npm registry here.
#   none    no node_modules; update.sh runs npm ci --omit=dev on the device (registry there).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

arch=native mode='' version='' out="$repo/release-out" skip_build=0
die() { echo "release: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch=${2:?--arch needs a value}; shift 2 ;;
    --node-modules) mode=${2:?--node-modules needs a value}; shift 2 ;;
    --version) version=${2:?--version needs a value}; shift 2 ;;
    --out) out=${2:?--out needs a value}; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

host_arch() {
  case "$(uname -m)" in
    aarch64|arm64) echo arm64 ;;
    armv7l|armv6l|armhf) echo armhf ;;
    x86_64|amd64) echo x64 ;;
    *) uname -m ;;
  esac
}
[ "$arch" = native ] && arch=$(host_arch)
case "$arch" in arm64|armhf|x64) ;; *) die "--arch must be native, arm64 or armhf (got $arch)" ;; esac
if [ -z "$mode" ]; then
  if [ "$arch" = "$(host_arch)" ]; then mode=copy; else mode=target; fi
fi
case "$mode" in
  copy) [ "$arch" = "$(host_arch)" ] || die "--node-modules copy needs --arch $(host_arch): compiled modules match this machine only" ;;
  target|none) ;;
  *) die "--node-modules must be target, copy or none" ;;
esac
if [ -z "$version" ]; then
  base=$(node -p 'require("./package.json").version')
  commit=$(git rev-parse --short=10 HEAD 2>/dev/null || echo nogit)
  version="$base-$commit"
fi
[[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$ ]] || die "version \"$version\" must be letters, digits and . + _ - (max 64)"

if [ "$skip_build" = 0 ]; then
  echo "release: compiling TypeScript"
  npx tsc -p tsconfig.json || die "TypeScript build failed"
  if [ -f kiosk-ui/package.json ] && node -e 'process.exit(require("./kiosk-ui/package.json").scripts?.build ? 0 : 1)'; then
    echo "release: building kiosk-ui"
    (cd kiosk-ui && npm run --silent build) || die "kiosk-ui build failed"
  fi
fi
[ -f dist/firmware/src/cli/main.js ] || die "dist/ is missing: run without --skip-build"

name="bashgah-$version-$arch"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage/scripts/release" "$stage/scripts/provision" "$stage/docs"

echo "release: staging $name (node_modules: $mode)"
# Compiled code without the compiled tests (they are not part of the product).
tar -C "$repo" --exclude='dist/tests' --exclude='*.test.js' --exclude='*.test.js.map' -cf - dist | tar -C "$stage" -xf -
chmod 0755 "$stage/dist/firmware/src/cli/main.js"
cp package.json package-lock.json "$stage/"
cp -r systemd "$stage/systemd"
cp scripts/release/update.sh scripts/release/health-check.mjs "$stage/scripts/release/"
cp scripts/provision/remote.sh "$stage/scripts/provision/"
[ -f docs/operations.md ] && cp docs/operations.md "$stage/docs/"
if [ -d kiosk-ui/dist ]; then
  mkdir -p "$stage/kiosk-ui" && cp -r kiosk-ui/dist "$stage/kiosk-ui/dist"
elif [ -d kiosk-ui ]; then
  tar -C "$repo" --exclude='node_modules' --exclude='*.test.ts' -cf - kiosk-ui | tar -C "$stage" -xf -
fi

case "$mode" in
  copy)
    # Exactly the production dependency tree, as npm resolved it here.
    npm ls --omit=dev --all --parseable 2>/dev/null | tail -n +2 | sed "s|^$repo/||" | sort -u >"$work/packages"
    [ -s "$work/packages" ] || die "npm ls found no production packages (run npm ci first)"
    tar -C "$repo" --exclude='node_modules/.cache' -cf - -T "$work/packages" | tar -C "$stage" -xf -
    ;;
  target)
    cpu=$([ "$arch" = armhf ] && echo arm || echo "$arch")
    # npm install, not ci: the lock file written on x64 may lack other platforms' optional
    # binary packages (@napi-rs/canvas-linux-arm64-gnu, ...). Versions stay those of the lock;
    # only the staged copy of package-lock.json gains the target's entries.
    (cd "$stage" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error --os=linux --cpu="$cpu" --libc=glibc) ||
      die "npm install for linux/$cpu failed (is the npm registry reachable?)"
    ;;
  none) ;;
esac

# Modules that compile C++ at install time: rebuilt on the device unless built there.
native=$(cd "$stage" && { find node_modules -name binding.gyp -not -path '*/node-gyp/*' -not -path '*/test/*' 2>/dev/null || true; } |
  sed 's|/binding.gyp$||; s|^node_modules/||' | { grep -v '/node_modules/' || true; } | sort -u | paste -sd, -)

ARCH="$arch" MODE="$mode" VERSION="$version" NATIVE="$native" COMMIT="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  node -e '
    const fs = require("fs");
    const manifest = {
      name: "bashgah",
      version: process.env.VERSION,
      arch: process.env.ARCH,
      builtAt: new Date().toISOString(),
      commit: process.env.COMMIT,
      node: { engines: require("./package.json").engines?.node ?? null, abi: process.versions.modules, builtWith: process.version },
      nodeModules: process.env.MODE,
      nativeModules: process.env.NATIVE ? process.env.NATIVE.split(",") : [],
      checksums: "SHA256SUMS",
    };
    fs.writeFileSync(process.argv[1] + "/manifest.json", JSON.stringify(manifest, null, 2) + "\n");
  ' "$stage"
(cd "$stage" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)

mkdir -p "$out"
tarball="$out/$name.tar.gz"
tar -C "$work" --owner=0 --group=0 --numeric-owner -cf - "$name" | gzip -1 >"$tarball.partial"
mv "$tarball.partial" "$tarball"
(cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
echo "release: wrote $tarball ($(du -h "$tarball" | cut -f1), $(wc -l <"$stage/SHA256SUMS") files)"
[ -n "$native" ] && [ "$mode" != copy ] && echo "release: native modules to rebuild on the device: $native"
exit 0

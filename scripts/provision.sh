#!/usr/bin/env bash
# Provisions a Bashgah kiosk over SSH, from the technician's machine, in one command.
#
#   scripts/provision.sh USER@HOST --store NAME --hq URL [options]
#
#   --store NAME        the store's name as customers see it (Persian is fine)
#   --store-id ID       a-z 0-9 - (default: from --store when that is ASCII)
#   --device-id ID      a-z 0-9 - (default: <store-id>-kiosk)
#   --hq URL            the head office (http/https); the device key is registered there
#   --release FILE      release tarball (default: newest release-out/*.tar.gz)
#   --set KEY=VALUE     extra configuration setting (repeatable), e.g. --set display.language=en
#   --no-register       do not register the key with the head office now
#   --dry-run           connect and check, print the plan, change nothing
#   --root DIR          write into DIR on the target (an SD image's root) instead of the
#                       running system: apt, systemctl start and the health check are skipped
#   --ssh-port N, --identity FILE, --ssh-option OPT (repeatable): passed to ssh
#
# Environment: BASHGAH_HQ_TOKEN, the head office admin token (never on the command line).
# Idempotent: a second run checks every step, changes nothing and says so. Each step is
# check -> act -> verify; the first broken step stops the run with its reason.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

die() { echo "provision: $*" >&2; exit 2; }
usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }

target='' store='' store_id='' device_id='' hq='' release='' root='' dry=0 register=1
hq_public_key='' extra_settings='' ssh_opts=(-o BatchMode=yes -o ConnectTimeout=15 -o ServerAliveInterval=15)
while [ $# -gt 0 ]; do
  case "$1" in
    --store) store=${2?--store needs a name}; shift 2 ;;
    --store-id) store_id=${2?}; shift 2 ;;
    --device-id) device_id=${2?}; shift 2 ;;
    --hq) hq=${2?--hq needs a URL}; shift 2 ;;
    --release) release=${2?}; shift 2 ;;
    --root) root=${2?--root needs a directory}; shift 2 ;;
    --set) [[ "${2-}" =~ ^[A-Za-z0-9_.-]+=.*$ ]] || die "--set takes KEY=VALUE"; extra_settings+="${extra_settings:+$'\n'}${2%%=*}"$'\t'"${2#*=}"; shift 2 ;;
    --dry-run) dry=1; shift ;;
    --no-register) register=0; shift ;;
    --ssh-port) [[ "${2-}" =~ ^[0-9]{1,5}$ ]] || die "--ssh-port takes a number"; ssh_opts+=(-p "$2"); shift 2 ;;
    --identity) ssh_opts+=(-i "${2?}"); shift 2 ;;
    --ssh-option) ssh_opts+=(-o "${2?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$target" ] || die "one target only (got $target and $1)"; target=$1; shift ;;
  esac
done

[ -n "$target" ] || { usage >&2; die "which device? give USER@HOST"; }
[[ "$target" =~ ^([a-z_][a-z0-9_-]*@)?[A-Za-z0-9.:_-]+$ ]] || die "\"$target\" is not USER@HOST"
[ -n "$store" ] || die "--store NAME is required"
[ "${#store}" -le 120 ] || die "--store is longer than 120 characters"
[ -n "$hq" ] || [ "$register" = 0 ] || die "--hq URL is required (or --no-register)"
url_pattern='^https?://[][A-Za-z0-9.:_@-]+(/[A-Za-z0-9._~:/?#@!$&()*+,;=%-]*)?$'
[ -z "$hq" ] || [[ "$hq" =~ $url_pattern ]] || die "--hq must be an http(s) URL, got \"$hq\""
if [ -z "$store_id" ]; then
  store_id=$(printf '%s' "$store" | tr 'A-Z ' 'a-z-' | tr -cd 'a-z0-9-' | sed 's/^-*//' | cut -c1-63)
  [ "$(printf '%s' "$store" | tr 'A-Z ' 'a-z-')" = "$store_id" ] || die "give --store-id (a-z, 0-9, -): it cannot be derived from \"$store\""
fi
id_pattern='^[a-z0-9][a-z0-9-]{0,62}$'
[[ "$store_id" =~ $id_pattern ]] || die "--store-id \"$store_id\" must match $id_pattern"
device_id=${device_id:-$store_id-kiosk}
[[ "$device_id" =~ $id_pattern ]] || die "--device-id \"$device_id\" must match $id_pattern"
[ -z "$root" ] || [[ "$root" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "--root must be an absolute path on the target (letters, digits, . _ - /)"
if [ -z "$release" ]; then
  release=$(ls -t "$repo"/release-out/*.tar.gz 2>/dev/null | head -n1 || true)
  [ -n "$release" ] || die "no release: build one with scripts/release/build.sh or give --release FILE"
fi
[ -f "$release" ] || die "no such release file: $release"
if [ "$register" = 1 ] && [ "$dry" = 0 ] && [ -z "${BASHGAH_HQ_TOKEN:-}" ]; then
  die "BASHGAH_HQ_TOKEN is not set: export the head office admin token, or use --no-register"
fi
release=$(cd "$(dirname "$release")" && pwd)/$(basename "$release")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bundle="$work/bundle" log="$work/phase.log"
mkdir -p "$bundle/release"
# The release's manifest and systemd/ files travel unpacked; the tarball only when needed.
tar -C "$bundle/release" -xzf "$release" --wildcards --strip-components=1 '*/manifest.json' '*/systemd/*' ||
  die "$release is not a release tarball (no manifest.json, systemd/)"
version=$(node -p 'require(process.argv[1]).version' "$bundle/release/manifest.json") || die "cannot read the release manifest"
cp "$here/provision/remote.sh" "$repo/scripts/release/update.sh" "$repo/scripts/release/health-check.mjs" "$bundle/"

write_params() { # REGISTERED RESTART_NEEDED
  {
    printf 'ROOT=%q\nDRY_RUN=%q\nSTORE_NAME=%q\nSTORE_ID=%q\nDEVICE_ID=%q\nHQ_URL=%q\n' "$root" "$dry" "$store" "$store_id" "$device_id" "$hq"
    printf 'EXTRA_SETTINGS=%q\nREGISTERED=%q\nRESTART_NEEDED=%q\nHQ_PUBLIC_KEY=%q\n' "$extra_settings" "$1" "$2" "$hq_public_key"
  } >"$bundle/params.sh"
}

remote_command='d=$(mktemp -d /tmp/bashgah-provision.XXXXXX) || exit 1; trap "rm -rf \"$d\"" EXIT; tar -C "$d" -xf - || exit 1; if [ "$(id -u)" = 0 ]; then bash "$d/remote.sh" PHASE 2>&1; else sudo -n bash "$d/remote.sh" PHASE 2>&1; fi'
run_phase() { # PHASE: ships the bundle, runs remote.sh, shows its lines, keeps @@facts in $log
  local rc
  set +e
  tar -C "$bundle" -chf - . | ssh "${ssh_opts[@]}" "$target" "${remote_command//PHASE/$1}" | tee "$log" | grep --line-buffered -v '^@@'
  rc=${PIPESTATUS[1]}
  set -e
  if [ "$rc" != 0 ]; then
    if [ "$rc" = 255 ] && ! grep -q '^\[' "$log"; then echo "provision: cannot connect to $target over SSH (ssh exit 255)" >&2; exit 1; fi
    step=$(sed -n 's/^@@failed=//p' "$log")
    echo "provision: stopped at step \"${step:-$1}\"; nothing after it was done. Fix the cause above and run again." >&2
    exit 1
  fi
}
fact() { sed -n "s/^@@$1=//p" "$log" | tail -n1; }

echo "provisioning $target${root:+ into $root}: store \"$store\" ($store_id), device $device_id, release $(basename "$release")${dry:+}"
[ "$dry" = 1 ] && echo "dry run: checking only, nothing will be changed"
write_params '' 0
# Ship the 50 MB tarball only when the device does not run this release yet.
probe_rc=0
probe=$(ssh "${ssh_opts[@]}" "$target" "readlink '$root/opt/bashgah/current'; test -L '$root/usr/local/bin/bashgah' && echo linked; test -f '$root/opt/bashgah/current/.native-build-needed' && echo native-pending; true" 2>"$work/ssh.err") || probe_rc=$?
[ "$probe_rc" = 0 ] || die "cannot connect to $target over SSH (ssh exit $probe_rc): $(tr '\n' ' ' <"$work/ssh.err")"
[ "$probe" = "releases/$version"$'\n'linked ] || ln -s "$release" "$bundle/release.tar.gz"
run_phase prepare
rm -f "$bundle/release.tar.gz"
changes=$(fact changed)
fingerprint=$(fact fingerprint)
restart_needed=0
grep -Eq '^\[changed\] +(config|key) ' "$log" && restart_needed=1

registered=''
if [ "$register" = 0 ]; then
  printf '%-10s %-9s %s\n' '[skipped]' register '--no-register: register later with the same command'
elif [ -n "$fingerprint" ] && [ "$(fact registration)" = "{\"hq\":\"$hq\",\"fingerprint\":\"$fingerprint\"}" ]; then
  printf '%-10s %-9s %s\n' '[ok]' register "key ${fingerprint:0:16}… is registered with $hq"
  registered=$fingerprint
elif [ "$dry" = 1 ]; then
  printf '%-10s %-9s %s\n' '[plan]' register "would POST the device key to $hq/v1/admin/devices"
else
  [ -n "$fingerprint" ] || { echo "provision: the device reported no key" >&2; exit 1; }
  if ! message=$(HQ_URL=$hq DEVICE_ID=$device_id STORE_ID=$store_id STORE_NAME=$store PUBKEY_B64=$(fact pubkey) FINGERPRINT=$fingerprint \
    node "$here/provision/register.mjs" 2>&1); then
    printf '%-10s %-9s %s\n' '[FAILED]' register "$message"
    echo "provision: stopped at step \"register\"; nothing after it was done. Fix the cause above and run again." >&2
    exit 1
  fi
  hq_public_key=$(sed -n 's/^hqPublicKey=//p' <<<"$message")
  printf '%-10s %-9s %s\n' '[changed]' register "$(head -n1 <<<"$message")"
  registered=$fingerprint
  changes=$((changes + 1))
fi

write_params "$registered" "$restart_needed"
run_phase finish
changes=$((changes + $(fact changed)))
if [ "$dry" = 1 ]; then
  echo "dry run finished: the lines marked [plan] would be done"
elif [ "$changes" = 0 ]; then
  echo "nothing changed: $target${root:+ ($root)} was already provisioned"
else
  echo "provisioned $target${root:+ ($root)}: $changes step(s) changed"
fi

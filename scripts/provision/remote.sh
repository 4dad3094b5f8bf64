#!/usr/bin/env bash
# The device side of scripts/provision.sh. Runs as root on the Pi (or on an image-building
# machine with --root), from a bundle directory holding this script, params.sh,
# release.tar.gz, update.sh and health-check.mjs. Never run by hand.
#
#   remote.sh prepare|finish
#
# Every step is check -> act -> verify: a step whose check passes changes nothing; in a dry
# run a failing check only prints what would be done; a failing act or verify stops the run.
# Lines starting with @@ are for provision.sh (facts it needs), everything else for people.
set -euo pipefail
export LC_ALL=C.UTF-8
bundle=$(cd "$(dirname "$0")" && pwd)
phase=${1:?phase}
# shellcheck source=/dev/null
. "$bundle/params.sh" # ROOT DRY_RUN STORE_NAME STORE_ID DEVICE_ID HQ_URL EXTRA_SETTINGS REGISTERED RESTART_NEEDED HQ_PUBLIC_KEY

root=$ROOT
changed=0
PACKAGES=(pcscd libccid libpcsclite-dev make g++ python3 openssl cage chromium ca-certificates)
ETC="$root/etc"
PREFIX="$root/opt/bashgah"
STATE="$root/var/lib/bashgah"
IDENTITY="$STATE/identity"
CONFIG="$ETC/bashgah/config.json"

say() { printf '%-10s %-9s %s\n' "[$1]" "$2" "$3"; }
fail() { say FAILED "$1" "$2"; echo "@@failed=$1"; exit 1; }
in_root() { [ -n "$root" ]; }
dry() { [ "$DRY_RUN" = 1 ]; }

# step NAME DESCRIPTION: calls check_NAME, act_NAME, verify_NAME. Checks put details in MSG.
step() {
  local name=$1 description=$2
  MSG=''
  if "check_$name"; then say ok "$name" "${MSG:-$description: already done}"; return 0; fi
  if dry; then say plan "$name" "would $description${MSG:+ ($MSG)}"; return 0; fi
  local reason=$MSG
  MSG=''
  "act_$name" || fail "$name" "could not $description: ${MSG:-see the messages above}"
  MSG=''
  "verify_$name" || fail "$name" "$description did not take effect: ${MSG:-check failed after acting}"
  say changed "$name" "$description${reason:+ (was: $reason)}"
  changed=$((changed + 1))
}
skip() { say skipped "$1" "$2"; }

[ -z "$root" ] || [ -d "$root" ] || fail root "$root is not a directory on this machine"

# The release being deployed: its manifest and systemd/ files, unpacked by provision.sh.
release_dir="$bundle/release"
[ -f "$release_dir/manifest.json" ] || fail release "the bundle has no release manifest"
VERSION=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$release_dir/manifest.json")
[ -n "$VERSION" ] || fail release "the release has no version in manifest.json"

uid_of() { awk -F: -v n="$1" '$1 == n { print $3 }' "$ETC/passwd" 2>/dev/null; }
gid_of() { awk -F: -v n="$1" '$1 == n { print $3 }' "$ETC/group" 2>/dev/null; }

# --- packages -------------------------------------------------------------------------------
missing_packages() {
  local pkg out=()
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || out+=("$pkg")
  done
  echo "${out[*]}"
}
check_packages() { local m; m=$(missing_packages); [ -z "$m" ] || { MSG="missing: $m"; return 1; }; }
act_packages() {
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2046 # one word per package name
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $(missing_packages) >/dev/null
}
verify_packages() { check_packages; }

# --- node -----------------------------------------------------------------------------------
check_node() {
  command -v node >/dev/null || { MSG='node is not installed'; return 1; }
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    { MSG="node $(node --version) is older than 20.19"; return 1; }
  MSG="node $(node --version)"
}
act_node() { MSG='install Node >= 20.19 (NodeSource packages: https://deb.nodesource.com) and run again'; return 1; }
verify_node() { check_node; }

# --- release --------------------------------------------------------------------------------
check_release() {
  local current
  current=$(readlink "$PREFIX/current" 2>/dev/null || true)
  [ "$current" = "releases/$VERSION" ] || { MSG="current: ${current#releases/}"; MSG=${MSG%: }; [ -n "$current" ] || MSG='none installed'; return 1; }
  [ -L "$root/usr/local/bin/bashgah" ] || { MSG='the bashgah command is not linked'; return 1; }
  if [ -f "$PREFIX/current/.native-build-needed" ] && ! in_root; then MSG='native modules not built on this device yet'; return 1; fi
  MSG="release $VERSION is current"
}
act_release() {
  local rc=0
  [ -f "$bundle/release.tar.gz" ] || { MSG='the release tarball was not sent: run provisioning again'; return 1; }
  bash "$bundle/update.sh" "$bundle/release.tar.gz" ${root:+--root "$root"} --restart auto || rc=$?
  [ "$rc" = 3 ] && MSG="$VERSION failed its health check; the previous release was restored"
  [ "$rc" = 0 ]
}
verify_release() { check_release; }

# --- users ----------------------------------------------------------------------------------
check_users() {
  cmp -s "$release_dir/systemd/sysusers.d/bashgah.conf" "$ETC/sysusers.d/bashgah.conf" || { MSG='sysusers.d/bashgah.conf not installed'; return 1; }
  [ -n "$(uid_of bashgah)" ] && [ -n "$(uid_of bashgah-kiosk)" ] || { MSG='users bashgah, bashgah-kiosk missing'; return 1; }
  MSG="users bashgah ($(uid_of bashgah)) and bashgah-kiosk ($(uid_of bashgah-kiosk)) exist"
}
act_users() {
  install -D -m 0644 "$release_dir/systemd/sysusers.d/bashgah.conf" "$ETC/sysusers.d/bashgah.conf"
  systemd-sysusers ${root:+--root="$root"} "$ETC/sysusers.d/bashgah.conf"
}
verify_users() { check_users; }

# --- config ---------------------------------------------------------------------------------
desired_config() { # KEY<TAB>VALUE lines: the device's identity plus the technician's --set pairs
  printf 'device.id\t%s\ndevice.storeId\t%s\ndevice.storeName\t%s\nsync.enabled\t%s\n' \
    "$DEVICE_ID" "$STORE_ID" "$STORE_NAME" "$([ -n "$HQ_URL" ] && echo true || echo false)"
  [ -z "$EXTRA_SETTINGS" ] || printf '%s\n' "$EXTRA_SETTINGS"
}
config_pairs() { # KEY VALUE words for `bashgah config set`
  local key value
  while IFS=$'\t' read -r key value; do printf '%s\0%s\0' "$key" "$value"; done < <(desired_config)
}
check_config() {
  [ -f "$CONFIG" ] || { MSG='no config.json'; return 1; }
  [ -x "$PREFIX/current/dist/firmware/src/cli/main.js" ] || { MSG='release not installed yet'; return 1; }
  local out gid
  out=$(config_pairs | xargs -0 sh -c 'm=$1; shift; BASHGAH_CONFIG="$0" node "$m" config set --dry-run -- "$@"' "$CONFIG" "$PREFIX/current/dist/firmware/src/cli/main.js" 2>&1) ||
    { MSG=$(printf '%s' "$out" | tr '\n' ' '); return 1; }
  grep -q '^nothing changed$' <<<"$out" || { MSG=$(grep -v '^dry run' <<<"$out" | grep -v 'is already' | tr '\n' ';'); return 1; }
  gid=$(gid_of bashgah)
  [ "$(stat -c '%u %g %a' "$CONFIG")" = "0 $gid 640" ] || { MSG='config.json is not root:bashgah 0640'; return 1; }
  MSG="config.json: store $STORE_ID, device $DEVICE_ID"
}
act_config() {
  install -d -m 0750 -o 0 -g "$(gid_of bashgah)" "$ETC/bashgah"
  local out
  out=$(config_pairs | xargs -0 sh -c 'm=$1; shift; BASHGAH_CONFIG="$0" node "$m" config set -- "$@"' "$CONFIG" "$PREFIX/current/dist/firmware/src/cli/main.js" 2>&1) ||
    { MSG=$(printf '%s' "$out" | tr '\n' ' '); return 1; }
  chown "0:$(gid_of bashgah)" "$CONFIG" && chmod 0640 "$CONFIG"
}
verify_config() { check_config; }

# --- device key (Ed25519) -------------------------------------------------------------------
check_key() {
  [ -f "$IDENTITY/device-key.pem" ] || { MSG='no device key'; return 1; }
  [ "$(stat -c '%u %a' "$IDENTITY/device-key.pem")" = "$(uid_of bashgah) 600" ] || { MSG='device key is not bashgah-only (0600)'; return 1; }
  openssl pkey -in "$IDENTITY/device-key.pem" -pubout 2>/dev/null | cmp -s - "$IDENTITY/device-key.pub.pem" || { MSG='public key does not match'; return 1; }
  MSG="Ed25519 key $(fingerprint)"
}
act_key() {
  local uid gid
  uid=$(uid_of bashgah) gid=$(gid_of bashgah)
  install -d -m 0700 -o "$uid" -g "$gid" "$STATE" "$IDENTITY"
  chown "$uid:$gid" "$STATE" && chmod 0750 "$STATE"
  if [ ! -s "$IDENTITY/device-key.pem" ]; then
    (umask 077 && openssl genpkey -algorithm ed25519 -out "$IDENTITY/.device-key.pem.new" && mv "$IDENTITY/.device-key.pem.new" "$IDENTITY/device-key.pem")
  fi
  openssl pkey -in "$IDENTITY/device-key.pem" -pubout -out "$IDENTITY/device-key.pub.pem"
  chown "$uid:$gid" "$IDENTITY/device-key.pem" "$IDENTITY/device-key.pub.pem"
  chmod 0600 "$IDENTITY/device-key.pem" && chmod 0644 "$IDENTITY/device-key.pub.pem"
}
verify_key() { check_key; }
fingerprint() { openssl pkey -pubin -in "$IDENTITY/device-key.pub.pem" -outform DER 2>/dev/null | sha256sum | cut -c1-64; }

# --- registration record --------------------------------------------------------------------
registration_json() { printf '{"hq":"%s","fingerprint":"%s"}\n' "$HQ_URL" "$REGISTERED"; }
check_record() {
  [ "$(cat "$IDENTITY/registration.json" 2>/dev/null)" = "$(registration_json)" ] || { MSG='not recorded'; return 1; }
  [ -z "$HQ_PUBLIC_KEY" ] || [ "$(cat "$IDENTITY/hq-public-key.b64" 2>/dev/null)" = "$HQ_PUBLIC_KEY" ] || { MSG='head office key not recorded'; return 1; }
  MSG="registered with $HQ_URL"
}
act_record() {
  registration_json >"$IDENTITY/.registration.json.new" && mv "$IDENTITY/.registration.json.new" "$IDENTITY/registration.json" || return 1
  # The head office's public key (SPKI DER base64), returned at registration: the kiosk checks HQ's signatures with it.
  if [ -n "$HQ_PUBLIC_KEY" ]; then printf '%s\n' "$HQ_PUBLIC_KEY" >"$IDENTITY/hq-public-key.b64" || return 1; fi
  chown "$(uid_of bashgah):$(gid_of bashgah)" "$IDENTITY"/registration.json "$IDENTITY"/hq-public-key.b64 2>/dev/null || chown "$(uid_of bashgah):$(gid_of bashgah)" "$IDENTITY/registration.json"
}
verify_record() { check_record; }

# --- units and device files -----------------------------------------------------------------
UNITS=(bashgah.service bashgah-kiosk.service)
unit_files() { # SOURCE<TAB>DESTINATION
  local unit
  for unit in "${UNITS[@]}"; do printf '%s\t%s\n' "systemd/$unit" "etc/systemd/system/$unit"; done
  printf '%s\t%s\n' systemd/udev/60-bashgah.rules etc/udev/rules.d/60-bashgah.rules \
    systemd/modprobe.d/bashgah-blacklist-nfc.conf etc/modprobe.d/bashgah-blacklist-nfc.conf \
    systemd/polkit/50-bashgah-pcscd.rules etc/polkit-1/rules.d/50-bashgah-pcscd.rules \
    systemd/journald.conf.d/bashgah.conf etc/systemd/journald.conf.d/bashgah.conf
}
systemctl_() { if in_root; then systemctl --root="$root" "$@"; else systemctl "$@"; fi; }
check_units() {
  local source destination
  while IFS=$'\t' read -r source destination; do
    cmp -s "$release_dir/$source" "$root/$destination" || { MSG="/$destination differs or is missing"; return 1; }
  done < <(unit_files)
  for unit in "${UNITS[@]}"; do
    [ "$(systemctl_ is-enabled "$unit" 2>/dev/null)" = enabled ] || { MSG="$unit is not enabled"; return 1; }
  done
  MSG="units installed and enabled"
}
act_units() {
  local source destination journald_changed=0
  while IFS=$'\t' read -r source destination; do
    if ! cmp -s "$release_dir/$source" "$root/$destination"; then
      install -D -m 0644 "$release_dir/$source" "$root/$destination"
      [[ "$destination" == *journald* ]] && journald_changed=1
    fi
  done < <(unit_files)
  if in_root; then
    echo "  --root: daemon-reload, udev reload and journald restart happen at first boot"
  else
    systemctl daemon-reload
    udevadm control --reload 2>/dev/null || true
    [ "$journald_changed" = 1 ] && systemctl restart systemd-journald
  fi
  systemctl_ enable "${UNITS[@]}" 2>&1 | sed 's/^/  /'
}
verify_units() { check_units; }

# --- service running ------------------------------------------------------------------------
check_service() {
  [ "$RESTART_NEEDED" = 1 ] && { MSG='configuration changed'; return 1; }
  systemctl is-active --quiet bashgah.service || { MSG='bashgah.service is not running'; return 1; }
  MSG='bashgah.service is running'
}
act_service() { systemctl restart bashgah.service && systemctl restart bashgah-kiosk.service; }
verify_service() { RESTART_NEEDED=0 check_service; }

check_health() { node "$bundle/health-check.mjs" http://127.0.0.1:8080/healthz 90 >/dev/null 2>"$bundle/health.err" || { MSG=$(cat "$bundle/health.err"); return 1; }; MSG='GET /healthz answered 2xx'; }
act_health() { MSG="$(cat "$bundle/health.err") -- see: bashgah logs -n 100"; return 1; }
verify_health() { check_health; }

case "$phase" in
  prepare)
    if in_root; then
      skip packages "--root: apt-get needs the running system; install: ${PACKAGES[*]}"
      skip node "--root: cannot run the image's node here; the image needs Node >= 20.19"
      command -v node >/dev/null || fail node "this machine needs node to write the image's configuration"
    else
      step packages "install Debian packages"
      step node "check Node >= 20.19"
    fi
    step release "install release $VERSION"
    step users "create the service users"
    step config "write /etc/bashgah/config.json"
    step key "create the device key"
    if [ -f "$IDENTITY/device-key.pub.pem" ]; then
      echo "@@fingerprint=$(fingerprint)"
      echo "@@pubkey=$(base64 -w0 <"$IDENTITY/device-key.pub.pem")"
      [ -f "$IDENTITY/registration.json" ] && echo "@@registration=$(cat "$IDENTITY/registration.json")"
    fi
    ;;
  finish)
    if [ -n "$REGISTERED" ]; then step record "record the registration"; else skip record "not registered with a head office"; fi
    step units "install and enable the units and device files"
    if in_root; then
      skip service "--root: systemctl start needs the running system"
      skip health "--root: checked at first boot: GET http://127.0.0.1:8080/healthz"
    elif dry; then
      say plan service "would start bashgah.service and check GET /healthz"
    else
      step service "start bashgah.service"
      step health "check GET http://127.0.0.1:8080/healthz"
    fi
    ;;
  *) fail "$phase" "unknown phase" ;;
esac
echo "@@changed=$changed"

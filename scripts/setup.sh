#!/usr/bin/env bash
# Prepares this checkout to run (and with --for-tests, to test) Squelch. Safe to run any number of
# times: each step only does something when it is missing or out of date.
#
#   scripts/setup.sh [--for-tests]
#
# Steps:
#   1. Debian packages below, installed with apt-get when missing (apt-get update runs once, only then);
#   2. npm ci, when node_modules is missing or package-lock.json changed since the last install here;
#   3. scripts/mediasoup-worker.sh, which makes sure mediasoup's worker binary is in place.
set -euo pipefail

# ---------------------------------------------------------------------------------------------------
# Debian packages
# ---------------------------------------------------------------------------------------------------
# Always: what the server and the test suite start or call.
RUNTIME_PACKAGES=(redis-server postgresql chromium sox openssl ca-certificates)
# With --for-tests: browser tests.
TEST_PACKAGES=(firefox-esr pulseaudio opus-tools coturn nftables iproute2 espeak-ng)
# The packages for building mediasoup's worker without internet are listed in scripts/mediasoup-worker.sh;
# that script installs them only when a build is actually needed.
# ---------------------------------------------------------------------------------------------------

REQUIRED_NODE="20.19.0"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAMP="$ROOT/node_modules/.squelch-lock-sha256"

say() { printf '[setup] %s\n' "$*"; }
fail() {
  printf '[setup] ERROR: %s\n' "$*" >&2
  exit 1
}

FOR_TESTS=0
for arg in "$@"; do
  case "$arg" in
    --for-tests) FOR_TESTS=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) fail "unknown option '$arg' (known: --for-tests)." ;;
  esac
done

cd "$ROOT"
STARTED=$SECONDS
SUMMARY=()

# Node.js is not installed here: Debian's is too old, so it has to come from the machine's image.
command -v node >/dev/null 2>&1 || fail "Node.js >= $REQUIRED_NODE is required but 'node' is not on PATH."
command -v npm >/dev/null 2>&1 || fail "npm is required but not on PATH."
NODE_VERSION="$(node -p 'process.versions.node')"
if [[ "$(printf '%s\n%s\n' "$REQUIRED_NODE" "$NODE_VERSION" | sort -V | head -n 1)" != "$REQUIRED_NODE" ]]; then
  fail "Node.js >= $REQUIRED_NODE is required, found $NODE_VERSION."
fi

# 1. System packages.
PACKAGES=("${RUNTIME_PACKAGES[@]}")
if [[ $FOR_TESTS -eq 1 ]]; then
  PACKAGES+=("${TEST_PACKAGES[@]}")
fi
MISSING=()
for pkg in "${PACKAGES[@]}"; do
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)" == installed ]] || MISSING+=("$pkg")
done
if [[ ${#MISSING[@]} -eq 0 ]]; then
  say "system packages: all ${#PACKAGES[@]} present"
  SUMMARY+=("system packages already present")
else
  command -v apt-get >/dev/null 2>&1 || fail "missing packages (${MISSING[*]}) and apt-get is not available to install them."
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || fail "installing ${MISSING[*]} needs root (or sudo)."
    SUDO=(sudo)
  fi
  say "installing system packages: ${MISSING[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null || fail "apt-get update failed."
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${MISSING[@]}" </dev/null ||
    fail "apt-get install ${MISSING[*]} failed."
  SUMMARY+=("installed ${MISSING[*]}")
fi

# 2. npm dependencies.
LOCK_HASH="$(sha256sum package-lock.json | cut -d ' ' -f 1)"
if [[ -d node_modules && -f "$STAMP" && "$(cat "$STAMP")" == "$LOCK_HASH" ]]; then
  say "npm dependencies: up to date with package-lock.json"
  SUMMARY+=("npm dependencies already up to date")
else
  if [[ -d node_modules ]]; then
    say "npm dependencies: package-lock.json changed since the last install here (or no record of one); running npm ci"
  else
    say "npm dependencies: node_modules is missing; running npm ci"
  fi
  # mediasoup's postinstall would download or build its worker during the install and fails without
  # internet; MEDIASOUP_WORKER_BIN makes it skip that (scripts/mediasoup-worker.sh handles the worker).
  # It is set for this command only: at run time mediasoup would try to execute whatever it names.
  MEDIASOUP_WORKER_BIN=skipped-during-npm-install npm ci </dev/null || fail "npm ci failed."
  printf '%s\n' "$LOCK_HASH" >"$STAMP"
  SUMMARY+=("ran npm ci")
fi

# 3. mediasoup's worker binary.
"$ROOT/scripts/mediasoup-worker.sh" || fail "mediasoup's worker binary is not available (see above)."
SUMMARY+=("mediasoup worker ready")

printf -v JOINED '%s; ' "${SUMMARY[@]}"
say "done in $((SECONDS - STARTED)) s: ${JOINED%; }"

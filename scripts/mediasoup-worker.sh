#!/usr/bin/env bash
# Makes sure node_modules/mediasoup has a working mediasoup-worker binary. Safe to run any number of times.
#
#   scripts/mediasoup-worker.sh [--rebuild] [--offline]
#
# Order of attempts, stopping at the first that gives a binary which runs on this machine:
#   1. the binary already at mediasoup's default path;
#   2. a copy from the cache (~/.cache/squelch, shared by every checkout on this machine);
#   3. mediasoup's own postinstall (downloads a prebuilt worker, or builds it with downloaded tools);
#   4. a build from Debian packages without internet (scripts/mediasoup-offline/build.sh), accepted only
#      if audio from headless Chromium goes through it (scripts/mediasoup-offline/check-worker-browser.sh;
#      skipped when Chromium is not installed).
# A new binary is copied into the cache afterwards.
#
#   --rebuild   ignore the installed and the cached binary; a new one replaces the cache entry
#   --offline   skip mediasoup's postinstall and build from Debian packages directly
# Environment:
#   SQUELCH_CACHE_DIR                      cache folder (default: ${XDG_CACHE_HOME:-~/.cache}/squelch)
#   SQUELCH_MEDIASOUP_POSTINSTALL_TIMEOUT  seconds allowed for mediasoup's postinstall (default 1200)
set -euo pipefail

# Debian packages needed only when the worker has to be built here without internet.
MEDIASOUP_BUILD_PACKAGES=(g++ meson ninja-build pkg-config libuv1-dev libssl-dev libsrtp2-dev libabsl-dev
  libflatbuffers-dev flatbuffers-compiler)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEDIASOUP_DIR="$ROOT/node_modules/mediasoup"
WORKER_BIN="$MEDIASOUP_DIR/worker/out/Release/mediasoup-worker"
POSTINSTALL_TIMEOUT="${SQUELCH_MEDIASOUP_POSTINSTALL_TIMEOUT:-1200}"
HOME_DIR="${HOME:-}"
[[ -n "$HOME_DIR" ]] || HOME_DIR=~ # without HOME, ~ is the user's home directory from the password database
CACHE_DIR="${SQUELCH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME_DIR/.cache}/squelch}"

say() { printf '[mediasoup-worker] %s\n' "$*"; }
fail() {
  printf '[mediasoup-worker] ERROR: %s\n' "$*" >&2
  exit 1
}

REBUILD=0
OFFLINE=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) REBUILD=1 ;;
    --offline) OFFLINE=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) fail "unknown option '$arg' (known: --rebuild, --offline)." ;;
  esac
done

[[ -f "$MEDIASOUP_DIR/package.json" ]] ||
  fail "mediasoup is not installed in $ROOT/node_modules; run scripts/setup.sh (or npm ci) first."
command -v node >/dev/null 2>&1 || fail "node is not on PATH."

VERSION="$(node -p "require(process.argv[1]).version" "$MEDIASOUP_DIR/package.json")"
ARCH="$(node -p 'process.platform + "-" + process.arch')"
# The suffix names the offline build's recipe: a new recipe (here: libsrtp with OpenSSL) builds once more.
CACHE_BIN="$CACHE_DIR/mediasoup-worker-$VERSION-$ARCH-srtp-openssl"

# A worker started without its settings exits with status 41; anything else means it cannot run here
# (missing shared library, wrong architecture, truncated file...).
worker_runs() {
  local bin="$1" status=0
  [[ -f "$bin" && -x "$bin" ]] || return 1
  timeout 20 env -i "$bin" </dev/null >/dev/null 2>&1 || status=$?
  [[ $status -eq 41 ]]
}

install_from() {
  mkdir -p "$(dirname "$WORKER_BIN")"
  cp "$1" "$WORKER_BIN.tmp.$$"
  chmod 755 "$WORKER_BIN.tmp.$$"
  mv -f "$WORKER_BIN.tmp.$$" "$WORKER_BIN"
}

store_in_cache() {
  cp "$WORKER_BIN" "$CACHE_BIN.tmp.$$"
  chmod 755 "$CACHE_BIN.tmp.$$"
  mv -f "$CACHE_BIN.tmp.$$" "$CACHE_BIN"
  say "cached as $CACHE_BIN"
}

apt_install_missing() {
  local missing=() pkg
  for pkg in "$@"; do
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)" == installed ]] || missing+=("$pkg")
  done
  [[ ${#missing[@]} -gt 0 ]] || return 0
  command -v apt-get >/dev/null 2>&1 ||
    fail "these packages are needed to build the worker but apt-get is not available: ${missing[*]}"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || fail "installing ${missing[*]} needs root (or sudo)."
    sudo=(sudo)
  fi
  say "installing build packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null ||
    fail "apt-get update failed."
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null ||
    fail "apt-get install ${missing[*]} failed."
}

# Several checkouts (or CI jobs) on one machine share the cache: only one of them builds at a time, the
# others wait and then take the binary from the cache.
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_BIN.lock"
if ! flock -n 9; then
  say "another setup is preparing mediasoup-worker $VERSION; waiting for it"
  flock 9
fi

# 1. Already installed.
if [[ $REBUILD -eq 0 ]] && worker_runs "$WORKER_BIN"; then
  say "mediasoup-worker $VERSION is installed and runs ($WORKER_BIN)"
  if ! worker_runs "$CACHE_BIN"; then
    store_in_cache
  fi
  exit 0
fi

# 2. Cached by an earlier setup on this machine.
if [[ $REBUILD -eq 0 ]] && [[ -e "$CACHE_BIN" ]]; then
  if worker_runs "$CACHE_BIN"; then
    install_from "$CACHE_BIN"
    if worker_runs "$WORKER_BIN"; then
      say "installed mediasoup-worker $VERSION from the cache ($CACHE_BIN)"
      exit 0
    fi
  fi
  say "the cached binary $CACHE_BIN does not run on this machine; discarding it"
  rm -f "$CACHE_BIN"
fi

if [[ $REBUILD -eq 1 ]]; then
  # The cache entry is kept until a new binary replaces it.
  say "--rebuild: discarding the installed worker binary; the cached one is replaced once a new one works"
  rm -f "$WORKER_BIN"
fi

# 3. mediasoup's own postinstall: the normal way on a machine with internet.
STARTED=$SECONDS
if [[ $OFFLINE -eq 0 ]]; then
  POSTINSTALL="$(node -p "require(process.argv[1]).scripts?.postinstall ?? ''" "$MEDIASOUP_DIR/package.json")"
  if [[ -n "$POSTINSTALL" ]]; then
    say "running mediasoup's postinstall ($POSTINSTALL), at most $POSTINSTALL_TIMEOUT s"
    status=0
    # MEDIASOUP_WORKER_BIN would make the postinstall skip its work, so it is removed for this command.
    (cd "$MEDIASOUP_DIR" && env -u MEDIASOUP_WORKER_BIN PATH="$ROOT/node_modules/.bin:$PATH" \
      timeout --kill-after=15 "$POSTINSTALL_TIMEOUT" sh -c "$POSTINSTALL" </dev/null) || status=$?
    if [[ $status -eq 0 ]] && worker_runs "$WORKER_BIN"; then
      say "mediasoup's postinstall provided the worker in $((SECONDS - STARTED)) s"
      store_in_cache
      exit 0
    fi
    if [[ $status -eq 124 || $status -eq 137 ]]; then
      say "mediasoup's postinstall did not finish within $POSTINSTALL_TIMEOUT s"
    else
      say "mediasoup's postinstall did not produce a working worker (exit status $status)"
    fi
  fi
else
  say "--offline: not trying mediasoup's postinstall"
fi

# 4. Build from Debian packages without internet. Remove what a failed postinstall left behind first.
say "building mediasoup-worker $VERSION from Debian packages (no internet needed; about 5 minutes on 2 cores)"
rm -rf "$MEDIASOUP_DIR/worker/out" "$MEDIASOUP_DIR/worker/prebuild" "$MEDIASOUP_DIR/worker/pip_invoke"
apt_install_missing "${MEDIASOUP_BUILD_PACKAGES[@]}"
STARTED=$SECONDS
"$ROOT/scripts/mediasoup-offline/build.sh" "$MEDIASOUP_DIR" "$WORKER_BIN" ||
  fail "the offline build of mediasoup-worker $VERSION failed (see the messages above)."
worker_runs "$WORKER_BIN" ||
  fail "the offline build finished but $WORKER_BIN does not run on this machine (it should exit with status 41 when started without arguments)."
say "built mediasoup-worker $VERSION in $((SECONDS - STARTED)) s"

# Starting is not proof that DTLS and SRTP work with Debian's libraries: send audio through it from a
# browser before keeping it (one retry, in case the machine is too busy the first time).
check_status=0
"$ROOT/scripts/mediasoup-offline/check-worker-browser.sh" || check_status=$?
if [[ $check_status -ne 0 && $check_status -ne 3 ]]; then
  say "retrying the browser check once"
  check_status=0
  "$ROOT/scripts/mediasoup-offline/check-worker-browser.sh" || check_status=$?
fi
case $check_status in
  0) ;;
  3) say "browser check skipped: the worker starts, but its WebRTC path was not exercised" ;;
  *)
    rm -f "$WORKER_BIN"
    fail "the offline-built worker failed the browser check (audio did not come back through it); it was not installed or cached."
    ;;
esac
store_in_cache

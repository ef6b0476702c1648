#!/usr/bin/env bash
# Builds mediasoup's worker without internet, against Debian's libraries.
#
#   scripts/mediasoup-offline/build.sh <mediasoup package dir> <output binary path>
#
# mediasoup's own build downloads its dependencies as meson subprojects. Here every subproject the
# worker reads is replaced by a small local one from subprojects/ that takes the library from the system
# (Debian packages: see MEDIASOUP_BUILD_PACKAGES in scripts/mediasoup-worker.sh), and meson runs with
# downloads disabled. The worker sources are copied to a scratch directory first, so the installed
# package is never modified; only the finished binary is written to <output binary path>.
# Needs: g++, meson, ninja, pkg-config, flatc and the -dev packages; about 5 minutes on 2 cores. libsrtp is
# built with OpenSSL from Debian's source package first (srtp-openssl.sh), Debian's libsrtp2 if that fails.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { printf '[mediasoup-offline] %s\n' "$*"; }
fail() {
  printf '[mediasoup-offline] ERROR: %s\n' "$*" >&2
  exit 1
}

[[ $# -eq 2 ]] || fail "usage: $0 <mediasoup package dir> <output binary path>"
MEDIASOUP_DIR="$(cd "$1" && pwd)"
OUTPUT="$2"
[[ -f "$MEDIASOUP_DIR/worker/meson.build" ]] || fail "$MEDIASOUP_DIR/worker/meson.build not found; is $1 the mediasoup package?"

for tool in g++ meson ninja pkg-config flatc; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not installed (needed for the offline worker build)."
done

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/squelch-mediasoup-worker.XXXXXX")"
LOG="$SCRATCH/build.log"
SUCCEEDED=0
cleanup() {
  if [[ $SUCCEEDED -eq 1 ]]; then
    rm -rf "$SCRATCH"
  else
    printf '[mediasoup-offline] scratch directory kept for inspection: %s (log: %s)\n' "$SCRATCH" "$LOG" >&2
  fi
}
trap cleanup EXIT

# Runs a build step with its output in the log; on failure shows the end of the log.
run_logged() {
  local what="$1"
  shift
  if ! "$@" >>"$LOG" 2>&1; then
    printf '[mediasoup-offline] --- last lines of %s ---\n' "$LOG" >&2
    tail -n 40 "$LOG" >&2
    fail "$what failed."
  fi
}

# 0. libsrtp 2 with OpenSSL's crypto (Debian's package uses NSS, about twice the worker's CPU per listener);
# Debian's libsrtp2 when that cannot be built here.
if "$HERE/srtp-openssl.sh" "$SCRATCH" "$SCRATCH/srtp"; then
  export PKG_CONFIG_PATH="$SCRATCH/srtp/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  SRTP_CRYPTO=openssl
else
  say "WARNING: using Debian's libsrtp2 (NSS crypto): each listener costs the worker about twice the CPU"
  SRTP_CRYPTO=nss
fi

# 1. Check the libsrtp 3 compatibility header against libsrtp 2 before spending minutes on the build.
say "checking the libsrtp 3 compatibility layer against libsrtp2 ($SRTP_CRYPTO crypto)"
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
run_logged "compiling the SRTP compatibility check" \
  g++ -std=c++20 -O1 -I"$HERE/subprojects/libsrtp3/include" $(pkg-config --cflags libsrtp2) \
  "$HERE/check-srtp-compat.cpp" -o "$SCRATCH/check-srtp-compat" $(pkg-config --libs --static libsrtp2)
run_logged "the SRTP compatibility check" "$SCRATCH/check-srtp-compat"

# 2. Copy the worker sources, leaving out anything an earlier build attempt left behind.
say "copying worker sources to $SCRATCH/worker"
mkdir -p "$SCRATCH/worker"
tar -C "$MEDIASOUP_DIR/worker" \
  --exclude=./out --exclude=./prebuild --exclude=./pip_invoke --exclude=./subprojects/packagecache \
  -cf - . | tar -C "$SCRATCH/worker" -xf -
WORKER="$SCRATCH/worker"

# 3. Let the installed meson run the build if it is older than the version the worker asks for.
MESON_VERSION="$(meson --version)"
REQUIRED="$(sed -n "s/^ *meson_version *: *'>= *\([0-9.]*\)'.*/\1/p" "$WORKER/meson.build" | head -n 1)"
if [[ -n "$REQUIRED" ]] && [[ "$(printf '%s\n%s\n' "$REQUIRED" "$MESON_VERSION" | sort -V | head -n 1)" != "$REQUIRED" ]]; then
  say "worker asks for meson >= $REQUIRED, installed is $MESON_VERSION: relaxing the requirement in the copy"
  sed -i "s/^\( *meson_version *: *'>= *\)$REQUIRED'/\1$MESON_VERSION'/" "$WORKER/meson.build"
fi

# 4. Source fix needed with Debian's OpenSSL (3.0.2x; mediasoup's own build links its bundled 3.0.8).
# The worker's callback on its outgoing DTLS BIO answers 1 to every "after the operation" call instead of
# passing the operation's result through (it compares the operation type with BIO_CB_RETURN, which never
# matches the combined flags). Debian's OpenSSL takes that at its word: the server's first handshake
# flight fails and the worker crashes in SSL_read (NULL record buffer) as soon as a browser connects.
DTLS_SOURCE="$WORKER/src/RTC/DtlsTransport.cpp"
if grep -q '(operationType == BIO_CB_RETURN)' "$DTLS_SOURCE"; then
  sed -i 's/(operationType == BIO_CB_RETURN)/((operationType \& BIO_CB_RETURN) != 0)/' "$DTLS_SOURCE"
  grep -q '((operationType & BIO_CB_RETURN) != 0)' "$DTLS_SOURCE" || fail "patching $DTLS_SOURCE failed."
  say "DTLS BIO callback now passes OpenSSL's results through (src/RTC/DtlsTransport.cpp, in the copy)"
else
  say "DTLS BIO callback already passes OpenSSL's results through; no change"
fi

# 5. Put a local subproject in each directory a .wrap file names, so meson never downloads.
for wrap in "$WORKER"/subprojects/*.wrap; do
  name="$(basename "$wrap" .wrap)"
  directory="$(sed -n 's/^directory *= *//p' "$wrap" | tr -d '[:space:]')"
  [[ -n "$directory" ]] || directory="$name"
  if [[ -d "$HERE/subprojects/$name" ]]; then
    rm -rf "${WORKER:?}/subprojects/$directory"
    cp -a "$HERE/subprojects/$name" "$WORKER/subprojects/$directory"
    cp "$HERE/subprojects/placeholder.c" "$WORKER/subprojects/$directory/"
    say "subproject $name -> system libraries (subprojects/$directory)"
  else
    say "subproject $name left as is (not needed for the worker binary)"
  fi
done

# 6. Configure and compile, with the options mediasoup uses for its release build.
say "configuring (meson $MESON_VERSION, downloads disabled)"
run_logged "meson setup" \
  meson setup --buildtype release -Db_ndebug=true --wrap-mode=nodownload "$SCRATCH/build" "$WORKER"

JOBS="$(nproc 2>/dev/null || echo 2)"
say "compiling with $JOBS parallel jobs (a few minutes; full log: $LOG)"
STARTED=$SECONDS
# Report progress about every tenth of the way; everything else goes to the log.
if ! ninja -C "$SCRATCH/build" -j "$JOBS" mediasoup-worker 2>&1 | tee -a "$LOG" |
  awk '
    match($0, /^\[[0-9]+\/[0-9]+\]/) {
      split(substr($0, 2, RLENGTH - 2), n, "/")
      step = int(n[2] / 10); if (step < 1) step = 1
      if (n[1] % step == 0 || n[1] == n[2]) { printf "[mediasoup-offline]   %d/%d compiled\n", n[1], n[2]; fflush() }
    }'; then
  printf '[mediasoup-offline] --- last lines of %s ---\n' "$LOG" >&2
  tail -n 40 "$LOG" >&2
  fail "compiling the worker failed."
fi
say "compiled in $((SECONDS - STARTED)) s"

# 7. Install the binary where it was asked for.
BUILT="$SCRATCH/build/mediasoup-worker"
[[ -x "$BUILT" ]] || fail "the build finished but $BUILT is missing."
if [[ $SRTP_CRYPTO == openssl ]] && ldd "$BUILT" | grep -q 'libsrtp2\|libnss3'; then
  fail "the worker was meant to link libsrtp statically with OpenSSL, but it loads $(ldd "$BUILT" | grep -o 'libsrtp2[^ ]*\|libnss3[^ ]*' | head -n 1)."
fi
say "SRTP in the worker: libsrtp 2 with $SRTP_CRYPTO crypto"
mkdir -p "$(dirname "$OUTPUT")"
cp "$BUILT" "$OUTPUT.tmp.$$"
chmod 755 "$OUTPUT.tmp.$$"
mv -f "$OUTPUT.tmp.$$" "$OUTPUT"
SUCCEEDED=1
say "worker binary written to $OUTPUT"

#!/usr/bin/env bash
# Builds libsrtp 2 with OpenSSL's crypto, as a static library, from Debian's source package.
#
#   scripts/mediasoup-offline/srtp-openssl.sh <scratch dir> <install prefix>
#
# Debian's libsrtp2 package uses NSS for its ciphers: measured with perf under bench/capacity.ts, NSS's
# per-call overhead made SRTP about 45 % of the worker's CPU time (each listener costs a protect() per
# packet). mediasoup's own build links libsrtp with OpenSSL; this does the same without internet: the
# source comes from the Debian archive (a temporary deb-src list, downloaded as root, kept out of the
# system's apt state), the library is built with --enable-openssl and installed under <install prefix>
# (lib/libsrtp2.a, include/srtp2, lib/pkgconfig/libsrtp2.pc). Exits non-zero when anything is missing;
# build.sh then falls back to Debian's libsrtp2.
set -euo pipefail

say() { printf '[mediasoup-offline] %s\n' "$*"; }

[[ $# -eq 2 ]] || { echo "usage: $0 <scratch dir> <install prefix>" >&2; exit 2; }
WORK="$1/srtp-source"
PREFIX="$2"
mkdir -p "$WORK/lists/partial"

# The archive this machine installs from, as a source list.
URI="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)"
[[ -n "$URI" ]] || URI="$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*\) .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n 1)"
SUITE="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
[[ -n "$URI" && -n "$SUITE" ]] || { say "no Debian archive address found for the libsrtp source"; exit 1; }
printf 'deb-src %s %s main\n' "$URI" "$SUITE" >"$WORK/sources.list"
APT=(apt-get -q -o "Dir::Etc::SourceList=$WORK/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$WORK/lists" -o APT::Sandbox::User=root)

cd "$WORK"
"${APT[@]}" update </dev/null >"$WORK/apt.log" 2>&1 || { say "apt-get update (sources) failed"; exit 1; }
"${APT[@]}" source --download-only libsrtp2 </dev/null >>"$WORK/apt.log" 2>&1 ||
  { say "downloading Debian's libsrtp2 source failed"; exit 1; }
ORIG="$(ls libsrtp2_*.orig.tar.* 2>/dev/null | head -n 1)"
[[ -n "$ORIG" ]] || { say "no libsrtp2 source tarball was downloaded"; exit 1; }
tar -xf "$ORIG"
SOURCE="$(find . -maxdepth 1 -type d -name 'libsrtp-*' | head -n 1)"
[[ -n "$SOURCE" ]] || { say "the libsrtp2 source tarball had no libsrtp-* directory"; exit 1; }

cd "$SOURCE"
./configure --enable-openssl --disable-shared --prefix="$PREFIX" >"$WORK/build.log" 2>&1 &&
  make -j "$(nproc 2>/dev/null || echo 2)" libsrtp2.a >>"$WORK/build.log" 2>&1 &&
  make install >>"$WORK/build.log" 2>&1 || { tail -n 20 "$WORK/build.log" >&2; say "building libsrtp with OpenSSL failed"; exit 1; }
[[ -f "$PREFIX/lib/libsrtp2.a" && -f "$PREFIX/lib/pkgconfig/libsrtp2.pc" ]] ||
  { say "libsrtp was built but not installed under $PREFIX"; exit 1; }
grep -q -- '-lcrypto' "$PREFIX/lib/pkgconfig/libsrtp2.pc" ||
  { say "the libsrtp build does not use OpenSSL (no -lcrypto in its pkg-config file)"; exit 1; }
say "libsrtp $(basename "$SOURCE" | sed 's/^libsrtp-//') built with OpenSSL's crypto ($PREFIX)"

#!/usr/bin/env bash
# fetch.sh: obtain quickjs.wasm from the npm package quickjs-wasi at an exact, pinned version, verify the
# tarball against the pinned SHA-256 and the registry's own integrity/shasum, and write quickjs.wasm,
# LICENSE.quickjs-wasi and SHA256SUMS next to this script. Idempotent: running it twice gives identical bytes.
#
# Usage: runtimes/js/fetch.sh            (needs npm and access to the npm registry)
set -euo pipefail

PKG=quickjs-wasi
VERSION=3.7.0
# SHA-256 of quickjs-wasi-3.7.0.tgz as served by registry.npmjs.org (observed 2026-12-04).
TARBALL_SHA256=bf1cc7779f8ba05e7d77bba96464c78b3121197fd15e2ff8c00c15f2a3f26036
# The registry's dist.integrity (sha512) and dist.shasum (sha1) for the same tarball.
TARBALL_INTEGRITY=sha512-6nOShBtCglrQL6yH+hptIfEdA1WlSmvY/Mm5Ypn9IvtsaDsrYIg8x+xoIXQt02w66a0f1eLTAj1lhfgAbJ4WVw==
TARBALL_SHASUM=9b770923be9dfd4fc47b38565a2d071dab653249

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

die() { echo "fetch.sh: $*" >&2; exit 1; }

command -v npm >/dev/null || die "npm not found"

# npm pack by exact version: no dependency resolution, no install scripts.
(cd "$tmp" && npm pack --silent --ignore-scripts "$PKG@$VERSION" >/dev/null)
tgz="$tmp/$PKG-$VERSION.tgz"
[ -f "$tgz" ] || die "npm pack did not produce $tgz"

got=$(sha256sum "$tgz" | cut -d' ' -f1)
[ "$got" = "$TARBALL_SHA256" ] || die "tarball sha256 mismatch: got $got, want $TARBALL_SHA256"

got=$(sha1sum "$tgz" | cut -d' ' -f1)
[ "$got" = "$TARBALL_SHASUM" ] || die "tarball sha1 mismatch: got $got, want $TARBALL_SHASUM"

got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
[ "$got" = "$TARBALL_INTEGRITY" ] || die "tarball integrity mismatch: got $got, want $TARBALL_INTEGRITY"

# The registry's metadata must describe the same tarball (guards against a pinned value copied wrongly).
meta=$(cd "$tmp" && npm view --json "$PKG@$VERSION" dist.integrity dist.shasum)
case "$meta" in
*"$TARBALL_INTEGRITY"*) ;;
*) die "registry dist.integrity differs from the pinned value: $meta" ;;
esac
case "$meta" in
*"$TARBALL_SHASUM"*) ;;
*) die "registry dist.shasum differs from the pinned value: $meta" ;;
esac

tar -xzf "$tgz" -C "$tmp" package/quickjs.wasm package/LICENSE package/package.json
grep -q "\"version\": \"$VERSION\"" "$tmp/package/package.json" || die "package.json is not version $VERSION"

install -m 0644 "$tmp/package/quickjs.wasm" "$here/quickjs.wasm"
install -m 0644 "$tmp/package/LICENSE" "$here/LICENSE.quickjs-wasi"
(cd "$here" && sha256sum quickjs.wasm LICENSE.quickjs-wasi >SHA256SUMS)
cat "$here/SHA256SUMS"

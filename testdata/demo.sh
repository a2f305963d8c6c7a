#!/usr/bin/env bash
# Runs srt's proxies on the built-in default policy (no network allowed), sends one request through each,
# and shows the denials and the audit log. Bounded: it stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
srt=./bin/srt
home=$(mktemp -d)
out=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$home" "$out"' EXIT

# An empty HOME: no ~/.srt-settings.json, so srt uses its built-in default (no network, no writes).
HOME=$home "$srt" --debug proxy --http-port 0 --socks-port 0 >"$out" &
pid=$!
for _ in $(seq 50); do [ "$(wc -l <"$out")" -ge 2 ] && break; sleep 0.1; done
cat "$out"
http=$(sed -n 's/^HTTP proxy listening on //p' "$out")
socks=$(sed -n 's/^SOCKS5 proxy listening on //p' "$out")

echo "--- curl -x $http http://example.com/"
curl -sS -i --max-time 5 -x "$http" http://example.com/ || true
echo
echo "--- curl --socks5-hostname $socks http://example.com/"
curl -sS --max-time 5 --socks5-hostname "$socks" http://example.com/ || echo "(curl exit $?: refused by the SOCKS5 proxy, as the policy says)"
kill -INT "$pid"
wait "$pid" || true

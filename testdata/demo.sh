#!/usr/bin/env bash
# srt's main job on the built-in default policy (no settings file: no network, no writes, reads allowed):
# untrusted Python in the embedded WASM interpreter, then the proxies on their own, each with its audited
# denials. Bounded: it stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
srt=./bin/srt
home=$(mktemp -d)
out=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$home" "$out"' EXIT

# An empty HOME: no ~/.srt-settings.json, so srt uses its built-in default (no network, no writes). The
# compilation cache stays where it is, so only the first run compiles the interpreter.
export XDG_CACHE_HOME=${XDG_CACHE_HOME:-$HOME/.cache}

echo "--- srt wasm python: a program that tries the network and the filesystem"
HOME=$home "$srt" --debug wasm python -c '
import sys, urllib.request
print("hello from CPython", sys.version.split()[0], "on", sys.platform)
try:
    urllib.request.urlopen("http://example.com/", timeout=5)
except OSError as e:
    print("network:", e)
try:
    open("/tmp/srt-demo-was-here", "w")
except OSError as e:
    print("filesystem:", e)
' || true
echo

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

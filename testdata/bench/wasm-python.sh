#!/usr/bin/env bash
# wasm-python.sh: `srt wasm python` against native Debian /usr/bin/python3.11 (not `python3`, which may be a
# slow pyenv shim) and against the same python.wasm under Node's node:wasi, in one run. Prints a Markdown
# table of median wall times (N runs each, default 7) and ratios on stdout; progress on stderr.
#
#   testdata/bench/wasm-python.sh            # N=11 testdata/bench/wasm-python.sh for more runs
#
# Rows: print(1) with a warm cache; a pure-Python CPU loop (runtimes/python/bench/loop.py), also with the
# module compiled with wazero's WithCloseOnContextDone (the interruption srt does not use); importing
# json, re, urllib.request, http.client; the first run with an empty cache (compile + snapshot); an HTTPS
# GET to a loopback server (srt: through its proxy, TLS by the host; native: direct).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
N=${N:-7}
NODE=${NODE:-/usr/bin/node}
NATIVE=${NATIVE:-/usr/bin/python3.11}
go build -o bin/srt ./cmd/srt
SRT=$PWD/bin/srt
HERE=$PWD/runtimes/python
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT

cat > "$TMP/s.json" <<'JSON'
{"network":{"allowedDomains":["localhost"],"deniedDomains":[]},
 "filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]}}
JSON
export HOME=$TMP/home XDG_CACHE_HOME=$TMP/cache
mkdir -p "$HOME"

median() { # runs "$@" N times, prints the median wall time in seconds
	local i s e
	for ((i = 0; i < N; i++)); do
		s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
		echo $(((e - s) / 1000))
	done | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]/1e6}'
}
once() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); awk -v d=$(((e - s) / 1000)) 'BEGIN {printf "%.3f", d/1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a/b; else print "–" }'; }

srt() { "$SRT" -s "$TMP/s.json" wasm python "$@"; }

echo "wasm-python.sh: cold run (empty cache: compile + snapshot)" >&2
cold=$(once srt -c 'print(1)')
echo "wasm-python.sh: warm runs" >&2
srt -c pass >/dev/null
IMPORTS='import json, re, urllib.request, http.client'
LOOP=$HERE/bench/loop.py

p_srt=$(median srt -c 'print(1)'); p_nat=$(median "$NATIVE" -c 'print(1)')
l_srt=$(median srt "$LOOP"); l_nat=$(median "$NATIVE" "$LOOP")
echo "wasm-python.sh: loop with wazero's WithCloseOnContextDone (compiles once more)" >&2
SRT_WASM_INTERRUPT=1 srt -c pass >/dev/null
l_int=$(SRT_WASM_INTERRUPT=1 median srt "$LOOP")
i_srt=$(median srt -c "$IMPORTS"); i_nat=$(median "$NATIVE" -c "$IMPORTS")
p_node=–; l_node=–
if [ -x "$NODE" ]; then
	NODEWASI=("$NODE" "$HERE/bench/node-wasi.mjs" "$HERE/python.wasm" "$HERE")
	p_node=$(median "${NODEWASI[@]}" -c 'print(1)')
	l_node=$(median "${NODEWASI[@]}" -c "$(cat "$LOOP")") # node:wasi sees only the prefix directory
fi

# HTTPS: a loopback server with a throw-away CA-less self-signed certificate (trusted via SSL_CERT_FILE).
h_srt=–; h_nat=–
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
	"$NATIVE" - "$TMP" <<'PY' &
import http.server, ssl, sys
d = sys.argv[1]
srv = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(d + "/cert.pem", d + "/key.pem")
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(d + "/port", "w").write(str(srv.server_address[1]))
srv.RequestHandlerClass.log_message = lambda *a: None
srv.serve_forever()
PY
	for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
	port=$(cat "$TMP/port")
	GET="import urllib.request; urllib.request.urlopen('https://localhost:$port/').read()"
	h_srt=$(SSL_CERT_FILE=$TMP/cert.pem median srt -c "$GET")
	h_nat=$(SSL_CERT_FILE=$TMP/cert.pem median "$NATIVE" -c "$GET")
fi

cat <<MD
| Run (median of $N, wall clock) | srt wasm python | native python3.11 | srt / native | node:wasi | srt / node |
|---|---:|---:|---:|---:|---:|
| \`print(1)\`, warm cache | ${p_srt}s | ${p_nat}s | $(ratio "$p_srt" "$p_nat") | ${p_node}s | $(ratio "$p_srt" "$p_node") |
| pure-Python loop (loop.py) | ${l_srt}s | ${l_nat}s | $(ratio "$l_srt" "$l_nat") | ${l_node}s | $(ratio "$l_srt" "$l_node") |
| loop.py compiled with WithCloseOnContextDone (not used) | ${l_int}s | ${l_nat}s | $(ratio "$l_int" "$l_nat") | | |
| import json, re, urllib.request, http.client | ${i_srt}s | ${i_nat}s | $(ratio "$i_srt" "$i_nat") | | |
| first run, empty cache (compile + snapshot) | ${cold}s | | | | |
| HTTPS GET, loopback (srt: via proxy, host TLS) | ${h_srt}s | ${h_nat}s | $(ratio "$h_srt" "$h_nat") | | |
MD

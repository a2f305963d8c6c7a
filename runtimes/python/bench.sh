#!/usr/bin/env bash
# Start-up and pure-Python loop: native /usr/bin/python3.11 vs python.wasm
# under wazero (warm compilation cache) vs under Node 20 node:wasi.
# Prints medians of N runs (default 7). Usage: bench.sh [wasm] (default: ./python.wasm)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
N=${N:-7}
WASM=${1:-$HERE/python.wasm}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
LOOP=$HERE/bench/loop.py
CACHE=${SRT_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/srt-test/wazero}

# pyrun embeds runtimes/python/python.wasm; to benchmark another wasm, build
# pyrun against a copy of the package with that file.
if [ "$WASM" != "$HERE/python.wasm" ]; then
  mkdir -p "$TMP/mod/runtimes/python/lib"
  cp "$ROOT/go.mod" "$ROOT/go.sum" "$TMP/mod/"
  cp "$HERE/python.go" "$TMP/mod/runtimes/python/"
  cp "$WASM" "$TMP/mod/runtimes/python/python.wasm"
  cp "$HERE/lib/python311.zip" "$TMP/mod/runtimes/python/lib/"
  mkdir -p "$TMP/mod/runtimes/python/internal/cmd/pyrun"
  cp "$HERE/internal/cmd/pyrun/main.go" "$TMP/mod/runtimes/python/internal/cmd/pyrun/"
  (cd "$TMP/mod" && GOFLAGS=-mod=mod go build -o "$TMP/pyrun" ./runtimes/python/internal/cmd/pyrun)
else
  (cd "$ROOT" && go build -o "$TMP/pyrun" ./runtimes/python/internal/cmd/pyrun)
fi
PYRUN=("$TMP/pyrun" -cache "$CACHE")
PYRUN_PRE=("$TMP/pyrun" -cache "$CACHE" -preinit)
# Node 20.20's V8 has no --no-wasm-trap-handler; --wasm-enforce-bounds-checks
# makes V8 check bounds explicitly like wazero does.
NODE=(node --no-warnings "$HERE/bench/node-wasi.mjs" "$WASM" "$HERE")
NODE_BC=(node --no-warnings --wasm-enforce-bounds-checks "$HERE/bench/node-wasi.mjs" "$WASM" "$HERE")
SNAP="$TMP/snapshot.bin"

"${PYRUN[@]}" -- -c pass >/dev/null   # warm the compilation cache

median() { # runs "$@" N times, prints the median wall time in seconds
  local i s e
  for ((i = 0; i < N; i++)); do
    s=$(date +%s%N); "$@" >/dev/null || { echo "failed: $*" >&2; exit 1; }; e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
  done | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]/1e6}'
}

printf '%-34s %10s %10s\n' "" "print(1)" "loop.py"
# loop.py is passed with -c so that no runner needs a file mount
row() { local name=$1; shift; printf '%-34s %9ss %9ss\n' "$name" "$(median "$@" -c 'print(1)')" "$(median "$@" -c "$(cat "$LOOP")")"; }
row "native /usr/bin/python3.11" /usr/bin/python3.11
row "wazero (warm cache, _start)" "${PYRUN[@]}" --
"${PYRUN_PRE[@]}" -snapshot "$SNAP" -- -c pass >/dev/null   # create the snapshot once
row "wazero, restore snapshot+srt_run" "${PYRUN_PRE[@]}" -snapshot "$SNAP" --
row "node $(node --version) node:wasi" "${NODE[@]}"
row "node, --wasm-enforce-bounds-checks" "${NODE_BC[@]}"

#!/usr/bin/env bash
# wasm-js.sh: `srt wasm js` against the same quickjs.wasm driven by its own npm package (quickjs-wasi, "the
# peer") on Node, in one run. Prints a Markdown table of medians and ratios srt/peer on stdout; progress on
# stderr. Takes about a minute.
#
#   testdata/bench/wasm-js.sh            # N=11 testdata/bench/wasm-js.sh for more runs (default 7)
#
# Rows: start-up (`-e '1'`, warm cache) as whole processes; srt's in-process start-up (BenchmarkStartup in
# wasi/quickjs: a new QuickJS instance from the compiled module, evaluate `1`); a Richards-style CPU benchmark
# (testdata/bench/js/cpu.js, which prints a checksum: both sides must print the same line). Runs of srt and
# the peer are interleaved. The peer (testdata/bench/qjs-peer.mjs) is installed, pinned, into .bench/node-qjs.
# NODE (default /usr/bin/node) and NPM (default npm) choose the tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PEER_VERSION=3.7.0 # the version runtimes/js/quickjs.wasm comes from
N=${N:-7}
NODE=${NODE:-/usr/bin/node}
NPM=${NPM:-npm}
PREFIX=.bench/node-qjs

go build -trimpath -o bin/srt ./cmd/srt
SRT=$PWD/bin/srt
CPU=testdata/bench/js/cpu.js
PEER=testdata/bench/qjs-peer.mjs

pkg=$PREFIX/node_modules/quickjs-wasi
installed=$("$NODE" -p "require('./$pkg/package.json').version" 2>/dev/null || true)
if [[ "$installed" != "$PEER_VERSION" ]]; then
	echo "wasm-js.sh: installing quickjs-wasi@$PEER_VERSION into $PREFIX" >&2
	"$NPM" install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error "quickjs-wasi@$PEER_VERSION" >&2
fi
if ! cmp -s "$pkg/quickjs.wasm" runtimes/js/quickjs.wasm; then
	echo "wasm-js.sh: warning: $pkg/quickjs.wasm differs from runtimes/js/quickjs.wasm" >&2
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/s.json" <<'JSON'
{"network":{"allowedDomains":["localhost"],"deniedDomains":[]},
 "filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]}}
JSON
export HOME=$TMP/home XDG_CACHE_HOME=$TMP/cache
mkdir -p "$HOME"

srt() { "$SRT" -s "$TMP/s.json" wasm js "$@"; }
peer() { "$NODE" "$PEER" "$PREFIX" "$@"; }

load() { cut -d' ' -f1 /proc/loadavg; }
load0=$(load)
start=$(date +%s)

# us runs "$@" once and prints its wall time in microseconds.
us() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000)); }
# med reads numbers, one a line, and prints their median.
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a/b; else print "–" }'; }
ms() { awk -v u="$1" 'BEGIN {printf "%.1f", u/1000}'; }
sec() { awk -v u="$1" 'BEGIN {printf "%.3f", u/1e6}'; }

echo "wasm-js.sh: first run, empty cache" >&2
cold=$(us srt -e '1')
echo "wasm-js.sh: checking that both sides compute the same checksum" >&2
want=$(srt "$CPU")
got=$(peer "$CPU")
if [[ "$want" != "$got" || -z "$want" ]]; then
	echo "wasm-js.sh: checksums differ: srt '$want', peer '$got'" >&2
	exit 1
fi
echo "wasm-js.sh: $want" >&2

echo "wasm-js.sh: start-up, $N interleaved runs each" >&2
srt -e '1' >/dev/null # warm
peer -e '1' >/dev/null
for ((i = 0; i < N; i++)); do
	us srt -e '1' >>"$TMP/s_srt"
	us peer -e '1' >>"$TMP/s_peer"
	us "$NODE" -e 0 >>"$TMP/s_node"
done
echo "wasm-js.sh: CPU ($CPU), $N interleaved runs each" >&2
for ((i = 0; i < N; i++)); do
	us srt "$CPU" >>"$TMP/c_srt"
	us peer "$CPU" >>"$TMP/c_peer"
done
s_srt=$(med <"$TMP/s_srt"); s_peer=$(med <"$TMP/s_peer"); s_node=$(med <"$TMP/s_node")
c_srt=$(med <"$TMP/c_srt"); c_peer=$(med <"$TMP/c_peer")

echo "wasm-js.sh: in-process start-up (go test -bench BenchmarkStartup ./wasi/quickjs)" >&2
inproc=–
if out=$(go test -run '^$' -bench '^BenchmarkStartup$' -benchtime 2s -count 1 ./wasi/quickjs 2>&1); then
	inproc=$(awk '/^BenchmarkStartup/ {printf "%.2f", $3/1e6; exit}' <<<"$out")
else
	echo "$out" >&2
fi
end=$(date +%s)

goal() { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g) ? "met" : "not met" }'; }
cpu_ratio=$(awk -v a="$c_srt" -v b="$c_peer" 'BEGIN {print a/b}')

node_v=$("$NODE" --version)
cat <<MD
Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`testdata/bench/wasm-js.sh\` (N=$N, interleaved) on $(go env GOOS)/$(go env GOARCH), $(nproc) CPUs, load average $load0 at the start and $(load) at the end; the run took $((end - start))s.

- srt: \`bin/srt -s SETTINGS wasm js\`, wazero with the compiled module in the cache (warm)
- peer: quickjs-wasi $PEER_VERSION (the same quickjs.wasm) on Node $node_v, \`testdata/bench/qjs-peer.mjs\`

| Run (median of $N, wall clock) | srt wasm js | peer (quickjs-wasi on Node) | srt/peer |
|---|--:|--:|--:|
| start-up, \`-e '1'\`, whole process | $(ms "$s_srt") ms | $(ms "$s_peer") ms | $(ratio "$s_srt" "$s_peer") |
| start-up, in process (BenchmarkStartup) | $inproc ms | | |
| \`node -e 0\` (Node alone, for reference) | | $(ms "$s_node") ms | |
| CPU: Richards ×12 (cpu.js), whole process | $(sec "$c_srt") s | $(sec "$c_peer") s | $(ratio "$c_srt" "$c_peer") |
| first run, empty cache (compile + run \`-e '1'\`) | $(ms "$cold") ms | | |

Goals: CPU ≤ 1.3× the peer: **$(goal "$cpu_ratio" 1.3)** ($(ratio "$c_srt" "$c_peer")); warm start-up ≤ 50 ms: **$(goal "$(ms "$s_srt")" 50)** ($(ms "$s_srt") ms).
MD

#!/usr/bin/env bash
# Start overhead of srt's native sandbox, measured with hyperfine in one run:
#   `srt true` against bare `true`, and
#   `srt -c 'curl … allowed upstream'` (through the bridged proxy) against curl straight to the upstream.
# Prints a Markdown table (docs/benchmarks.md, "Native sandbox"); progress goes to stderr.
# Needs hyperfine (apt-get install hyperfine), curl and python3 (the upstream). RUNS=N changes the run count.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v hyperfine >/dev/null && [ "$(id -u)" = 0 ]; then
	echo "native.sh: installing hyperfine (Debian package)" >&2
	apt-get install -y -q hyperfine >&2 || { apt-get update -q >&2 && apt-get install -y -q hyperfine >&2; }
fi
for t in hyperfine curl python3; do
	command -v "$t" >/dev/null || { echo "native.sh: $t is required (apt-get install $t)" >&2; exit 1; }
done
RUNS=${RUNS:-200}
go build -trimpath -o bin/srt ./cmd/srt
srt=$PWD/bin/srt

tmp=$(mktemp -d)
up_pid=
cleanup() { [ -n "$up_pid" ] && kill "$up_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# An upstream on the host's loopback, on a free port.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo hello > "$tmp/index.html"
(cd "$tmp" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
up_pid=$!
for _ in $(seq 50); do curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

cat > "$tmp/settings.json" <<JSON
{"network":{"allowedDomains":["localhost","127.0.0.1"],"deniedDomains":[]},
 "filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]}}
JSON
export HOME=$tmp
url="http://127.0.0.1:$port/"
s="$srt -s $tmp/settings.json"

hyperfine -N --style basic --warmup 20 --runs "$RUNS" --export-json "$tmp/start.json" \
	-n 'true' 'true' \
	-n 'srt true' "$s true" >&2
hyperfine -N --style basic --warmup 10 --runs "$((RUNS / 2))" --export-json "$tmp/curl.json" \
	-n 'curl direct' "curl -s --noproxy * -o /dev/null $url" \
	-n 'bash -c curl direct' "bash -c 'curl -s --noproxy \"*\" -o /dev/null $url'" \
	-n 'srt -c curl (proxy)' "$s -c 'curl -s --noproxy \"\" -x \$HTTP_PROXY -o /dev/null $url'" >&2

python3 - "$tmp/start.json" "$tmp/curl.json" <<'PY'
import json, os, sys
rows = []
for f in sys.argv[1:]:
    rows += json.load(open(f))["results"]
by = {r["command"]: r for r in rows}
def ms(r): return r["median"] * 1000
print("| Command | median (ms) | mean ± σ (ms) | min (ms) | vs baseline |")
print("|---|---|---|---|---|")
base = {"true": "true", "srt true": "true", "curl direct": "curl direct",
        "bash -c curl direct": "curl direct", "srt -c curl (proxy)": "curl direct"}
for name in ["true", "srt true", "curl direct", "bash -c curl direct", "srt -c curl (proxy)"]:
    r = by[name]; b = by[base[name]]
    extra = "" if name == base[name] else f"{ms(r)/ms(b):.1f}× (+{ms(r)-ms(b):.1f} ms)"
    print(f"| `{name}` | {ms(r):.2f} | {r['mean']*1000:.2f} ± {r['stddev']*1000:.2f} | {r['min']*1000:.2f} | {extra} |")
print()
print(f"Start overhead (median `srt true` − `true`): {ms(by['srt true']) - ms(by['true']):.1f} ms (goal ≤ 25 ms). "
      f"Load average at the end: {os.getloadavg()[0]:.2f}.")
PY

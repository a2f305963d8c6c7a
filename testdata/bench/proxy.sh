#!/usr/bin/env bash
# proxy.sh runs the proxy benchmark: srt's proxies against direct connections and against the proxies of
# Anthropic's sandbox-runtime (the peer), in one run on loopback. Arguments go to `srt-bench proxy`
# (see `go run ./cmd/srt-bench proxy -h`); the Markdown result is on stdout, progress on stderr.
#
#   testdata/bench/proxy.sh [-duration 2s] [-rounds 3] [-workers 16] ...
#
# It (re)builds bin/srt (go build leaves an up-to-date binary alone), installs the pinned peer into
# .bench/node if it is not there, and builds srt-bench into .bench (rather than `go run`, which does not
# pass SIGTERM on, so that stopping this script stops the benchmark and the proxies it started).
# NODE (default /usr/bin/node) and NPM (default npm) choose the tools.
set -euo pipefail

PEER_VERSION=0.0.83 # keep in step with peerVersion in cmd/srt-bench/bench.go
NODE=${NODE:-/usr/bin/node}
NPM=${NPM:-npm}

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

go build -o bin/srt ./cmd/srt

peer=.bench/node/node_modules/@anthropic-ai/sandbox-runtime
installed=$("$NODE" -p "require('./$peer/package.json').version" 2>/dev/null || true)
if [[ "$installed" != "$PEER_VERSION" ]]; then
	echo "proxy.sh: installing @anthropic-ai/sandbox-runtime@$PEER_VERSION into .bench/node" >&2
	# The package asks for Node >= 22.12; the proxy modules the benchmark uses run on Node 20.
	# A failed install is reported by srt-bench, which then compares srt with direct only.
	"$NPM" install --prefix .bench/node --no-audit --no-fund --loglevel=error \
		"@anthropic-ai/sandbox-runtime@$PEER_VERSION" >&2 || echo "proxy.sh: npm install failed" >&2
fi

go build -o .bench/srt-bench ./cmd/srt-bench
exec .bench/srt-bench proxy -srt ./bin/srt -node "$NODE" -peer-pkg "$peer" "$@"

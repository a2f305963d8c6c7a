// Command srt-bench measures srt against a direct connection and against its peer, Anthropic's
// sandbox-runtime (npm package @anthropic-ai/sandbox-runtime), in one run on the same machine.
//
// Usage:
//
//	srt-bench proxy [flags]
//
// The proxy benchmark starts an upstream HTTP server on 127.0.0.1, srt's proxies (`srt proxy`, as a
// subprocess) and the peer's proxies (testdata/bench/peer-proxy.mjs under Node, also a subprocess), then
// drives each of direct, srt and peer with the same Go load generator:
//
//   - plain HTTP through the HTTP proxy (absolute-form GET, keep-alive): requests/s, p50, p99;
//   - a new CONNECT tunnel per request (CONNECT, one GET inside, close): tunnels/s, p50, p99;
//   - throughput of one CONNECT tunnel streaming a large response: MB/s;
//   - a new SOCKS5 connection per request (greeting, CONNECT, one GET, close): conns/s, p50, p99.
//
// The result is a Markdown table on stdout, ready to paste into docs/benchmarks.md; progress goes to
// stderr. All traffic stays on loopback, every measurement is bounded in time and count, and the proxy
// processes are stopped on exit, error or interrupt. If the peer cannot be started the table says so and
// still compares srt with direct. testdata/bench/proxy.sh builds srt, installs the peer and runs this.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: srt-bench proxy [flags]   (srt-bench proxy -h lists the flags)`

func main() {
	if len(os.Args) < 2 || os.Args[1] != "proxy" {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := runProxyBench(ctx, os.Args[2:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "srt-bench: %v\n", err)
		os.Exit(1)
	}
}

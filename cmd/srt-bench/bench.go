package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// peerVersion is the version of @anthropic-ai/sandbox-runtime that testdata/bench/proxy.sh installs.
const peerVersion = "0.0.83"

// benchSettings allows the upstream, by name and by address, and nothing else.
const benchSettings = `{"network":{"allowedDomains":["localhost","127.0.0.1"],"deniedDomains":[]},` +
	`"filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]}}`

type options struct {
	srtBin     string
	node       string
	peerScript string
	peerPkg    string
	peerMux    bool
	noPeer     bool
	host       string
	load       loadSpec
	opTimeout  time.Duration
	rounds     int
	streamMB   int
	streamRuns int
}

// target is one way of reaching the upstream: direct, or through a pair of proxies.
type target struct {
	name      string
	httpAddr  string // "" for direct
	socksAddr string
	proc      *proxyProc // nil for direct
	skip      error      // why the target is not measured
}

func runProxyBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "srt-bench: "+format+"\n", a...) }

	tmp, err := os.MkdirTemp("", "srt-bench-")
	if err != nil {
		return fmt.Errorf("creating a temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	settings := filepath.Join(tmp, "settings.json")
	if err := os.WriteFile(settings, []byte(benchSettings), 0o600); err != nil {
		return fmt.Errorf("writing settings: %w", err)
	}

	up, err := startUpstream(stderr)
	if err != nil {
		return err
	}
	defer up.Close()
	dst := net.JoinHostPort(o.host, strconv.Itoa(up.addr.Port))
	logf("upstream on %s, requests go to %s", up.addr, dst)

	srtProc, err := startProxyProc("srt", exec.Command(o.srtBin, "proxy", "--http-port", "0", "--socks-port", "0",
		"-s", settings), 15*time.Second)
	if err != nil {
		return err
	}
	defer srtProc.stop()
	logf("srt: HTTP %s, SOCKS5 %s", srtProc.httpAddr, srtProc.socksAddr)

	peer := startPeer(o, settings)
	if v := installedVersion(o.peerPkg); peer.skip == nil && v != peerVersion {
		logf("warning: the peer is @anthropic-ai/sandbox-runtime %s, not the pinned %s", v, peerVersion)
	}
	if peer.proc != nil {
		defer peer.proc.stop()
		logf("peer: HTTP %s, SOCKS5 %s", peer.httpAddr, peer.socksAddr)
	} else {
		logf("peer not measured: %v", peer.skip)
	}

	targets := []*target{
		{name: "direct"},
		{name: "srt", httpAddr: srtProc.httpAddr, socksAddr: srtProc.socksAddr, proc: srtProc},
		peer,
	}
	started := time.Now().UTC()
	load := loadAverage()
	res, err := measure(ctx, o, targets, dst, logf)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted: %w", err)
	}
	writeReport(stdout, reportInfo{
		when:     started,
		opts:     o,
		srt:      commandLine(o.srtBin, "--version"),
		node:     commandLine(o.node, "--version"),
		peerPkg:  installedVersion(o.peerPkg),
		targets:  targets,
		duration: time.Since(started),
		load:     load,
	}, res)
	return nil
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("srt-bench proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: srt-bench proxy [flags]\n\n"+
			"Measures srt's HTTP and SOCKS5 proxies against direct connections and against sandbox-runtime's.")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.srtBin, "srt", "./bin/srt", "the srt `binary` to measure")
	fs.StringVar(&o.node, "node", "/usr/bin/node", "the Node `binary` that runs the peer")
	fs.StringVar(&o.peerScript, "peer-script", "testdata/bench/peer-proxy.mjs", "the peer's start `script`")
	fs.StringVar(&o.peerPkg, "peer-pkg", ".bench/node/node_modules/@anthropic-ai/sandbox-runtime",
		"the installed @anthropic-ai/sandbox-runtime `directory`")
	fs.BoolVar(&o.peerMux, "peer-mux", false, "run the peer's proxies on one port behind its multiplexer, as sandbox-runtime does")
	fs.BoolVar(&o.noPeer, "no-peer", false, "measure only direct and srt")
	fs.StringVar(&o.host, "host", "127.0.0.1", "the upstream's `host` as clients name it (127.0.0.1 or localhost)")
	fs.IntVar(&o.load.workers, "workers", 16, "concurrent `clients` per measurement")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds of each latency measurement per target (medians are reported)")
	fs.DurationVar(&o.load.duration, "duration", 2*time.Second, "length of one round of a latency measurement")
	fs.DurationVar(&o.load.warmup, "warmup", 500*time.Millisecond, "unrecorded load before each latency measurement")
	fs.IntVar(&o.load.maxOps, "max-ops", 1_000_000, "at most this many operations per client and measurement")
	fs.DurationVar(&o.opTimeout, "op-timeout", 10*time.Second, "deadline of one request or tunnel")
	fs.IntVar(&o.streamMB, "stream-mb", 256, "MiB streamed through one tunnel per throughput run")
	fs.IntVar(&o.streamRuns, "stream-runs", 3, "throughput runs per target (the median is reported)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	switch {
	case o.host != "127.0.0.1" && o.host != "localhost":
		return o, errors.New("-host: want 127.0.0.1 or localhost (what the benchmark's settings allow)")
	case o.load.workers < 1 || o.load.workers > 1024:
		return o, errors.New("-workers: want 1 to 1024")
	case o.load.duration <= 0 || o.load.duration > time.Minute:
		return o, errors.New("-duration: want more than 0, at most 1m")
	case o.load.warmup < 0 || o.load.warmup > 10*time.Second:
		return o, errors.New("-warmup: want 0 to 10s")
	case o.rounds < 1 || o.rounds > 10:
		return o, errors.New("-rounds: want 1 to 10")
	case o.load.maxOps < 1:
		return o, errors.New("-max-ops: want at least 1")
	case o.streamMB < 1 || o.streamMB > 4096:
		return o, errors.New("-stream-mb: want 1 to 4096")
	case o.streamRuns < 1 || o.streamRuns > 10:
		return o, errors.New("-stream-runs: want 1 to 10")
	}
	return o, nil
}

// startPeer starts the peer's proxies, or returns a target that says why it could not.
func startPeer(o options, settings string) *target {
	t := &target{name: "peer"}
	if o.noPeer {
		t.skip = errors.New("-no-peer")
		return t
	}
	if _, err := os.Stat(filepath.Join(o.peerPkg, "package.json")); err != nil {
		t.skip = fmt.Errorf("@anthropic-ai/sandbox-runtime is not installed at %s (testdata/bench/proxy.sh installs it)", o.peerPkg)
		return t
	}
	args := []string{o.peerScript, "--pkg", o.peerPkg, "--settings", settings}
	if o.peerMux {
		args = append(args, "--mux")
	}
	p, err := startProxyProc("peer", exec.Command(o.node, args...), 30*time.Second)
	if err != nil {
		t.skip = err
		return t
	}
	t.proc, t.httpAddr, t.socksAddr = p, p.httpAddr, p.socksAddr
	return t
}

// results holds every measurement by metric and target name.
type results struct {
	http, connect, socks map[string]latencyResult
	stream               map[string]streamResult
}

type streamResult struct {
	mbps     float64 // median over the successful runs
	runs     []float64
	failed   int
	firstErr error
}

// latencyMetric is one closed-loop measurement.
type latencyMetric struct {
	name    string
	applies func(*target) bool
	// op returns the operation for t and a function to call after the phase.
	op func(*target) (func() error, func())
}

// measure runs every measurement. The targets take turns within each round, and each latency
// metric has o.rounds rounds whose medians are reported, so that drift in the load of a shared
// machine spreads over all targets. Direct is the baseline for CONNECT and SOCKS5 alike (a new
// connection and one request), so it is measured once for both.
func measure(ctx context.Context, o options, targets []*target, dst string, logf func(string, ...any)) (results, error) {
	routeTo := func(kind routeKind, addr string, t *target) route {
		if t.proc == nil {
			return route{kind: direct}
		}
		return route{kind: kind, proxy: addr}
	}
	always := func(*target) bool { return true }
	noCleanup := func() {}
	metrics := []latencyMetric{
		{"http", always, func(t *target) (func() error, func()) {
			return httpClientOp(t.httpAddr, "http://"+dst+"/", o.load.workers, o.opTimeout)
		}},
		{"connect", always, func(t *target) (func() error, func()) {
			return oneShotOp(dialer{routeTo(viaConnect, t.httpAddr, t), o.opTimeout}, dst), noCleanup
		}},
		{"socks5", func(t *target) bool { return t.proc != nil }, func(t *target) (func() error, func()) {
			return oneShotOp(dialer{routeTo(viaSOCKS5, t.socksAddr, t), o.opTimeout}, dst), noCleanup
		}},
	}

	// check marks a target whose process died as skipped; srt dying ends the benchmark.
	check := func(t *target) error {
		if t.proc == nil || t.skip != nil {
			return nil
		}
		if err := t.proc.alive(); err != nil {
			if t.name == "srt" {
				return err
			}
			t.skip = err
			logf("%v", err)
		}
		return nil
	}

	rounds := map[string]map[string][]latencyResult{}
	for _, m := range metrics {
		rounds[m.name] = map[string][]latencyResult{}
		for round := range o.rounds {
			for _, t := range targets {
				if t.skip != nil || !m.applies(t) || ctx.Err() != nil {
					continue
				}
				op, cleanup := m.op(t)
				r := runLoad(ctx, o.load, op)
				cleanup()
				rounds[m.name][t.name] = append(rounds[m.name][t.name], r)
				logf("%-8s %-6s round %d: %6.0f/s  p50 %-9v p99 %-9v (%d ok, %d failed)", m.name, t.name, round+1,
					r.rate, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.ok, r.failed)
				if err := check(t); err != nil {
					return results{}, err
				}
			}
		}
	}
	summarize := func(m map[string][]latencyResult) map[string]latencyResult {
		out := map[string]latencyResult{}
		for name, rs := range m {
			out[name] = medianResult(rs)
		}
		return out
	}
	res := results{
		http:    summarize(rounds["http"]),
		connect: summarize(rounds["connect"]),
		socks:   summarize(rounds["socks5"]),
		stream:  map[string]streamResult{},
	}
	if r, ok := res.connect["direct"]; ok {
		res.socks["direct"] = r
	}

	n := int64(o.streamMB) << 20
	for run := range o.streamRuns {
		for _, t := range targets {
			if t.skip != nil || ctx.Err() != nil {
				continue
			}
			s := res.stream[t.name]
			mbps, err := streamOnce(dialer{routeTo(viaConnect, t.httpAddr, t), time.Minute}, dst, n)
			if err != nil {
				s.failed++
				if s.firstErr == nil {
					s.firstErr = err
				}
				logf("stream   %-6s run %d: %v", t.name, run+1, err)
			} else {
				s.runs = append(s.runs, mbps)
				s.mbps = median(s.runs)
				logf("stream   %-6s run %d: %.0f MB/s", t.name, run+1, mbps)
			}
			res.stream[t.name] = s
			if err := check(t); err != nil {
				return results{}, err
			}
		}
	}
	return res, nil
}

// commandLine runs name with args and returns its first output line, or "unknown".
func commandLine(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

// installedVersion is the version in dir/package.json, or "not installed".
func installedVersion(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return "not installed"
	}
	var pkg struct{ Version string }
	if json.Unmarshal(b, &pkg) != nil || pkg.Version == "" {
		return "unknown"
	}
	return pkg.Version
}

// loadAverage is ", load average N" (the 1-minute average) where /proc/loadavg exists, else "".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	avg, _, _ := strings.Cut(string(b), " ")
	return ", load average " + avg + " at the start"
}

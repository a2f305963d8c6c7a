package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

// reportInfo describes the run, for the lines above the table.
type reportInfo struct {
	when     time.Time
	opts     options
	srt      string // srt --version
	node     string // node --version
	peerPkg  string // installed @anthropic-ai/sandbox-runtime version
	targets  []*target
	duration time.Duration
	load     string // ", load average N at the start", or ""
}

// row is one line of the table: a value per target name (absent: not measured).
type row struct {
	metric string
	vals   map[string]float64
	added  bool // added latency: no direct value, no srt/direct ratio
	format func(float64) string
}

// columns are the targets in table order.
func columns() []string { return []string{"direct", "srt", "peer"} }

func intFormat(v float64) string   { return fmt.Sprintf("%.0f", v) }
func addedFormat(v float64) string { return fmt.Sprintf("%+.0f", v) }

// writeReport writes the run's description and the Markdown table.
func writeReport(w io.Writer, info reportInfo, res results) {
	o := info.opts
	peerHow := "its HTTP and SOCKS5 proxy servers on their own listeners"
	if o.peerMux {
		peerHow = "its HTTP and SOCKS5 proxy servers behind its one-port multiplexer"
	}
	fmt.Fprintf(w, "Measured %s by `srt-bench proxy` on %s/%s, %d CPUs%s; the run took %s.\n\n",
		info.when.Format("2006-01-02 15:04 MST"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), info.load,
		info.duration.Round(time.Second))
	fmt.Fprintf(w, "- srt: `%s`, `srt proxy` as a subprocess\n", info.srt)
	fmt.Fprintf(w, "- peer: @anthropic-ai/sandbox-runtime %s on Node %s, %s (testdata/bench/peer-proxy.mjs)\n",
		info.peerPkg, info.node, peerHow)
	fmt.Fprintf(w, "- all on loopback, upstream addressed as `%s`, %d concurrent clients; rates and latencies: "+
		"median over %s of %v per target, each after %v of unrecorded warm-up, the targets taking turns; "+
		"throughput: median over %s of %d MiB through one tunnel\n\n",
		o.host, o.load.workers, plural(o.rounds, "round"), o.load.duration, o.load.warmup,
		plural(o.streamRuns, "run"), o.streamMB)

	var rows []row
	rows = append(rows, latencyRows("HTTP GET, keep-alive", "requests/s", res.http)...)
	rows = append(rows, latencyRows("CONNECT + GET", "tunnels/s", res.connect)...)
	stream := row{metric: "CONNECT throughput: MB/s", vals: map[string]float64{}, format: intFormat}
	for name, s := range res.stream {
		if len(s.runs) > 0 {
			stream.vals[name] = s.mbps
		}
	}
	rows = append(rows, stream)
	rows = append(rows, latencyRows("SOCKS5 + GET", "conns/s", res.socks)...)

	fmt.Fprintln(w, "| Metric | direct | srt | peer | srt/direct | srt/peer |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s |\n", r.metric, strings.Join(r.cells(), " | "))
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Ratios divide srt's value by the other column's: above 1× is better for rates and throughput, "+
		"below 1× is better for latencies. Added latency is the proxy's percentile minus direct's.")
	for _, n := range runNotes(info.targets, res) {
		fmt.Fprintf(w, "\n- %s", n)
	}
	fmt.Fprintln(w)
}

// latencyRows are the rate, p50, p99 and added-latency rows of one closed-loop measurement.
// A measurement in which nothing succeeded has no values.
func latencyRows(label, unit string, m map[string]latencyResult) []row {
	rate := row{metric: label + ": " + unit, vals: map[string]float64{}, format: intFormat}
	p50 := row{metric: label + ": p50 latency (µs)", vals: map[string]float64{}, format: intFormat}
	p99 := row{metric: label + ": p99 latency (µs)", vals: map[string]float64{}, format: intFormat}
	add50 := row{metric: label + ": added p50 (µs)", vals: map[string]float64{}, added: true, format: addedFormat}
	add99 := row{metric: label + ": added p99 (µs)", vals: map[string]float64{}, added: true, format: addedFormat}
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	base, haveBase := m["direct"]
	haveBase = haveBase && base.ok > 0
	for name, r := range m {
		if r.ok == 0 {
			continue
		}
		rate.vals[name], p50.vals[name], p99.vals[name] = r.rate, us(r.p50), us(r.p99)
		if name != "direct" && haveBase {
			add50.vals[name], add99.vals[name] = us(r.p50-base.p50), us(r.p99-base.p99)
		}
	}
	return []row{rate, p50, p99, add50, add99}
}

// cells are the row's value columns followed by its ratio columns.
func (r row) cells() []string {
	var cells []string
	for _, c := range columns() {
		v, ok := r.vals[c]
		switch {
		case r.added && c == "direct":
			cells = append(cells, "—")
		case !ok:
			cells = append(cells, "n/a")
		default:
			cells = append(cells, r.format(v))
		}
	}
	ratio := func(num, den string) string {
		a, okA := r.vals[num]
		b, okB := r.vals[den]
		if !okA || !okB || b <= 0 || a < 0 || (r.added && den == "direct") {
			return "—"
		}
		return fmt.Sprintf("%.2f×", a/b)
	}
	return append(cells, ratio("srt", "direct"), ratio("srt", "peer"))
}

// runNotes explains missing values and failures.
func runNotes(targets []*target, res results) []string {
	var notes []string
	for _, t := range targets {
		if t.skip != nil {
			notes = append(notes, fmt.Sprintf("%s: not (fully) measured: %v", t.name, oneLine(t.skip.Error())))
		}
	}
	failures := func(metric string, m map[string]latencyResult) {
		for _, name := range columns() {
			r, ok := m[name]
			if ok && r.failed > 0 && (metric != "SOCKS5" || name != "direct") {
				notes = append(notes, fmt.Sprintf("%s %s: %d of %d operations failed (first: %v)",
					name, metric, r.failed, r.ok+r.failed, oneLine(r.firstErr.Error())))
			}
		}
	}
	failures("HTTP", res.http)
	failures("CONNECT", res.connect)
	failures("SOCKS5", res.socks)
	for _, name := range columns() {
		if s, ok := res.stream[name]; ok && s.firstErr != nil {
			notes = append(notes, fmt.Sprintf("%s throughput: %d of %d runs failed (first: %v)",
				name, s.failed, s.failed+len(s.runs), oneLine(s.firstErr.Error())))
		}
	}
	return notes
}

// oneLine keeps a message on one table-friendly line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", "/")
}

// plural is "1 round" or "3 rounds".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/srt-sandbox/srt/host/native"
	"github.com/srt-sandbox/srt/host/policy"
)

// SandboxOptions configures RunSandboxed.
type SandboxOptions struct {
	Args   []string
	Limits policy.Limits
	Stdin  *os.File
	Stdout *os.File
	Stderr *os.File

	Recorder policy.Recorder // the audit log
	// Debug, if set, receives the sandbox's layout (mounts, limits) before the command starts.
	Debug io.Writer
	// Notes receives remarks where the sandbox is weaker than asked (e.g. no landlock); nil: Stderr.
	Notes io.Writer
}

// SandboxResult is how a sandboxed run ended.
type SandboxResult struct {
	ExitCode int    // the command's exit code; 128+n if killed by signal n; 124 on timeout
	Signal   string // "SIGKILL" if the command was killed by a signal
	TimedOut bool   // the time limit ended the run
}

// KindSandbox marks audit events about the sandbox itself (started, disabled).
const KindSandbox policy.Kind = "sandbox"

// RunSandboxed runs opts.Args in the native sandbox under pol: it starts the filtering proxies (or uses the
// external ones the settings name), bridges them into the sandbox, applies the limits and returns how the
// command ended. An error means nothing ran, or the sandbox itself failed.
func RunSandboxed(ctx context.Context, pol *policy.Policy, opts SandboxOptions) (SandboxResult, error) {
	rec := opts.Recorder
	if rec == nil {
		rec = policy.Discard
	}
	notes := opts.Notes
	if notes == nil {
		notes = opts.Stderr
	}
	ns := pol.Settings().Network

	// The proxies: srt's own on ephemeral loopback ports, or the external ones the settings name.
	targets := map[int]string{
		native.HTTPProxyPort:  "127.0.0.1:" + strconv.Itoa(ns.HTTPProxyPort),
		native.SOCKSProxyPort: "127.0.0.1:" + strconv.Itoa(ns.SOCKSProxyPort),
	}
	if ns.HTTPProxyPort == 0 || ns.SOCKSProxyPort == 0 {
		srv, err := StartProxies(pol, ProxyOptions{Recorder: rec})
		if err != nil {
			return SandboxResult{}, err
		}
		defer srv.Close()
		if ns.HTTPProxyPort == 0 {
			targets[native.HTTPProxyPort] = srv.HTTPAddr().String()
		}
		if ns.SOCKSProxyPort == 0 {
			targets[native.SOCKSProxyPort] = srv.SOCKSAddr().String()
		}
	}

	if err := native.Available(); err != nil {
		return SandboxResult{}, err
	}
	tmp, err := os.MkdirTemp("", "srt-tmp-")
	if err != nil {
		return SandboxResult{}, fmt.Errorf("creating TMPDIR: %w", err)
	}
	defer os.RemoveAll(tmp)

	cfg, planNotes, err := native.Plan(pol, native.PlanOptions{Args: opts.Args, TmpDir: tmp})
	if err != nil {
		return SandboxResult{}, err
	}
	cfg.Recorder = rec
	cfg.HostHTTPPort = portOf(targets[native.HTTPProxyPort])
	cfg.HostSOCKSPort = portOf(targets[native.SOCKSProxyPort])
	lim, err := applyLimits(cfg, opts.Limits)
	if err != nil {
		return SandboxResult{}, err
	}
	defer lim.Close()
	for _, n := range append(planNotes, lim.notes...) {
		fmt.Fprintf(notes, "srt: note: %s\n", n)
	}
	if opts.Debug != nil {
		for _, l := range []struct {
			what  string
			paths []string
		}{{"writable", cfg.Writable}, {"read-only", cfg.ReadOnly}, {"hidden directory", cfg.HideDirs},
			{"hidden file", cfg.HideFiles}, {"TMPDIR", []string{cfg.TmpDir}}} {
			for _, p := range l.paths {
				fmt.Fprintf(opts.Debug, "srt: sandbox: %s %s\n", l.what, p)
			}
		}
		fmt.Fprintf(opts.Debug, "srt: sandbox: proxies http=%s socks=%s\n", targets[native.HTTPProxyPort], targets[native.SOCKSProxyPort])
	}

	stdio := native.Stdio{Stdin: opts.Stdin, Stdout: opts.Stdout, Stderr: opts.Stderr}
	var copies sync.WaitGroup
	if opts.Limits.MaxOutput > 0 {
		out := NewOutputLimit(opts.Limits.MaxOutput, opts.Stdout, opts.Stderr)
		for _, p := range []struct {
			dst  io.Writer
			file **os.File
		}{{out.Stdout(), &stdio.Stdout}, {out.Stderr(), &stdio.Stderr}} {
			r, w, err := os.Pipe()
			if err != nil {
				return SandboxResult{}, err
			}
			*p.file = w
			defer w.Close()
			copies.Add(1)
			go func(dst io.Writer) {
				defer copies.Done()
				io.Copy(dst, r)
				r.Close()
			}(p.dst)
		}
	}

	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardSignals...)
	defer signal.Stop(sigs)

	rec.Record(policy.Event{Time: time.Now(), Action: policy.ActionAllow, Kind: KindSandbox, Op: "start",
		Path: cfg.Dir, Reason: "native sandbox", Backend: "native"})
	p, err := native.Start(cfg, stdio)
	if err != nil {
		return SandboxResult{}, err
	}
	if opts.Limits.MaxOutput > 0 {
		// Our copies of the pipes' write ends must go, or the copying never ends.
		stdio.Stdout.Close()
		stdio.Stderr.Close()
	}
	for _, n := range p.Notes() {
		fmt.Fprintf(notes, "srt: note: %s\n", n)
	}
	for _, l := range p.Listeners() {
		go bridge(l, targets[l.Port])
	}

	var timeout <-chan time.Time
	if opts.Limits.Timeout > 0 {
		t := time.NewTimer(opts.Limits.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	done := make(chan struct{})
	var (
		st      native.Status
		waitErr error
	)
	go func() { st, waitErr = p.Wait(); close(done) }()
	timedOut := false
loop:
	for {
		select {
		case <-done:
			break loop
		case s := <-sigs:
			p.Signal(s.(syscall.Signal))
		case sig := <-p.Stopped():
			suspend(opts.Stdin, p, sig)
		case <-timeout:
			timedOut = true
			p.Kill()
		case <-ctx.Done():
			p.Kill()
		}
	}
	copies.Wait()
	restoreTerminal(opts.Stdin)
	if timedOut {
		return SandboxResult{ExitCode: 124, TimedOut: true}, nil
	}
	if waitErr != nil {
		return SandboxResult{}, waitErr
	}
	return SandboxResult{ExitCode: st.ExitCode, Signal: st.SigName}, nil
}

func portOf(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(p)
	return n
}

// bridge accepts connections made inside the sandbox to a proxy port and forwards each to the real proxy.
func bridge(l net.Listener, target string) {
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		go forward(c, target)
	}
}

func forward(c net.Conn, target string) {
	defer c.Close()
	u, err := net.DialTimeout("tcp", target, 10*time.Second)
	if err != nil {
		return
	}
	defer u.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(u, c)
	go pipe(c, u)
	<-done
	<-done
}

package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/srt-sandbox/srt/host/policy"
	"github.com/srt-sandbox/srt/proxy"
	"github.com/srt-sandbox/srt/runtimes/python"
	"github.com/srt-sandbox/srt/wasi"
	"github.com/srt-sandbox/srt/wasi/pyshim"
)

// WasmBackend is the audit backend name of WASM Python runs.
const WasmBackend = "wasm-python"

// WasmMount makes a host directory visible in the guest at another path (the policy still decides on the
// host path).
type WasmMount struct {
	Host, Guest string
	ReadOnly    bool
}

// WasmPythonOptions configures RunWasmPython.
type WasmPythonOptions = WasmOptions

// WasmOptions configures a WASM run (RunWasmPython, RunWasmJS).
type WasmOptions struct {
	Policy   *policy.Policy
	Recorder policy.Recorder
	Limits   policy.Limits

	Args   []string // the interpreter's arguments (without argv[0]), as python3's or node's
	Env    []string // K=V given by the user; SANDBOX_RUNTIME, HOME, TMPDIR are added
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Mounts []WasmMount

	Dir      string    // guest working directory; "" = srt's
	KeepTmp  bool      // keep the run's TMPDIR
	CacheDir string    // "" = WasmCacheDir()
	Progress io.Writer // receives the one-time "preparing" line; nil = none
	Notices  io.Writer // srt's own messages (the kept TMPDIR); nil = none

	// StopByExit says that the caller stops a guest that outlived its time limit or context by ending
	// the process, as srt's CLI does. Python is then compiled without wazero's interruption checks,
	// which make its loops about twice as slow. Zero value: when the context ends or the time limit
	// passes, the guest has stopped before RunWasmPython returns. (JavaScript is always stopped by
	// QuickJS's interrupt handler.)
	StopByExit bool
}

// WasmCacheDir is where compiled modules and snapshots are kept: <user cache dir>/srt/wazero (0700).
func WasmCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "srt", "wazero"), nil
}

// ErrWasmTimeout is returned (wrapped) when the run's time limit passed; the message names the limit.
var ErrWasmTimeout = wasi.ErrTimeout

// WasmMemoryError reports that the guest crashed (or, for JavaScript, ended with an uncaught
// out-of-memory error) while its memory was capped.
type WasmMemoryError struct {
	Runtime string // "python" (default) or "javascript"
	Limit   int64
	Err     error
}

func (e *WasmMemoryError) Error() string {
	rt := e.Runtime
	if rt == "" {
		rt = "python"
	}
	return fmt.Sprintf("%s ran out of memory (limit %d MiB; --memory): %v", rt, e.Limit>>20, e.Err)
}

func (e *WasmMemoryError) Unwrap() error { return e.Err }

var (
	engineMu sync.Mutex
	engines  = map[string]*wasi.Engine{}
)

// pythonEngine compiles python.wasm once per process, memory limit and interruptibility.
func pythonEngine(ctx context.Context, cacheDir string, memory int64, interrupt bool, progress io.Writer) (*wasi.Engine, error) {
	interrupt = interrupt || os.Getenv("SRT_WASM_INTERRUPT") == "1" // measurements (docs/benchmarks.md)
	key := fmt.Sprintf("%s\x00%d\x00%t", cacheDir, memory, interrupt)
	engineMu.Lock()
	defer engineMu.Unlock()
	if e, ok := engines[key]; ok {
		return e, nil
	}
	e, err := wasi.NewEngine(ctx, python.Module(), wasi.Config{
		CacheDir:           cacheDir,
		MemoryLimit:        memory,
		Progress:           progress,
		Label:              "python runtime",
		Snapshot:           &wasi.Snapshot{Preinit: "srt_preinit", Run: "srt_run", KeyFunc: snapshotKey},
		InterruptBusyLoops: interrupt,
	})
	if err != nil {
		return nil, err
	}
	engines[key] = e
	return e, nil
}

var snapshotKey = sync.OnceValue(func() string {
	h := sha256.New()
	h.Write([]byte(pyshim.Hash()))
	if b, err := fs.ReadFile(python.Stdlib(), strings.TrimPrefix(python.StdlibZipPath, python.Prefix+"/")); err == nil {
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
})

// RunWasmPython runs the embedded CPython under the policy: files through the policy file system,
// network through srt's proxies (in-process ones on ephemeral loopback ports, or the external ones the
// settings name), with the limits applied. It returns the guest's exit code; an error means the guest did
// not exit by itself (ErrWasmTimeout, *WasmMemoryError, a crash, or set-up failure).
func RunWasmPython(ctx context.Context, o WasmPythonOptions) (int, error) {
	phase := func(string) {}
	if os.Getenv("SRT_WASM_TIMING") != "" && o.Notices != nil {
		t0 := time.Now()
		phase = func(name string) {
			fmt.Fprintf(o.Notices, "srt: timing: %-8s %6.1f ms\n", name, float64(time.Since(t0).Microseconds())/1000)
		}
	}
	ws, err := prepareWasm(&o, WasmBackend)
	if err != nil {
		return 0, err
	}
	defer ws.cleanup()
	dir, tmp, pol, dial, cacheDir, wasmRec := ws.dir, ws.tmp, ws.pol, ws.dial, ws.cacheDir, ws.rec
	phase("set-up")
	// Something can end this run (a time limit, a context that can be cancelled): unless the caller
	// exits the process then, the guest must stop by itself.
	interrupt := !o.StopByExit && (o.Limits.Timeout > 0 || ctx.Done() != nil)
	eng, err := pythonEngine(ctx, cacheDir, o.Limits.Memory, interrupt, o.Progress)
	if err != nil {
		if o.Limits.Memory > 0 && strings.Contains(err.Error(), "over limit") {
			return 0, fmt.Errorf("memory limit %d MiB is below what the python runtime needs to start: %w",
				o.Limits.Memory>>20, err)
		}
		return 0, err
	}
	phase("engine")

	env := append([]string(nil), o.Env...)
	env = append(env, "SANDBOX_RUNTIME=1", "HOME="+tmp, "TMPDIR="+tmp)
	noSnap := false
	if v, ok := os.LookupEnv("PYTHONHASHSEED"); ok {
		env = append(env, "PYTHONHASHSEED="+v)
		noSnap = true // the hash secret is fixed when the interpreter initialises
	}
	for _, kv := range o.Env {
		if strings.HasPrefix(kv, "PYTHONHASHSEED=") {
			noSnap = true
		}
	}
	var mounts []wasi.Mount
	for _, m := range o.Mounts {
		mounts = append(mounts, wasi.Mount{Host: m.Host, Guest: m.Guest, ReadOnly: m.ReadOnly})
	}

	args, typed := absScript(o.Args, dir)
	files := map[string][]byte{"cwd": []byte(dir)}
	if typed != "" {
		files["argv0"] = []byte(typed)
	}

	runCtx := ctx
	if o.Limits.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, o.Limits.Timeout)
		defer cancel()
	}
	code, err := eng.Run(runCtx, wasi.RunConfig{
		Args:     append([]string{python.Prefix + "/bin/python3"}, args...),
		Env:      env,
		Stdin:    o.Stdin,
		Stdout:   o.Stdout,
		Stderr:   o.Stderr,
		Policy:   pol,
		Recorder: wasmRec,
		Backend:  WasmBackend,
		Mounts:   mounts,
		Trees: []wasi.Tree{
			{Prefix: python.Prefix, FS: python.Stdlib()},
			{Prefix: python.Prefix + "/lib/python3.11", FS: pyshim.FS()},
		},
		Files:      files,
		Dial:       dial,
		NoSnapshot: noSnap,
	})
	phase("run")
	if err != nil {
		switch {
		case errors.Is(err, wasi.ErrTimeout):
			return 0, fmt.Errorf("%w: time limit %v exceeded", wasi.ErrTimeout, o.Limits.Timeout)
		case o.Limits.Memory > 0 && !errors.Is(err, context.Canceled):
			return 0, &WasmMemoryError{Limit: o.Limits.Memory, Err: err}
		}
		return 0, err
	}
	return code, nil
}

// wasmSetup is what every WASM run shares: the audit recorder naming the backend, the working directory,
// a fresh TMPDIR (writable in addition to allowWrite), the policy with it, the guest's dialer through the
// proxies and the compilation cache directory.
type wasmSetup struct {
	rec      policy.Recorder
	dir, tmp string
	pol      *policy.Policy
	dial     wasi.Dialer
	cacheDir string
	cleanup  func() // stops the proxies, then removes (or reports) the TMPDIR
}

func prepareWasm(o *WasmOptions, backend string) (*wasmSetup, error) {
	rec := o.Recorder
	if rec == nil {
		rec = policy.Discard
	}
	ws := &wasmSetup{rec: policy.RecorderFunc(func(e policy.Event) { e.Backend = backend; rec.Record(e) })}
	ws.dir = o.Dir
	if ws.dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		ws.dir = wd
	}
	tmp, err := os.MkdirTemp("", "srt-wasm-")
	if err != nil {
		return nil, err
	}
	rmTmp := func() {
		if !o.KeepTmp {
			os.RemoveAll(tmp)
		} else if o.Notices != nil {
			fmt.Fprintf(o.Notices, "srt: kept TMPDIR %s\n", tmp)
		}
	}
	fail := func(err error) (*wasmSetup, error) {
		rmTmp()
		return nil, err
	}
	if tmp, err = filepath.EvalSymlinks(tmp); err != nil {
		return fail(err)
	}
	ws.tmp = tmp
	// The run's TMPDIR is writable in addition to the settings' allowWrite.
	s := o.Policy.Settings()
	s.Filesystem.AllowWrite = append(append([]string(nil), s.Filesystem.AllowWrite...), tmp)
	if ws.pol, err = policy.New(&s, policy.Env{WorkDir: ws.dir}); err != nil {
		return fail(err)
	}
	dial, closeNet, err := wasmDialer(ws.pol, ws.rec)
	if err != nil {
		return fail(err)
	}
	ws.dial = dial
	ws.cleanup = func() {
		closeNet()
		rmTmp()
	}
	ws.cacheDir = o.CacheDir
	if ws.cacheDir == "" {
		if ws.cacheDir, err = WasmCacheDir(); err != nil {
			ws.cacheDir = ""
		}
	}
	return ws, nil
}

// wasmDialer returns the guest's dialer: through the external HTTP proxy the settings name (CONNECT), else
// the external SOCKS5 proxy they name, else an in-process HTTP proxy started for this run on first use.
func wasmDialer(pol *policy.Policy, rec policy.Recorder) (wasi.Dialer, func(), error) {
	ns := pol.Settings().Network
	switch {
	case ns.HTTPProxyPort != 0:
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ns.HTTPProxyPort))
		return func(ctx context.Context, host string, port int) (net.Conn, error) {
			return proxy.DialConnect(ctx, addr, host, port, "")
		}, func() {}, nil
	case ns.SOCKSProxyPort != 0:
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ns.SOCKSProxyPort))
		return func(ctx context.Context, host string, port int) (net.Conn, error) {
			return proxy.DialSOCKS5(ctx, addr, host, port, "")
		}, func() {}, nil
	}
	var (
		mu     sync.Mutex
		srv    *Proxies
		closed bool
	)
	start := func() (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if closed {
			return "", errors.New("the run has ended")
		}
		if srv == nil {
			p, err := StartProxies(pol, ProxyOptions{Recorder: rec})
			if err != nil {
				return "", err
			}
			srv = p
		}
		return srv.HTTPAddr().String(), nil
	}
	closeFn := func() {
		mu.Lock()
		defer mu.Unlock()
		closed = true
		if srv != nil {
			srv.Close()
		}
	}
	return func(ctx context.Context, host string, port int) (net.Conn, error) {
		a, err := start()
		if err != nil {
			return nil, err
		}
		return proxy.DialConnect(ctx, a, host, port, "")
	}, closeFn, nil
}

// absScript makes a script path in python args absolute against dir: the interpreter makes it absolute
// while reading its configuration, when the guest's working directory is still "/" (srt's sitecustomize
// changes to dir later). typed is the path as given when it was changed ("" otherwise): sitecustomize puts
// it back into sys.argv[0].
func absScript(args []string, dir string) (out []string, typed string) {
	out = append([]string(nil), args...)
	abs := func(i int) {
		if !filepath.IsAbs(out[i]) {
			typed = out[i]
			out[i] = filepath.Join(dir, out[i])
		}
	}
	for i := 0; i < len(out); i++ {
		a := out[i]
		switch {
		case a == "-c" || a == "-m" || a == "-" || a == "--":
			if a == "--" && i+1 < len(out) && out[i+1] != "-" {
				abs(i + 1)
			}
			return out, typed
		case a == "-W" || a == "-X" || a == "--check-hash-based-pycs":
			i++
		case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--"):
			// single-letter flags, possibly combined (-uI, -uc CODE, -Wignore)
			letters := a[1:]
			for j := 0; j < len(letters); j++ {
				c := letters[j]
				if c == 'c' || c == 'm' {
					return out, typed
				}
				if c == 'W' || c == 'X' {
					if j == len(letters)-1 {
						i++ // the value is the next argument
					}
					break
				}
			}
		case strings.HasPrefix(a, "--"):
			// other long options take no value
		default:
			abs(i)
			return out, typed
		}
	}
	return out, typed
}

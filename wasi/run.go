package wasi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	"github.com/tetratelabs/wazero/sys"

	"github.com/srt-sandbox/srt/host/policy"
	"github.com/srt-sandbox/srt/wasi/internal/guestfs"
	"github.com/srt-sandbox/srt/wasi/internal/memory"
)

// ReservedPrefix is the guest directory srt owns (trees, virtual files); nothing of the host shows there.
const ReservedPrefix = guestfs.ReservedPrefix

// Mount makes the host directory Host visible at the guest path Guest (both absolute). The policy still
// decides every access, on the host path.
type Mount struct {
	Host, Guest string
	ReadOnly    bool
}

// Tree is a read-only file tree shown at Prefix, which must be below ReservedPrefix.
type Tree struct {
	Prefix string
	FS     fs.FS
}

// Dialer connects to host:port on the guest's behalf (srt: through its proxies). A denial should be (or
// wrap) a *policy.DenialError.
type Dialer func(ctx context.Context, host string, port int) (net.Conn, error)

// RunConfig is one run of the module.
type RunConfig struct {
	Args   []string // argv, including argv[0]
	Env    []string // "K=V"; nothing else is visible to the guest
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	Policy   *policy.Policy
	Recorder policy.Recorder // receives file system denials
	Backend  string          // audit backend name, e.g. "wasm-python"

	Mounts []Mount
	Trees  []Tree
	// Hidden host paths (with their contents) do not exist for the guest, whatever the policy says.
	// The engine's cache directory is always hidden.
	Hidden []string
	// Files are small read-only files below ReservedPrefix, by name relative to it (e.g. "cwd").
	Files map[string][]byte

	Dial Dialer      // nil: no network
	TLS  *tls.Config // base configuration for host-side TLS (RootCAs); nil: system roots

	NoSnapshot bool // start through _start even if the engine has a snapshot
}

// stopGrace bounds how long Run waits, after its context ended, for an interruptible guest to stop (a
// host call that does not watch the context could otherwise hold it).
const stopGrace = 5 * time.Second

// ErrTimeout is returned by Run when its context's deadline passed.
var ErrTimeout = errors.New("time limit exceeded")

// ErrPreinit wraps a failed pre-initialisation.
var ErrPreinit = errors.New("pre-initialisation failed")

// Run runs the module once and returns the guest's exit code. A non-nil error means the guest did not
// exit by itself: ErrTimeout, the context's error, or a trap (crash).
func (e *Engine) Run(ctx context.Context, rc RunConfig) (int, error) {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	netst := newNetState(runCtx, rc.Dial, rc.TLS)
	files := rc.Files
	virtual := func(rel string, flag experimentalsys.Oflag) (experimentalsys.File, experimentalsys.Errno) {
		if b, ok := files[rel]; ok {
			if flag&(experimentalsys.O_WRONLY|experimentalsys.O_RDWR|experimentalsys.O_CREAT) != 0 {
				return nil, experimentalsys.EROFS
			}
			return &memFile{data: b}, 0
		}
		if len(rel) > 4 && rel[:4] == "net/" {
			return netst.open(rel[4:], flag)
		}
		return nil, experimentalsys.ENOENT
	}
	opts := guestfs.Options{Policy: rc.Policy, Backend: rc.Backend, Virtual: virtual, Hidden: rc.Hidden}
	if e.cfg.CacheDir != "" {
		if abs, err := filepath.Abs(e.cfg.CacheDir); err == nil {
			opts.Hidden = append(opts.Hidden, policy.ResolveExisting(abs))
		}
	}
	if rc.Recorder != nil {
		opts.Record = rc.Recorder.Record
	}
	for _, m := range rc.Mounts {
		opts.Mounts = append(opts.Mounts, guestfs.Mount{Host: m.Host, Guest: m.Guest, ReadOnly: m.ReadOnly})
	}
	for _, t := range rc.Trees {
		opts.Trees = append(opts.Trees, guestfs.Tree{Prefix: t.Prefix, FS: t.FS})
	}
	gfs := guestfs.New(opts)
	defer gfs.Close()
	fsc := wazero.NewFSConfig().(sysfs.FSConfig).WithSysFSMount(gfs, "/")

	stdout, stderr := &gate{w: rc.Stdout}, &gate{w: rc.Stderr}
	stdin := rc.Stdin
	if stdin == nil {
		stdin = eofReader{}
	}
	base := wazero.NewModuleConfig().WithName("").WithFSConfig(fsc).
		WithRandSource(rand.Reader).WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithStartFunctions()

	var snap []byte
	if e.cfg.Snapshot != nil && !rc.NoSnapshot {
		snap = e.loadSnapshot()
		if snap == nil {
			// Pre-initialise with only the trees visible: the snapshot must not depend on (or have
			// searched) the host's files.
			popts := opts
			popts.NoHost, popts.Virtual, popts.Mounts = true, nil, nil
			pfs := guestfs.New(popts)
			pbase := base.WithFSConfig(wazero.NewFSConfig().(sysfs.FSConfig).WithSysFSMount(pfs, "/"))
			var err error
			snap, err = e.preinit(runCtx, pbase)
			pfs.Close()
			if err != nil {
				return 0, err
			}
		}
	}

	// Real files go to the guest as they are, so that it sees a terminal as a terminal (isatty, the REPL,
	// line buffering); they are not silenced when Run returns early.
	var gout, gerr io.Writer = stdout, stderr
	if f, ok := rc.Stdout.(*os.File); ok {
		gout = f
	}
	if f, ok := rc.Stderr.(*os.File); ok {
		gerr = f
	}
	mc := base.WithArgs(rc.Args...).WithStdin(stdin).WithStdout(gout).WithStderr(gerr)
	for _, kv := range rc.Env {
		k, v, _ := cut(kv)
		mc = mc.WithEnv(k, v)
	}
	mod, err := e.rt.InstantiateModule(e.withMemory(runCtx), e.compiled, mc)
	if err != nil {
		return 0, err
	}
	entry := "_start"
	if snap != nil {
		if err := restore(mod.Memory(), snap); err != nil {
			mod.Close(ctx)
			return 0, err
		}
		entry = e.cfg.Snapshot.Run
	}
	fn := mod.ExportedFunction(entry)
	if fn == nil {
		mod.Close(ctx)
		return 0, fmt.Errorf("module has no %s export", entry)
	}
	done := make(chan error, 1)
	go func() {
		_, err := fn.Call(runCtx)
		done <- err
	}()
	select {
	case err = <-done:
		mod.Close(context.Background())
	case <-ctx.Done():
		// Silence the guest and return. Compiled with interruption checks, it stops at its next loop
		// header or call (or, in a host call, when runCtx ends): wait for that, so that nothing of the
		// run is left. Without them, a busy loop only ends with the process (srt's CLI exits).
		stdout.close()
		stderr.close()
		cancel()
		if e.cfg.InterruptBusyLoops {
			select {
			case <-done:
				mod.Close(context.Background())
			case <-time.After(stopGrace):
			}
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return 0, ErrTimeout
		}
		return 0, ctx.Err()
	}
	return exitCode(err)
}

func exitCode(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var ee *sys.ExitError
	if errors.As(err, &ee) {
		return int(ee.ExitCode()), nil
	}
	return 0, err
}

// preinit runs the snapshot's Preinit export in a throw-away instance and saves its memory.
func (e *Engine) preinit(ctx context.Context, base wazero.ModuleConfig) ([]byte, error) {
	var out bytes.Buffer
	mod, err := e.rt.InstantiateModule(e.withMemory(ctx), e.compiled,
		base.WithArgs("python").WithStdout(&out).WithStderr(&out).WithStdin(eofReader{}))
	if err != nil {
		return nil, err
	}
	defer mod.Close(ctx)
	fn := mod.ExportedFunction(e.cfg.Snapshot.Preinit)
	if fn == nil {
		return nil, fmt.Errorf("%w: module has no %s export", ErrPreinit, e.cfg.Snapshot.Preinit)
	}
	res, err := fn.Call(ctx)
	if err != nil || len(res) == 0 || res[0] != 0 {
		return nil, fmt.Errorf("%w: %v %s", ErrPreinit, err, out.String())
	}
	mem, ok := mod.Memory().Read(0, mod.Memory().Size())
	if !ok {
		return nil, fmt.Errorf("%w: reading memory", ErrPreinit)
	}
	mem = bytes.Clone(mem)
	e.saveSnapshot(mem)
	return mem, nil
}

// withMemory makes instances get their linear memory from srt's allocator (reserved once, never copied
// when the guest grows it).
func (e *Engine) withMemory(ctx context.Context) context.Context {
	return experimental.WithMemoryAllocator(ctx, memory.Allocator(uint64(max(e.cfg.MemoryLimit, 0))))
}

func restore(mem api.Memory, snap []byte) error {
	if cur := mem.Size(); uint32(len(snap)) > cur {
		if _, ok := mem.Grow((uint32(len(snap)) - cur + 65535) / 65536); !ok {
			return fmt.Errorf("restoring snapshot: the memory limit is below the interpreter's start-up size (%d MiB)",
				len(snap)>>20)
		}
	}
	if !mem.Write(0, snap) {
		return errors.New("restoring snapshot: write failed")
	}
	return nil
}

func cut(kv string) (string, string, bool) {
	for i := 0; i < len(kv); i++ {
		if kv[i] == '=' {
			return kv[:i], kv[i+1:], true
		}
	}
	return kv, "", false
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// gate forwards writes until closed, then drops them.
type gate struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func (g *gate) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed || g.w == nil {
		return len(p), nil
	}
	return g.w.Write(p)
}

func (g *gate) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

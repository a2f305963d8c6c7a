package wasi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/srt-sandbox/srt/wasi/internal/cache"
)

// Config configures an Engine.
type Config struct {
	// CacheDir holds wazero's compilation cache and memory snapshots. It is created with mode 0700.
	// Empty: no cache (every process compiles).
	CacheDir string
	// MemoryLimit caps the guest's linear memory in bytes (rounded down to 64 KiB pages); 0 = 4 GiB.
	MemoryLimit int64
	// Progress, if set, receives one line when the module has to be compiled (not in the cache yet).
	Progress io.Writer
	// Label names the module in that line, e.g. "python runtime".
	Label string
	// Snapshot enables pre-initialised start: see Snapshot.
	Snapshot *Snapshot
	// InterruptBusyLoops compiles the module so that a busy guest stops when its context ends
	// (wazero's WithCloseOnContextDone), and Run returns only once it has. It makes guest loops about
	// twice as slow (docs/benchmarks.md). Without it, a guest whose context ended keeps running, silenced,
	// until it returns by itself or the process exits: only right for a process that exits then (srt's
	// CLI, whose supervisor kills it at the deadline).
	InterruptBusyLoops bool
}

// Snapshot names the exports of a module that supports pre-initialisation: Preinit is called once in a
// fresh instance (no _start) and linear memory is saved to the cache; each run restores it into a fresh
// instance and calls Run, which reads argv/environ and runs the program.
type Snapshot struct {
	Preinit, Run string
	// Key distinguishes snapshots of the same module that see different files at pre-initialisation
	// (e.g. a hash of the trees it imports from).
	Key string
	// KeyFunc, if set, returns more of the key; NewEngine calls it while the module compiles (so a
	// key that takes time to compute, such as a digest of a large tree, costs no start-up time).
	KeyFunc func() string
}

// Engine is a compiled module. It is safe for concurrent Runs.
type Engine struct {
	cfg      Config
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	hash     string // of the module
	snapKey  string // of the snapshot key
	cache    wazero.CompilationCache

	snapMu sync.Mutex
	snap   []byte // nil: not loaded yet
}

// NewEngine compiles module (or loads it from the cache).
func NewEngine(ctx context.Context, module []byte, cfg Config) (*Engine, error) {
	e := &Engine{cfg: cfg}
	rc := wazero.NewRuntimeConfig().WithDebugInfoEnabled(false).WithCloseOnContextDone(cfg.InterruptBusyLoops)
	if cfg.MemoryLimit > 0 {
		pages := cfg.MemoryLimit / 65536
		if pages < 1 {
			pages = 1
		}
		if pages > 65536 {
			pages = 65536
		}
		rc = rc.WithMemoryLimitPages(uint32(pages))
	}
	if cfg.CacheDir != "" {
		c, err := cache.Open(cfg.CacheDir)
		if err != nil {
			return nil, err
		}
		e.cache = c
		rc = rc.WithCompilationCache(c)
	}
	// Hashing the module (and the snapshot key) takes ~10 ms; it runs on another core while wazero
	// decodes, validates and loads the module, and decides whether this is the one-time compile.
	start := time.Now()
	firstc := make(chan bool, 1)
	go func() { firstc <- e.hashAndAnnounce(module) }()
	e.rt = wazero.NewRuntimeWithConfig(ctx, rc)
	b := e.rt.NewHostModuleBuilder(wasi_snapshot_preview1.ModuleName)
	wasi_snapshot_preview1.NewFunctionExporter().ExportFunctions(b)
	exportTime(b)
	_, err := b.Instantiate(ctx)
	var compiled wazero.CompiledModule
	if err == nil {
		compiled, err = e.rt.CompileModule(ctx, module)
		if err != nil {
			err = fmt.Errorf("compiling: %w", err)
		}
	}
	first := <-firstc
	if err != nil {
		if first && cfg.Progress != nil {
			fmt.Fprintln(cfg.Progress, " failed")
		}
		e.Close(ctx)
		return nil, err
	}
	e.compiled = compiled
	if first {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, " done in %.1fs\n", time.Since(start).Seconds())
		}
		if cfg.CacheDir != "" {
			os.WriteFile(e.marker(), nil, 0o600)
			cache.Prune(cfg.CacheDir, time.Now())
		}
	}
	return e, nil
}

// hashAndAnnounce sets e.hash (and e.snapKey) and reports whether module has not been compiled into
// the cache yet, in which case it starts the progress line.
func (e *Engine) hashAndAnnounce(module []byte) bool {
	sum := sha256.Sum256(module)
	e.hash = hex.EncodeToString(sum[:12])
	if e.cfg.Snapshot != nil {
		k := []byte(e.cfg.Snapshot.Key)
		if e.cfg.Snapshot.KeyFunc != nil {
			k = append(k, e.cfg.Snapshot.KeyFunc()...)
		}
		ks := sha256.Sum256(k)
		e.snapKey = hex.EncodeToString(ks[:8])
	}
	first := true
	if e.cfg.CacheDir != "" {
		if fi, err := os.Stat(e.marker()); err == nil {
			first = false
			if now := time.Now(); now.Sub(fi.ModTime()) > 24*time.Hour {
				os.Chtimes(e.marker(), now, now) // in use: keep it from cache.Prune
			}
		}
	}
	if first && e.cfg.Progress != nil {
		label := e.cfg.Label
		if label == "" {
			label = "runtime"
		}
		fmt.Fprintf(e.cfg.Progress, "srt: preparing %s (one-time) …", label)
	}
	return first
}

// marker names the empty file that records that the module is in the compilation cache.
func (e *Engine) marker() string {
	return filepath.Join(e.cfg.CacheDir, fmt.Sprintf("compiled-%s-%t", e.hash, e.cfg.InterruptBusyLoops))
}

// Close releases the runtime (and the compilation cache handle). No Run may be in progress, including
// a guest that outlived its context without InterruptBusyLoops: its memory is released.
func (e *Engine) Close(ctx context.Context) error {
	var err error
	if e.rt != nil {
		err = e.rt.Close(ctx)
	}
	if e.cache != nil {
		err = errors.Join(err, e.cache.Close(ctx))
	}
	return err
}

func (e *Engine) snapshotPath() string {
	if e.cfg.CacheDir == "" || e.cfg.Snapshot == nil {
		return ""
	}
	return filepath.Join(e.cfg.CacheDir, fmt.Sprintf("snapshot-%s-%s.mem", e.hash, e.snapKey))
}

// loadSnapshot returns the saved memory image, if any.
func (e *Engine) loadSnapshot() []byte {
	e.snapMu.Lock()
	defer e.snapMu.Unlock()
	if e.snap != nil {
		return e.snap
	}
	p := e.snapshotPath()
	if p == "" {
		return nil
	}
	b, err := os.ReadFile(p)
	if err != nil || len(b) < 16 || !bytes.Equal(b[:8], snapMagic) {
		return nil
	}
	e.snap = b[8:]
	return e.snap
}

var snapMagic = []byte("srtsnap1")

func (e *Engine) saveSnapshot(mem []byte) {
	e.snapMu.Lock()
	e.snap = mem
	e.snapMu.Unlock()
	p := e.snapshotPath()
	if p == "" {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".snapshot-*")
	if err != nil {
		return
	}
	_, err1 := tmp.Write(snapMagic)
	_, err2 := tmp.Write(mem)
	if errors.Join(err1, err2, tmp.Close()) != nil {
		os.Remove(tmp.Name())
		return
	}
	if os.Rename(tmp.Name(), p) != nil {
		os.Remove(tmp.Name())
		return
	}
	// Snapshots of other modules or trees are stale (best effort; a process still using one has it loaded).
	if old, err := filepath.Glob(filepath.Join(filepath.Dir(p), "snapshot-*.mem")); err == nil {
		for _, o := range old {
			if o != p {
				os.Remove(o)
			}
		}
	}
}

// Command pyrun runs the embedded python.wasm under wazero. It is a
// development tool for runtimes/python (smoke tests, benchmarks), not srt's
// host: host directories are mounted with wazero's WithDirMount, which is
// not a jail.
//
//	go run ./runtimes/python/internal/cmd/pyrun [flags] [--] python-args...
//
// Flags:
//
//	-mount host:guest[:ro]  mount a host directory (repeatable)
//	-env K=V                set a guest environment variable (repeatable)
//	-cache dir              wazero compilation cache directory
//	-preinit                start through srt_preinit + memory snapshot + srt_run
//	-snapshot file          with -preinit: reuse the memory snapshot stored in file
//	                        (created on first use; keyed by the module's sha256)
//	-time                   print phase timings to stderr
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/srt-sandbox/srt/runtimes/python"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	os.Exit(run())
}

func run() int {
	var mounts, envs multi
	flag.Var(&mounts, "mount", "host:guest[:ro] directory mount (repeatable)")
	flag.Var(&envs, "env", "K=V guest environment variable (repeatable)")
	defCache := ""
	if d, err := os.UserCacheDir(); err == nil {
		defCache = filepath.Join(d, "srt-test", "wazero")
	}
	cacheDir := flag.String("cache", defCache, "wazero compilation cache directory (empty: none)")
	preinit := flag.Bool("preinit", false, "use srt_preinit + snapshot/restore + srt_run instead of _start")
	snapFile := flag.String("snapshot", "", "with -preinit: snapshot cache file")
	timing := flag.Bool("time", false, "print phase timings to stderr")
	flag.Parse()

	ctx := context.Background()
	t0 := time.Now()
	phase := func(name string) {
		if *timing {
			fmt.Fprintf(os.Stderr, "pyrun: %-10s %7.1f ms\n", name, float64(time.Since(t0).Microseconds())/1000)
		}
	}
	rc := wazero.NewRuntimeConfig().WithDebugInfoEnabled(false).WithCloseOnContextDone(false)
	if *cacheDir != "" {
		if err := os.MkdirAll(*cacheDir, 0o700); err != nil {
			fmt.Fprintln(os.Stderr, "pyrun:", err)
			return 125
		}
		cache, err := wazero.NewCompilationCacheWithDir(*cacheDir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pyrun:", err)
			return 125
		}
		rc = rc.WithCompilationCache(cache)
	}
	r := wazero.NewRuntimeWithConfig(ctx, rc)
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	compiled, err := r.CompileModule(ctx, python.Module())
	if err != nil {
		fmt.Fprintln(os.Stderr, "pyrun: compile:", err)
		return 125
	}
	phase("compile")

	fsc := wazero.NewFSConfig()
	if os.Getenv("PYRUN_NO_STDLIB") == "" {
		fsc = fsc.WithFSMount(python.Stdlib(), python.Prefix)
	}
	for _, m := range mounts {
		parts := strings.Split(m, ":")
		if len(parts) < 2 {
			fmt.Fprintln(os.Stderr, "pyrun: bad -mount", m)
			return 125
		}
		if len(parts) == 3 && parts[2] == "ro" {
			fsc = fsc.WithReadOnlyDirMount(parts[0], parts[1])
		} else {
			fsc = fsc.WithDirMount(parts[0], parts[1])
		}
	}
	cfg := wazero.NewModuleConfig().WithName("").
		WithStdin(os.Stdin).WithStdout(os.Stdout).WithStderr(os.Stderr).
		WithFSConfig(fsc).
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithRandSource(rand.Reader).
		WithArgs(append([]string{"python"}, flag.Args()...)...)
	for _, e := range envs {
		k, v, _ := strings.Cut(e, "=")
		cfg = cfg.WithEnv(k, v)
	}

	if !*preinit {
		mod, err := r.InstantiateModule(ctx, compiled, cfg)
		phase("run")
		if mod != nil {
			mod.Close(ctx)
		}
		return code(err)
	}

	sum := sha256.Sum256(python.Module())
	var snap []byte
	if *snapFile != "" {
		if b, err := os.ReadFile(*snapFile); err == nil && len(b) > len(sum) && bytes.Equal(b[:len(sum)], sum[:]) {
			snap = b[len(sum):]
		}
	}
	if snap == nil {
		// Pre-initialise in a throw-away instance (empty argv/env), snapshot memory.
		var sink bytes.Buffer
		pre, err := r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName("").
			WithStdout(&sink).WithStderr(&sink).WithFSConfig(fsc).WithStartFunctions().
			WithArgs("python").WithRandSource(rand.Reader))
		if err != nil {
			fmt.Fprintln(os.Stderr, "pyrun: instantiate:", err)
			return 125
		}
		if _, err := pre.ExportedFunction("srt_preinit").Call(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "pyrun: srt_preinit: %v\n%s", err, sink.String())
			return 125
		}
		snap, _ = pre.Memory().Read(0, pre.Memory().Size())
		snap = bytes.Clone(snap)
		pre.Close(ctx)
		if *snapFile != "" {
			if err := os.WriteFile(*snapFile, append(sum[:], snap...), 0o600); err != nil {
				fmt.Fprintln(os.Stderr, "pyrun:", err)
			}
		}
		phase("preinit")
	} else {
		phase("load-snap")
	}

	mod, err := r.InstantiateModule(ctx, compiled, cfg.WithStartFunctions())
	if err != nil {
		fmt.Fprintln(os.Stderr, "pyrun: instantiate:", err)
		return 125
	}
	defer mod.Close(ctx)
	mem := mod.Memory()
	if need := uint32(len(snap)); need > mem.Size() {
		mem.Grow((need - mem.Size()) / 65536)
	}
	mem.Write(0, snap)
	phase("restore")
	_, err = mod.ExportedFunction("srt_run").Call(ctx)
	phase("run")
	return code(err)
}

func code(err error) int {
	if err == nil {
		return 0
	}
	var ee *sys.ExitError
	if errors.As(err, &ee) {
		return int(ee.ExitCode())
	}
	fmt.Fprintln(os.Stderr, "pyrun:", err)
	return 125
}

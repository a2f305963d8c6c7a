// Package python embeds CPython 3.11 built for wasm32-wasi and its
// bytecode-only standard library.
//
// Usage (with wazero):
//
//	r := wazero.NewRuntime(ctx)
//	wasi_snapshot_preview1.MustInstantiate(ctx, r)
//	compiled, _ := r.CompileModule(ctx, python.Module())
//	fsc := wazero.NewFSConfig().WithFSMount(python.Stdlib(), python.Prefix)
//	cfg := wazero.NewModuleConfig().WithFSConfig(fsc).
//		WithArgs("python", "-c", "print(1)").WithStdout(os.Stdout)
//	_, err := r.InstantiateModule(ctx, compiled, cfg) // runs _start
//
// The interpreter was configured with --prefix=/.srt/python (Prefix), so the
// guest looks for its standard library at StdlibZipPath; Stdlib() is a
// read-only file system holding lib/python311.zip, meant to be mounted at
// Prefix.
//
// Besides the WASI command entry point _start, the module exports
// srt_preinit and srt_run for memory snapshots: instantiate without running
// _start, call srt_preinit, copy linear memory; later restore that memory
// into a fresh instance and call srt_run, which reads argv and the
// environment from WASI at that point and runs the program. See README.md
// for the exact ABI and what a snapshot fixes.
package python

import (
	"embed"
	"io/fs"
)

// Prefix is the installation prefix compiled into python.wasm. The host must
// mount Stdlib() here (read-only).
const Prefix = "/.srt/python"

// StdlibZipPath is where the guest interpreter finds its standard library.
const StdlibZipPath = Prefix + "/lib/python311.zip"

//go:embed python.wasm
var module []byte

//go:embed lib/python311.zip
var stdlib embed.FS

// Module returns the WebAssembly binary of the interpreter. The returned
// slice is shared: callers must not modify it.
func Module() []byte { return module }

// Stdlib returns a read-only file system containing lib/python311.zip, to be
// mounted in the guest at Prefix.
func Stdlib() fs.FS { return stdlib }

// Package quickjs runs JavaScript in QuickJS-NG (runtimes/js, a WASI reactor) under wazero, with a
// Node-like guest environment and an event loop written in Go.
//
// Usage:
//
//	rt, err := quickjs.New(ctx, quickjs.Config{CacheDir: dir}) // compiles quickjs.wasm once
//	if err != nil { … }
//	defer rt.Close(ctx)
//	code, err := rt.Run(ctx, quickjs.RunOptions{
//		Code:     `console.log("hello", {a: 1})`,
//		Filename: "/app/main.js",
//		Stdout:   os.Stdout,
//		Stderr:   os.Stderr,
//	})
//	// err is nil for every normal end (code is the process exit code), wraps ErrTimeout (and ctx.Err())
//	// when ctx ended the run (busy loop or pending timers), ErrOutOfMemory when an out-of-memory error
//	// went uncaught, wraps a Stdout/Stderr write error, and is another error for host-side failures
//	// (e.g. an engine trap).
//
// Every Run instantiates a fresh engine, so runs never share guest state; a Runtime is safe for
// concurrent Runs.
//
// The guest gets console.*, queueMicrotask, setTimeout/setInterval and their clear functions,
// structuredClone, TextEncoder/TextDecoder, atob/btoa, crypto.getRandomValues/randomUUID,
// performance.now, URL/URLSearchParams (a small implementation), process (argv, env, exit, exitCode,
// stdout/stderr.write, nextTick), and ES modules through RunOptions.ModuleLoader (static and dynamic
// import, import.meta.url, top-level await). Uncaught errors print their stack to Stderr and end the
// run with exit code 1; unhandled promise rejections do the same, as in Node.
//
// Capabilities beyond that (filesystem, network) are host functions the caller adds with
// RunOptions.Funcs, plus JavaScript glue in RunOptions.Setup. For example, fetch through srt's proxies is
// an async Func (it runs on its own goroutine and settles a Promise on the event loop) wrapped by a Setup
// script:
//
//	Funcs: map[string]quickjs.Func{"__srt_fetch": {Async: true, Call: func(ctx context.Context, a []any) (any, error) {
//		// a: url, method, headers (map[string]any), body ([]byte or nil)
//		… // policy check, request through the proxy; a denial returns
//		return nil, &quickjs.Error{Name: "TypeError", Message: "blocked by network allowlist: example.com:443"}
//		return map[string]any{"status": 200, "headers": hdrs, "body": bodyBytes}, nil // body → Uint8Array
//	}}},
//	Setup: []quickjs.Script{{Name: "<srt:fetch>", Code: fetchJS}}, // defines fetch/Response/Headers, deletes __srt_fetch
//
// and the policy filesystem is a set of sync Funcs (readFile, writeFile, stat, …) returning
// *quickjs.Error{Code: "ENOENT"|"EACCES"|"EROFS"} on denial, wrapped by a Setup script into fs,
// fs/promises and require(), with RunOptions.ModuleLoader reading ES modules through the same policy.
//
// Limits: ctx ends the run (QuickJS's interrupt handler stops running JS; Config.EnsureTermination adds
// a slower hard stop for native operations); RunOptions.MemoryLimit caps the engine heap and the wasm
// memory; a failing Stdout/Stderr writer ends the run.
package quickjs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/srt-sandbox/srt/runtimes/js"
	"github.com/srt-sandbox/srt/wasi/internal/cache"
)

// ErrTimeout is wrapped by the error of a run that its context ended (deadline or cancellation); the
// error also wraps the context's error.
var ErrTimeout = errors.New("quickjs: run interrupted")

// ErrOutOfMemory is wrapped by the error of a run that ended with an uncaught out-of-memory error (the
// guest hit RunOptions.MemoryLimit and did not catch the InternalError).
var ErrOutOfMemory = errors.New("quickjs: out of memory")

// Config configures a Runtime.
type Config struct {
	// CompilationCache, if set, is used to cache the compiled engine (shared between Runtimes).
	CompilationCache wazero.CompilationCache
	// CacheDir, if set and CompilationCache is nil, is a directory for a persistent compilation cache.
	CacheDir string
	// Module overrides the engine binary (default: runtimes/js.Module()).
	Module []byte
	// EnsureTermination compiles the engine with wazero's context-done checks at every loop header
	// (RuntimeConfig.WithCloseOnContextDone), so that even a long native operation that never polls the
	// interrupt handler (say JSON.stringify of a 100,000-deep array, which is quadratic in QuickJS) stops
	// when the context ends. It makes JavaScript 4-10× slower; without it, JS code (loops, calls, regexps,
	// timers, microtasks) is still interrupted through QuickJS's interrupt handler.
	EnsureTermination bool
}

// Runtime holds the compiled engine. Close it when done.
type Runtime struct {
	r        wazero.Runtime
	compiled wazero.CompiledModule
	minPages uint32
	prelude  []byte                  // the prelude's bytecode
	cache    wazero.CompilationCache // owned (from CacheDir), closed by Close

	checkMu chan struct{} // a one-slot lock for check (Parses)
	check   *checker
}

// New compiles the engine.
func New(ctx context.Context, cfg Config) (*Runtime, error) {
	rc := wazero.NewRuntimeConfig().WithDebugInfoEnabled(false).WithCloseOnContextDone(cfg.EnsureTermination)
	rt := &Runtime{checkMu: make(chan struct{}, 1)}
	switch {
	case cfg.CompilationCache != nil:
		rc = rc.WithCompilationCache(cfg.CompilationCache)
	case cfg.CacheDir != "":
		c, err := cache.Open(cfg.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("quickjs: %w", err)
		}
		rt.cache = c
		rc = rc.WithCompilationCache(c)
	}
	rt.r = wazero.NewRuntimeWithConfig(ctx, rc)
	fail := func(err error) (*Runtime, error) {
		rt.Close(ctx)
		return nil, err
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt.r); err != nil {
		return fail(fmt.Errorf("quickjs: wasi: %w", err))
	}
	if err := instantiateEnv(ctx, rt.r); err != nil {
		return fail(fmt.Errorf("quickjs: env: %w", err))
	}
	bin := cfg.Module
	if bin == nil {
		bin = js.Module()
	}
	c, err := rt.r.CompileModule(ctx, bin)
	if err != nil {
		return fail(fmt.Errorf("quickjs: compile: %w", err))
	}
	rt.compiled = c
	for _, m := range c.ExportedMemories() {
		rt.minPages = m.Min()
	}
	if rt.prelude, err = rt.loadPrelude(ctx, cfg.CacheDir, bin); err != nil {
		return fail(err)
	}
	return rt, nil
}

// Close releases the compiled engine (and the cache opened from Config.CacheDir).
func (rt *Runtime) Close(ctx context.Context) error {
	var err error
	if rt.r != nil {
		err = rt.r.Close(ctx)
	}
	if rt.cache != nil {
		if e := rt.cache.Close(ctx); err == nil {
			err = e
		}
	}
	return err
}

// RunOptions describes one program run.
type RunOptions struct {
	// Code is the program source.
	Code string
	// Filename names the program in stack traces and is the referrer of its imports. Default "<eval>".
	Filename string
	// IsModule evaluates Code as an ES module (import/export, top-level await, import.meta.url).
	IsModule bool

	// Stdout and Stderr receive console output and process.stdout/stderr writes (nil: discarded). A
	// write error ends the run at once, and Run returns an error wrapping it (e.g. an output cap).
	Stdout, Stderr io.Writer

	// Args is process.argv verbatim; nil gives ["srt", Filename].
	Args []string
	// Env is process.env (only these values).
	Env map[string]string

	// MemoryLimit caps the engine heap in bytes (0: no limit beyond the 4 GiB of wasm32). Going over
	// throws a catchable out-of-memory InternalError in the guest; the wasm memory is capped a little
	// above it.
	MemoryLimit int64
	// MaxStackSize caps the JS stack in bytes (0: the engine default).
	MaxStackSize int

	// ModuleLoader resolves an import of specifier from the module named referrer (a Filename or an
	// earlier resolved name) and returns its source and resolved name (an absolute path or a URL; it names
	// the module for deduplication, stack traces, later relative imports and import.meta.url). nil makes
	// every import fail. An error that is a *Error reaches the guest with its name and code.
	ModuleLoader func(specifier, referrer string) (source, resolved string, err error)

	// Funcs are host functions installed as global functions of the same name before Setup and Code run.
	Funcs map[string]Func
	// Setup scripts run (as global scripts, in order) after the built-in environment and before Code;
	// typically they wrap Funcs into guest APIs and delete the raw globals. globalThis[Symbol.for(
	// 'srt.util')] holds the built-in { inspect, format } (Node's util.inspect and util.format) for them, and
	// globalThis[Symbol.for('srt.evalScript')](code, filename) evaluates code as a global script named
	// filename in stack traces (for module wrappers such as CommonJS require; indirect eval says <input>).
	Setup []Script

	// Location is the time zone of Date's local time (nil: UTC).
	Location *time.Location
}

// Script is a named piece of JavaScript.
type Script struct {
	Name, Code string
}

// Func is a host function callable from the guest.
//
// Arguments arrive converted: undefined and null → nil, booleans → bool, numbers → float64, strings →
// string, ArrayBuffer and ArrayBuffer views → []byte (a copy), other values → their JSON.stringify
// decoded by encoding/json (map[string]any, []any, …; so bytes nested in objects do not survive: pass
// them as top-level arguments). The result goes back the same way: nil → undefined, bool, numeric
// types, string, []byte → Uint8Array, map[string]any and []any → object and array (recursively, so a
// []byte inside becomes a Uint8Array), json.RawMessage → JSON.parse of it, anything else →
// JSON.parse(json.Marshal(v)). A returned error throws in the guest: an *Error keeps its
// name (e.g. "TypeError") and code (e.g. "ENOENT"), any other error becomes an Error with its message.
type Func struct {
	Call func(ctx context.Context, args []any) (any, error)
	// Async runs Call on its own goroutine; the guest function returns a Promise settled with the result
	// once the event loop picks it up. The run stays alive while async calls are outstanding.
	Async bool
}

// Error is an error that becomes a JavaScript error of the given name, with a code property if set.
type Error struct {
	Name    string // constructor name, e.g. "TypeError"; default "Error"
	Message string
	Code    string // e.g. "ENOENT"; omitted if empty
}

func (e *Error) Error() string {
	name := e.Name
	if name == "" {
		name = "Error"
	}
	if e.Code != "" {
		return fmt.Sprintf("%s [%s]: %s", name, e.Code, e.Message)
	}
	return name + ": " + e.Message
}

// memoryPages is the wasm memory cap (in 64 KiB pages) for a heap limit of n bytes.
func (rt *Runtime) memoryPages(n int64) uint32 {
	if n <= 0 {
		return 65536
	}
	// dlmalloc overhead and fragmentation, the data segment and the C stack sit on top of the heap.
	b := n + n/4 + int64(rt.minPages)*65536 + 8<<20
	p := (b + 65535) / 65536
	if p > 65536 {
		p = 65536
	}
	return uint32(p)
}

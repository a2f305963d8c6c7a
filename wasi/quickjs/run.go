package quickjs

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"

	"github.com/srt-sandbox/srt/wasi/internal/cache"
	"github.com/srt-sandbox/srt/wasi/internal/memory"
	"github.com/srt-sandbox/srt/wasi/quickjs/internal/vm"
)

//go:embed prelude.js
var prelude string

type runKey struct{}

func runOf(ctx context.Context) *run {
	r, _ := ctx.Value(runKey{}).(*run)
	if r == nil {
		panic(errors.New("quickjs: host function called outside a run"))
	}
	return r
}

// instantiateEnv provides the "env" imports of quickjs.wasm; they find their run in the call's context.
func instantiateEnv(ctx context.Context, r wazero.Runtime) error {
	i32 := api.ValueTypeI32
	b := r.NewHostModuleBuilder("env")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, s []uint64) {
		s[0] = uint64(runOf(ctx).hostCall(uint32(s[0]), uint32(s[1]), vm.Value(s[2]), uint32(s[3]), uint32(s[4])))
	}), []api.ValueType{i32, i32, i32, i32, i32}, []api.ValueType{i32}).Export("host_call")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, s []uint64) {
		s[0] = 0
		if runOf(ctx).ctx.Err() != nil {
			s[0] = 1
		}
	}), nil, []api.ValueType{i32}).Export("host_interrupt")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, s []uint64) {
		s[0] = uint64(runOf(ctx).moduleNormalize(uint32(s[0]), uint32(s[1])))
	}), []api.ValueType{i32, i32}, []api.ValueType{i32}).Export("host_module_normalize")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, s []uint64) {
		s[0] = uint64(runOf(ctx).moduleLoad(uint32(s[0]), uint32(s[1])))
	}), []api.ValueType{i32, i32}, []api.ValueType{i32}).Export("host_module_load")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, s []uint64) {
		runOf(ctx).promiseRejection(vm.Value(s[0]), vm.Value(s[1]), uint32(s[2]) != 0)
	}), []api.ValueType{i32, i32, i32}, nil).Export("host_promise_rejection")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, s []uint64) {
		t := int64(uint64(uint32(s[0]))<<32 | uint64(uint32(s[1])))
		loc := runOf(ctx).opts.Location
		if loc == nil {
			s[0] = 0
			return
		}
		_, off := time.Unix(t, 0).In(loc).Zone()
		s[0] = uint64(uint32(int32(off)))
	}), []api.ValueType{i32, i32}, []api.ValueType{i32}).Export("host_get_timezone_offset")
	_, err := b.Instantiate(ctx)
	return err
}

type rejection struct {
	id              uint32
	promise, reason vm.Value
}

type hostFn func(r *run, this vm.Value, args []vm.Value) vm.Value

// run is the state of one Run: one engine instance and its event loop.
type run struct {
	ctx             context.Context
	opts            *RunOptions
	preludeBytecode []byte
	vm              *vm.VM
	stdout          io.Writer
	stderr          io.Writer

	// functions returned by the prelude
	tick, runTicks, fatal, unhandled, toJSON, fromJSON, makeError, exitCode vm.Value

	funcCtx     context.Context
	rejections  []rejection
	completions chan func()
	pending     int

	stackSize uint32 // bytes of C stack

	sources map[string]string // resolved module name → source, between normalize and load
	norm    map[[2]string]string
}

// Run runs one program to completion: the main code, then the event loop until no timers or async host
// calls remain. exitCode is what Node's would be (process.exit's code, process.exitCode, 1 after an
// uncaught error or unhandled rejection, 13 for an unsettled top-level await).
func (rt *Runtime) Run(ctx context.Context, opts RunOptions) (exitCode int, err error) {
	if opts.Filename == "" {
		opts.Filename = "<eval>"
	}
	r := &run{
		ctx:             ctx,
		opts:            &opts,
		preludeBytecode: rt.prelude,
		stdout:          opts.Stdout,
		stderr:          opts.Stderr,
		completions:     make(chan func(), 16),
		sources:         map[string]string{},
		norm:            map[[2]string]string{},
	}
	if r.stdout == nil {
		r.stdout = io.Discard
	}
	if r.stderr == nil {
		r.stderr = io.Discard
	}
	cctx := context.WithValue(ctx, runKey{}, r)
	r.ctx = cctx
	// Async host calls get a context that ends with the run; their results are dropped once it is over.
	fctx, cancel := context.WithCancel(cctx)
	r.funcCtx = fctx
	defer cancel()
	pages := rt.memoryPages(opts.MemoryLimit)
	ictx := experimental.WithMemoryAllocator(cctx, memory.Allocator(uint64(pages)*65536))
	mc := wazero.NewModuleConfig().WithName("").WithStartFunctions("_initialize").
		WithSysWalltime().WithSysNanotime().WithRandSource(rand.Reader).
		WithStdout(r.stdout).WithStderr(r.stderr)
	mod, err := rt.r.InstantiateModule(ictx, rt.compiled, mc)
	if err != nil {
		if ctx.Err() != nil {
			return -1, fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
		}
		return -1, fmt.Errorf("quickjs: instantiate: %w", err)
	}
	defer mod.Close(context.WithoutCancel(ctx))

	defer func() {
		if p := recover(); p != nil {
			ce, ok := p.(*vm.CallError)
			if !ok {
				panic(p)
			}
			exitCode, err = r.classify(ce)
		}
	}()
	// The C stack sits at the bottom of memory (below __stack_pointer's initial value) and overflowing it
	// traps; keep QuickJS's own stack check well inside it so deep recursion is a RangeError.
	if g := mod.ExportedGlobal("__stack_pointer"); g != nil {
		r.stackSize = uint32(g.Get())
	}
	r.vm, err = vm.New(cctx, mod)
	if err != nil {
		return -1, err
	}
	return r.main()
}

// loadPrelude returns the prelude's bytecode: from cacheDir if an earlier process saved it there for
// this engine and prelude, else compiled now (and saved, best effort). The file holds a SHA-256 of the
// bytecode before it, so a damaged file is recompiled rather than loaded. It is as trusted as the
// compilation cache next to it (same 0700 directory), and bytecode only ever runs inside the guest.
func (rt *Runtime) loadPrelude(ctx context.Context, cacheDir string, module []byte) ([]byte, error) {
	if cacheDir == "" {
		return rt.compilePrelude(ctx)
	}
	h := sha256.New()
	h.Write(module)
	h.Write([]byte{0})
	h.Write([]byte(prelude))
	p := filepath.Join(cacheDir, "quickjs-prelude-"+hex.EncodeToString(h.Sum(nil)[:12])+".bc")
	if f, err := os.ReadFile(p); err == nil && len(f) > sha256.Size {
		if sum := sha256.Sum256(f[sha256.Size:]); bytes.Equal(sum[:], f[:sha256.Size]) {
			return f[sha256.Size:], nil
		}
	}
	b, err := rt.compilePrelude(ctx)
	if err != nil {
		return nil, err
	}
	if tmp, err := os.CreateTemp(cacheDir, ".prelude-*"); err == nil {
		sum := sha256.Sum256(b)
		_, werr := tmp.Write(append(sum[:], b...))
		if errors.Join(werr, tmp.Close()) != nil || os.Rename(tmp.Name(), p) != nil {
			os.Remove(tmp.Name())
		} else {
			cache.Prune(cacheDir, time.Now()) // a new engine or prelude: an older srt's entries may be stale
		}
	}
	return b, nil
}

// compilePrelude compiles the prelude in a throwaway instance, so that runs load bytecode instead of
// parsing it.
func (rt *Runtime) compilePrelude(ctx context.Context) (b []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			ce, ok := p.(*vm.CallError)
			if !ok {
				panic(p)
			}
			err = ce
		}
	}()
	mod, v, err := rt.bareVM(ctx, 0)
	if err != nil {
		return nil, err
	}
	defer mod.Close(ctx)
	b, ok := v.Compile(prelude, "<srt:prelude>", vm.EvalStrict)
	if !ok {
		e := v.Exception()
		return nil, fmt.Errorf("quickjs: prelude: %s", v.String(e))
	}
	return b, nil
}

// bareVM instantiates the engine for srt's own use (no program, no hooks, memory capped at memLimit bytes;
// 0: the module's maximum): its calls carry ctx and a run of their own, which the env imports look up.
func (rt *Runtime) bareVM(ctx context.Context, memLimit uint64) (api.Module, *vm.VM, error) {
	cctx := context.WithValue(ctx, runKey{}, &run{ctx: ctx, opts: &RunOptions{}})
	mod, err := rt.r.InstantiateModule(experimental.WithMemoryAllocator(cctx, memory.Allocator(memLimit)),
		rt.compiled, wazero.NewModuleConfig().WithName("").WithStartFunctions("_initialize"))
	if err != nil {
		return nil, nil, fmt.Errorf("quickjs: instantiate: %w", err)
	}
	v, err := vm.New(cctx, mod)
	if err != nil {
		mod.Close(ctx)
		return nil, nil, err
	}
	return mod, v, nil
}

// cStackLimit is the QuickJS stack limit for a C stack of size bytes: well inside it, so that deep
// recursion is a RangeError rather than a trap.
func cStackLimit(size uint32) uint32 { return size - min(size/4, 128<<10) }

// classify turns the failure of a guest call into Run's results.
func (r *run) classify(ce *vm.CallError) (int, error) {
	var exit *sys.ExitError
	var oe *outputError
	if errors.As(ce, &oe) {
		return -1, oe
	}
	if errors.As(ce, &exit) {
		switch exit.ExitCode() {
		case sys.ExitCodeDeadlineExceeded, sys.ExitCodeContextCanceled:
			return -1, r.timeoutErr()
		}
		code := int(int32(exit.ExitCode()))
		if code == exitOOM {
			return 1, ErrOutOfMemory
		}
		return code, nil
	}
	if r.ctx.Err() != nil {
		return -1, r.timeoutErr()
	}
	return -1, fmt.Errorf("quickjs: engine failed: %w", ce)
}

// exitOOM is the private exit status the prelude uses for an uncaught out-of-memory error.
const exitOOM = -137

func (r *run) timeoutErr() error { return fmt.Errorf("%w: %w", ErrTimeout, context.Cause(r.ctx)) }

func (r *run) main() (int, error) {
	v := r.vm
	if r.opts.MemoryLimit > 0 {
		lim := r.opts.MemoryLimit
		if lim > math.MaxUint32 {
			lim = math.MaxUint32
		}
		v.SetMemoryLimit(uint32(lim))
	}
	if limit := cStackLimit(r.stackSize); r.stackSize > 0 && (r.opts.MaxStackSize <= 0 || uint32(r.opts.MaxStackSize) > limit) {
		v.SetMaxStackSize(limit)
	} else if r.opts.MaxStackSize > 0 {
		v.SetMaxStackSize(uint32(r.opts.MaxStackSize))
	}
	v.EnableHooks()

	// The prelude is a function expression: (function (host, config) { …; return hooks }).
	pf := v.EvalBytecode(r.preludeBytecode)
	r.check(pf)
	host := v.NewObject()
	for _, name := range []string{"write", "exit", "random", "encode", "decode", "call", "promise", "eval"} {
		f := v.NewHostFunction("srt:" + name)
		v.Set(host, name, f)
		v.Free(f)
	}
	cfg := map[string]any{
		"argv":  r.opts.Args,
		"env":   r.opts.Env,
		"funcs": funcNames(r.opts.Funcs),
	}
	if r.opts.Args == nil {
		cfg["argv"] = []string{"srt", r.opts.Filename}
	}
	if r.opts.Env == nil {
		cfg["env"] = map[string]string{}
	}
	cj, _ := json.Marshal(cfg)
	cs := v.NewString(string(cj))
	undef := v.Undefined()
	hooks := v.Call(pf, undef, host, cs)
	v.Free(cs)
	v.Free(host)
	v.Free(pf)
	r.check(hooks)
	for name, p := range map[string]*vm.Value{"tick": &r.tick, "runTicks": &r.runTicks, "fatal": &r.fatal, "unhandled": &r.unhandled,
		"toJSON": &r.toJSON, "fromJSON": &r.fromJSON, "makeError": &r.makeError, "exitCode": &r.exitCode} {
		*p = v.Get(hooks, name)
	}
	v.Free(hooks)

	for _, s := range r.opts.Setup {
		res := v.Eval(s.Code, s.Name, vm.EvalGlobal)
		r.check(res)
		v.Free(res)
	}

	var mainPromise vm.Value
	if r.opts.IsModule {
		code := withImportMeta(r.opts.Code, r.opts.Filename)
		res := v.Eval(code, r.opts.Filename, vm.EvalModule)
		r.check(res)
		mainPromise = res
		v.MarkHandled(mainPromise)
	} else {
		res := v.Eval(r.opts.Code, r.opts.Filename, vm.EvalGlobal)
		r.check(res)
		v.Free(res)
	}

	for {
		if r.ctx.Err() != nil {
			return -1, r.timeoutErr()
		}
		r.drain(mainPromise)
		d := v.Call(r.tick, undef)
		r.check(d)
		ms := v.Float64(d)
		v.Free(d)
		if ms == 0 {
			continue
		}
		if ms < 0 && r.pending == 0 {
			break
		}
		var timer *time.Timer
		var tc <-chan time.Time
		if ms > 0 {
			timer = time.NewTimer(time.Duration(ms * float64(time.Millisecond)))
			tc = timer.C
		}
		select {
		case <-r.ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return -1, r.timeoutErr()
		case <-tc:
		case f := <-r.completions:
			if timer != nil {
				timer.Stop()
			}
			r.pending--
			f()
		}
	}
	if mainPromise != 0 && v.PromiseState(mainPromise) == vm.PromisePending {
		io.WriteString(r.stderr, "Warning: Detected unsettled top-level await\n")
		return 13, nil
	}
	c := v.Call(r.exitCode, undef)
	r.check(c)
	code := int(v.Float64(c))
	v.Free(c)
	return code, nil
}

// drain runs the microtask queue, then reports unhandled rejections and a rejected main module.
func (r *run) drain(mainPromise vm.Value) {
	v := r.vm
	for {
		u := v.Undefined()
		t := v.Call(r.runTicks, u)
		v.Free(u)
		r.check(t)
		ticked := v.Bool(t)
		v.Free(t)
		for {
			n := v.ExecutePendingJob()
			if n == 0 {
				break
			}
			if n < 0 {
				r.uncaught(v.Exception())
			}
		}
		if !ticked {
			break
		}
	}
	if mainPromise != 0 && v.PromiseState(mainPromise) == vm.PromiseRejected {
		r.uncaught(v.PromiseResult(mainPromise))
	}
	if mainPromise != 0 {
		r.forgetRejection(v.ObjectID(mainPromise))
	}
	for len(r.rejections) > 0 {
		rj := r.rejections[0]
		u := v.Undefined()
		// unhandled prints and exits, or returns true: an 'unhandledRejection' listener handled it.
		res := v.Call(r.unhandled, u, rj.reason, rj.promise)
		r.check(res)
		if !v.IsBool(res) || !v.Bool(res) {
			panic(&vm.CallError{Func: "unhandled", Err: sys.NewExitError(1)})
		}
		v.Free(res)
		r.forgetRejection(rj.id)
	}
}

// check handles an exception result: a pending exception is reported as uncaught (exit 1), or as a
// timeout when the run's context is done.
func (r *run) check(x vm.Value) {
	if r.vm.IsException(x) {
		r.vm.Free(x)
		r.uncaught(r.vm.Exception())
	}
}

// uncaught reports err (an owned box) and ends the run, unless an 'uncaughtException' listener handles it.
func (r *run) uncaught(err vm.Value) {
	if r.ctx.Err() != nil {
		panic(&vm.CallError{Func: "interrupt", Err: sys.NewExitError(sys.ExitCodeDeadlineExceeded)})
	}
	u := r.vm.Undefined()
	if r.fatal != 0 {
		// fatal prints and exits through host exit, or returns true: an 'uncaughtException' listener
		// handled err, and the program goes on.
		res := r.vm.Call(r.fatal, u, err)
		if r.vm.IsException(res) && r.ctx.Err() != nil {
			panic(&vm.CallError{Func: "interrupt", Err: sys.NewExitError(sys.ExitCodeDeadlineExceeded)})
		}
		if r.vm.IsBool(res) && r.vm.Bool(res) {
			r.vm.Free(res)
			r.vm.Free(err)
			return
		}
	} else {
		fmt.Fprintf(r.stderr, "Uncaught %s\n", r.vm.String(err))
	}
	panic(&vm.CallError{Func: "uncaught", Err: sys.NewExitError(1)})
}

func (r *run) promiseRejection(promise, reason vm.Value, handled bool) {
	id := r.vm.ObjectID(promise)
	if handled {
		r.vm.Free(promise)
		r.vm.Free(reason)
		r.forgetRejection(id)
		return
	}
	r.rejections = append(r.rejections, rejection{id: id, promise: promise, reason: reason})
}

func (r *run) forgetRejection(id uint32) {
	for i, rj := range r.rejections {
		if rj.id == id {
			r.vm.Free(rj.promise)
			r.vm.Free(rj.reason)
			r.rejections = append(r.rejections[:i], r.rejections[i+1:]...)
			return
		}
	}
}

// withImportMeta prefixes module source with the assignment of import.meta.url, on the first line so
// that line numbers stay right.
func withImportMeta(src, name string) string {
	u := name
	if strings.HasPrefix(name, "/") {
		u = "file://" + name
	}
	q, _ := json.Marshal(u)
	prefix := "import.meta.url=" + string(q) + ";"
	if strings.HasPrefix(src, "#!") {
		return prefix + "//" + src[2:]
	}
	return prefix + src
}

func (r *run) moduleNormalize(basePtr, namePtr uint32) uint32 {
	base, spec := r.vm.ReadCString(basePtr), r.vm.ReadCString(namePtr)
	key := [2]string{base, spec}
	if resolved, ok := r.norm[key]; ok {
		return r.vm.CString(resolved)
	}
	if r.opts.ModuleLoader == nil {
		r.throwGo(&Error{Message: fmt.Sprintf("Cannot find module '%s' imported from %s", spec, base), Code: "ERR_MODULE_NOT_FOUND"})
		return 0
	}
	src, resolved, err := r.opts.ModuleLoader(spec, base)
	if err != nil {
		r.throwGo(err)
		return 0
	}
	if resolved == "" {
		resolved = spec
	}
	r.norm[key] = resolved
	if _, ok := r.sources[resolved]; !ok {
		r.sources[resolved] = src
	}
	return r.vm.CString(resolved)
}

func (r *run) moduleLoad(namePtr, outLen uint32) uint32 {
	name := r.vm.ReadCString(namePtr)
	src, ok := r.sources[name]
	if !ok {
		r.throwGo(&Error{Message: fmt.Sprintf("Cannot find module '%s'", name), Code: "ERR_MODULE_NOT_FOUND"})
		return 0
	}
	delete(r.sources, name)
	src = withImportMeta(src, name)
	p := r.vm.CString(src)
	r.vm.Memory().WriteUint32Le(outLen, uint32(len(src)))
	return p
}

// throwGo makes err the pending guest exception.
func (r *run) throwGo(err error) {
	v := r.vm
	name, code, msg := "Error", "", err.Error()
	var je *Error
	if errors.As(err, &je) {
		if je.Name != "" {
			name = je.Name
		}
		code, msg = je.Code, je.Message
	}
	u := v.Undefined()
	a, b, c := v.NewString(name), v.NewString(msg), v.NewString(code)
	e := v.Call(r.makeError, u, a, b, c)
	v.Free(a)
	v.Free(b)
	v.Free(c)
	if v.IsException(e) { // already pending (e.g. out of memory)
		v.Free(e)
		return
	}
	v.Throw(e)
	v.Free(e)
}

func funcNames(m map[string]Func) map[string]bool {
	out := map[string]bool{}
	for k, f := range m {
		out[k] = f.Async
	}
	return out
}

var hostFns = map[string]hostFn{
	"srt:write":   (*run).hostWrite,
	"srt:exit":    (*run).hostExit,
	"srt:random":  (*run).hostRandom,
	"srt:encode":  (*run).hostEncode,
	"srt:decode":  (*run).hostDecode,
	"srt:call":    (*run).hostCallFunc,
	"srt:promise": (*run).hostPromise,
	"srt:eval":    (*run).hostEval,
}

func (r *run) hostCall(namePtr, nameLen uint32, this vm.Value, argc, argv uint32) vm.Value {
	name := string(r.vm.Read(namePtr, nameLen))
	args := make([]vm.Value, argc)
	if argc > 0 {
		raw := r.vm.Read(argv, 4*argc)
		for i := range args {
			args[i] = vm.Value(uint32(raw[4*i]) | uint32(raw[4*i+1])<<8 | uint32(raw[4*i+2])<<16 | uint32(raw[4*i+3])<<24)
		}
	}
	f := hostFns[name]
	if f == nil {
		r.throwGo(&Error{Name: "TypeError", Message: "unknown host function " + name})
		return 0
	}
	return f(r, this, args)
}

func arg(args []vm.Value, i int) vm.Value {
	if i < len(args) {
		return args[i]
	}
	return 0
}

// eval(code, filename) evaluates code as a global script named filename (for stack traces) and returns its
// completion value; an exception propagates to the caller.
func (r *run) hostEval(_ vm.Value, args []vm.Value) vm.Value {
	var code, name []byte
	if a := arg(args, 0); a != 0 {
		code, _ = r.vm.StringBytes(a)
	}
	if a := arg(args, 1); a != 0 {
		name, _ = r.vm.StringBytes(a)
	}
	res := r.vm.Eval(string(code), string(name), vm.EvalGlobal)
	if r.vm.IsException(res) {
		r.vm.Free(res)
		e := r.vm.Exception()
		r.vm.Throw(e)
		r.vm.Free(e)
		return 0
	}
	return res
}

// write(fd, data): data is a string or bytes.
func (r *run) hostWrite(_ vm.Value, args []vm.Value) vm.Value {
	w := r.stdout
	if a := arg(args, 0); a != 0 && r.vm.Float64(a) == 2 {
		w = r.stderr
	}
	if d := arg(args, 1); d != 0 {
		var b []byte
		if r.vm.IsString(d) {
			s, _ := r.vm.StringBytes(d)
			b = []byte(vm.ToValidUTF8(s))
		} else {
			b, _ = r.vm.Bytes(d)
		}
		if _, err := w.Write(b); err != nil {
			panic(&outputError{err})
		}
	}
	return r.vm.Undefined()
}

// outputError ends a run whose Stdout or Stderr failed (for example a writer enforcing an output cap).
type outputError struct{ err error }

func (e *outputError) Error() string { return "quickjs: output: " + e.err.Error() }
func (e *outputError) Unwrap() error { return e.err }

// exit(code) ends the run immediately.
func (r *run) hostExit(_ vm.Value, args []vm.Value) vm.Value {
	code := 0
	if a := arg(args, 0); a != 0 {
		code = int(r.vm.Float64(a))
	}
	panic(sys.NewExitError(uint32(int32(code))))
}

// random(view) fills an ArrayBuffer view with random bytes in place.
func (r *run) hostRandom(_ vm.Value, args []vm.Value) vm.Value {
	if a := arg(args, 0); a != 0 {
		if p, n, ok := r.vm.BytesRange(a); ok && n > 0 {
			b := make([]byte, n)
			rand.Read(b)
			r.vm.Memory().Write(p, b)
		}
	}
	return r.vm.Undefined()
}

// encode(string) → Uint8Array of its UTF-8 (lone surrogates → U+FFFD).
func (r *run) hostEncode(_ vm.Value, args []vm.Value) vm.Value {
	var s string
	if a := arg(args, 0); a != 0 {
		b, _ := r.vm.StringBytes(a)
		s = vm.ToValidUTF8(b)
	}
	return r.vm.NewUint8Array([]byte(s))
}

// decode(bytes, fatal, ignoreBOM) → string.
func (r *run) hostDecode(_ vm.Value, args []vm.Value) vm.Value {
	var b []byte
	if a := arg(args, 0); a != 0 {
		b, _ = r.vm.Bytes(a)
	}
	fatal := arg(args, 1) != 0 && r.vm.Bool(arg(args, 1))
	ignoreBOM := arg(args, 2) != 0 && r.vm.Bool(arg(args, 2))
	if !ignoreBOM && len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		b = b[3:]
	}
	if fatal && !utf8.Valid(b) {
		r.throwGo(&Error{Name: "TypeError", Message: "The encoded data was not valid for encoding utf-8", Code: "ERR_ENCODING_INVALID_ENCODED_DATA"})
		return 0
	}
	return r.vm.NewString(vm.ToValidUTF8(b))
}

// promise(p) → [state, result] with state "pending", "fulfilled" or "rejected".
func (r *run) hostPromise(_ vm.Value, args []vm.Value) vm.Value {
	v := r.vm
	arr := v.NewArray()
	p := arg(args, 0)
	if p == 0 || !v.IsPromise(p) {
		return arr
	}
	st := v.NewString([]string{"pending", "fulfilled", "rejected"}[max(0, min(2, v.PromiseState(p)))])
	v.Set(arr, "0", st)
	v.Free(st)
	if v.PromiseState(p) != vm.PromisePending {
		res := v.PromiseResult(p)
		v.Set(arr, "1", res)
		v.Free(res)
	}
	return arr
}

// call(name, ...args) calls a RunOptions.Funcs function.
func (r *run) hostCallFunc(_ vm.Value, args []vm.Value) vm.Value {
	v := r.vm
	if len(args) == 0 {
		return v.Undefined()
	}
	name := v.String(args[0])
	f, ok := r.opts.Funcs[name]
	if !ok || f.Call == nil {
		r.throwGo(&Error{Name: "TypeError", Message: name + " is not a host function"})
		return 0
	}
	goArgs := make([]any, 0, len(args)-1)
	for _, a := range args[1:] {
		x, ok := r.toGo(a)
		if !ok {
			return 0
		}
		goArgs = append(goArgs, x)
	}
	if !f.Async {
		res, err := f.Call(r.funcCtx, goArgs)
		if err != nil {
			r.throwGo(err)
			return 0
		}
		return r.fromGo(res)
	}
	promise, resolve, reject := v.NewPromise()
	r.pending++
	go func() {
		res, err := f.Call(r.funcCtx, goArgs)
		done := func() {
			defer v.Free(resolve)
			defer v.Free(reject)
			u := v.Undefined()
			defer v.Free(u)
			// Resolve with the converted result, or reject with the pending exception: the Go error, or
			// the failure to convert the result.
			settle, arg := resolve, vm.Value(0)
			if err != nil {
				r.throwGo(err)
			} else {
				arg = r.fromGo(res)
			}
			if arg == 0 {
				settle, arg = reject, v.Exception()
			}
			x := v.Call(settle, u, arg)
			v.Free(arg)
			r.check(x)
			v.Free(x)
		}
		select {
		case r.completions <- done:
		case <-r.funcCtx.Done():
		}
	}()
	return promise
}

// toGo converts a guest value for a Func; false if a conversion threw (exception pending).
func (r *run) toGo(a vm.Value) (any, bool) {
	v := r.vm
	switch {
	case v.IsUndefined(a), v.IsNull(a):
		return nil, true
	case v.IsBool(a):
		return v.Bool(a), true
	case v.IsNumber(a):
		return v.Float64(a), true
	case v.IsString(a):
		return v.String(a), true
	}
	if b, ok := v.Bytes(a); ok {
		return b, true
	}
	u := v.Undefined()
	s := v.Call(r.toJSON, u, a)
	v.Free(u)
	if v.IsException(s) {
		v.Free(s)
		return nil, false
	}
	defer v.Free(s)
	if v.IsUndefined(s) {
		return nil, true
	}
	var x any
	if err := json.Unmarshal([]byte(v.String(s)), &x); err != nil {
		r.throwGo(&Error{Name: "TypeError", Message: "cannot pass value to host: " + err.Error()})
		return nil, false
	}
	return x, true
}

// fromGo converts a Func result into a guest value (0 with an exception pending on failure).
func (r *run) fromGo(x any) vm.Value {
	v := r.vm
	switch x := x.(type) {
	case nil:
		return v.Undefined()
	case bool:
		return v.NewBool(x)
	case string:
		return v.NewString(x)
	case []byte:
		return v.NewUint8Array(x)
	case float64:
		return v.NewNumber(x)
	case float32:
		return v.NewNumber(float64(x))
	case int:
		return v.NewNumber(float64(x))
	case int64:
		return v.NewNumber(float64(x))
	case int32:
		return v.NewNumber(float64(x))
	case uint32:
		return v.NewNumber(float64(x))
	case uint64:
		return v.NewNumber(float64(x))
	case map[string]any:
		obj := v.NewObject()
		for k, e := range x {
			ev := r.fromGo(e)
			if ev == 0 {
				v.Free(obj)
				return 0
			}
			v.Set(obj, k, ev)
			v.Free(ev)
		}
		return obj
	case []any:
		arr := v.NewArray()
		for i, e := range x {
			ev := r.fromGo(e)
			if ev == 0 {
				v.Free(arr)
				return 0
			}
			v.Set(arr, strconv.Itoa(i), ev)
			v.Free(ev)
		}
		return arr
	}
	var j []byte
	if raw, ok := x.(json.RawMessage); ok {
		j = raw
	} else {
		var err error
		if j, err = json.Marshal(x); err != nil {
			r.throwGo(&Error{Name: "TypeError", Message: "cannot pass host value to guest: " + err.Error()})
			return 0
		}
	}
	u := v.Undefined()
	s := v.NewString(string(j))
	res := v.Call(r.fromJSON, u, s)
	v.Free(s)
	v.Free(u)
	if v.IsException(res) {
		v.Free(res)
		return 0
	}
	return res
}

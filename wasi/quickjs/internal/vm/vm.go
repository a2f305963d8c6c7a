// Package vm is a thin Go binding of the quickjs-wasi reactor ABI (see runtimes/js/README.md): value boxes,
// strings, calls, promises and the job queue of one instantiated quickjs.wasm.
//
// Every exported-function call runs with the context given to New. A failed call (trap, process exit,
// closed module) panics with a *CallError; the driver recovers it at the top of a run, and inside host
// functions the panic travels through wazero, which returns it from the outermost call.
package vm

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"
)

// Value is a pointer to a heap-allocated JSValue box in guest memory. 0 is "no value" (for example the
// result of a host function that threw). Boxes returned by VM methods are owned by the caller, who frees
// them with Free, unless stated otherwise.
type Value uint32

// Eval flags (quickjs.h JS_EVAL_*).
const (
	EvalGlobal      = 0
	EvalModule      = 1 << 0
	EvalStrict      = 1 << 3
	EvalCompileOnly = 1 << 5
	EvalAsync       = 1 << 7
)

// Promise states (JSPromiseStateEnum).
const (
	PromisePending   = 0
	PromiseFulfilled = 1
	PromiseRejected  = 2
)

// CallError is the panic value of a failed call into the guest.
type CallError struct {
	Func string
	Err  error
}

func (e *CallError) Error() string { return fmt.Sprintf("quickjs: %s: %v", e.Func, e.Err) }
func (e *CallError) Unwrap() error { return e.Err }

// fn is an export of the engine. Any export may be re-entered: the guest calls a host function, which
// calls back into the guest (a timer callback runs through qjs_call and passes an object to a host
// function, whose conversion calls qjs_call again; a CommonJS wrapper evaluates inside an evaluation).
// wazero's api.Function must not be re-entered (its call stack would be overwritten), so each nesting
// level calls the export through an api.Function of its own.
type fn struct {
	name string
	f    api.Function
	*nesting
}

type nesting struct {
	depth  int            // calls of this export running
	nested []api.Function // for nesting levels 1, 2, …
}

// VM is one instantiated engine. It is not safe for concurrent use: all calls happen on the goroutine that
// drives the run (host functions are called back on that same goroutine).
type VM struct {
	ctx context.Context
	mod api.Module
	mem api.Memory

	scratch uint32 // 16 bytes of guest memory for out-parameters

	malloc, free, freeValue, dupValue, eval, call, callConstructor,
	newString, newNumber, newObject, newArray, getUndefined, getNull, getTrue, getFalse,
	getFloat64, getStringLen, freeCString, getBool,
	isException, isUndefined, isNull, isBool, isNumber, isString, isObject, isArray, isFunction, isError,
	isPromise, isArrayBuffer, isBigInt, isSymbol,
	getGlobal, getPropString, setPropString, getPropUint32,
	newHostFunction, newPromise, promiseState, promiseResult, promiseMarkHandled,
	isJobPending, executePendingJob, getException, throw,
	getValuePtr, newUint8Array, newArrayBuffer, getArrayBuffer, getTypedArrayBuffer,
	setMemoryLimit, setMaxStackSize, setInterruptHandler, setRejectionHandler, setModuleLoader,
	runGC, compile, evalBytecode fn
}

// New binds the exports of an instantiated quickjs.wasm (after _initialize) and initialises the engine
// (qjs_init). ctx is used for every later call.
func New(ctx context.Context, mod api.Module) (*VM, error) {
	v := &VM{ctx: ctx, mod: mod, mem: mod.Memory()}
	if v.mem == nil {
		return nil, fmt.Errorf("quickjs: module exports no memory")
	}
	bind := map[*fn]string{
		&v.malloc: "wasm_malloc", &v.free: "wasm_free", &v.freeValue: "qjs_free_value",
		&v.dupValue: "qjs_dup_value", &v.eval: "qjs_eval", &v.call: "qjs_call",
		&v.callConstructor: "qjs_call_constructor",
		&v.newString:       "qjs_new_string", &v.newNumber: "qjs_new_number", &v.newObject: "qjs_new_object",
		&v.newArray: "qjs_new_array", &v.getUndefined: "qjs_get_undefined", &v.getNull: "qjs_get_null",
		&v.getTrue: "qjs_get_true", &v.getFalse: "qjs_get_false", &v.getFloat64: "qjs_get_float64",
		&v.getStringLen: "qjs_get_string_len", &v.freeCString: "qjs_free_cstring", &v.getBool: "qjs_get_bool",
		&v.isException: "qjs_is_exception", &v.isUndefined: "qjs_is_undefined", &v.isNull: "qjs_is_null",
		&v.isBool: "qjs_is_bool", &v.isNumber: "qjs_is_number", &v.isString: "qjs_is_string",
		&v.isObject: "qjs_is_object", &v.isArray: "qjs_is_array", &v.isFunction: "qjs_is_function",
		&v.isError: "qjs_is_error", &v.isPromise: "qjs_is_promise", &v.isArrayBuffer: "qjs_is_array_buffer",
		&v.isBigInt: "qjs_is_big_int", &v.isSymbol: "qjs_is_symbol",
		&v.getGlobal: "qjs_get_global", &v.getPropString: "qjs_get_prop_string",
		&v.setPropString: "qjs_set_prop_string", &v.getPropUint32: "qjs_get_prop_uint32",
		&v.newHostFunction: "qjs_new_host_function", &v.newPromise: "qjs_new_promise",
		&v.promiseState: "qjs_promise_state", &v.promiseResult: "qjs_promise_result",
		&v.promiseMarkHandled: "qjs_promise_mark_as_handled", &v.isJobPending: "qjs_is_job_pending",
		&v.executePendingJob: "qjs_execute_pending_job", &v.getException: "qjs_get_exception",
		&v.throw: "qjs_throw", &v.getValuePtr: "qjs_get_value_ptr", &v.newUint8Array: "qjs_new_uint8_array",
		&v.newArrayBuffer: "qjs_new_array_buffer", &v.getArrayBuffer: "qjs_get_array_buffer",
		&v.getTypedArrayBuffer: "qjs_get_typed_array_buffer", &v.setMemoryLimit: "qjs_set_memory_limit",
		&v.setMaxStackSize: "qjs_set_max_stack_size", &v.setInterruptHandler: "qjs_set_interrupt_handler",
		&v.setRejectionHandler: "qjs_set_promise_rejection_handler",
		&v.setModuleLoader:     "qjs_set_module_loader", &v.runGC: "qjs_run_gc",
		&v.compile: "qjs_compile", &v.evalBytecode: "qjs_eval_bytecode",
	}
	for p, name := range bind {
		f := mod.ExportedFunction(name)
		if f == nil {
			return nil, fmt.Errorf("quickjs: module does not export %s", name)
		}
		*p = fn{name: name, f: f, nesting: &nesting{}}
	}
	initFn := mod.ExportedFunction("qjs_init")
	if initFn == nil {
		return nil, fmt.Errorf("quickjs: module does not export qjs_init")
	}
	res, err := initFn.Call(ctx)
	if err != nil {
		return nil, fmt.Errorf("quickjs: qjs_init: %w", err)
	}
	if int32(res[0]) != 0 {
		return nil, fmt.Errorf("quickjs: qjs_init failed (%d)", int32(res[0]))
	}
	v.scratch = v.Malloc(16)
	if v.scratch == 0 {
		return nil, fmt.Errorf("quickjs: cannot allocate scratch memory")
	}
	return v, nil
}

func (v *VM) c(f fn, args ...uint64) uint64 {
	call := f.f
	if d := f.depth; d > 0 {
		for len(f.nested) < d {
			f.nested = append(f.nested, v.mod.ExportedFunction(f.name))
		}
		call = f.nested[d-1]
	}
	f.depth++
	res, err := call.Call(v.ctx, args...)
	f.depth--
	if err != nil {
		panic(&CallError{Func: f.name, Err: err})
	}
	if len(res) == 0 {
		return 0
	}
	return res[0]
}

func (v *VM) cv(f fn, args ...uint64) Value { return Value(uint32(v.c(f, args...))) }

func (v *VM) ci(f fn, args ...uint64) int32 { return int32(uint32(v.c(f, args...))) }

// Memory returns the guest memory.
func (v *VM) Memory() api.Memory { return v.mem }

// Malloc allocates n bytes of guest memory (wasm_malloc); 0 on failure.
func (v *VM) Malloc(n int) uint32 { return uint32(v.c(v.malloc, uint64(n))) }

// MallocFree releases memory from Malloc.
func (v *VM) MallocFree(p uint32) { v.c(v.free, uint64(p)) }

// Free releases a box and its reference. Free(0) is a no-op.
func (v *VM) Free(val Value) {
	if val != 0 {
		v.c(v.freeValue, uint64(val))
	}
}

// Dup returns a new box holding another reference to val.
func (v *VM) Dup(val Value) Value { return v.cv(v.dupValue, uint64(val)) }

// writeBytes copies b into freshly malloc'd guest memory with a trailing NUL.
func (v *VM) writeBytes(b []byte) uint32 {
	p := v.Malloc(len(b) + 1)
	if p == 0 {
		panic(&CallError{Func: "wasm_malloc", Err: fmt.Errorf("out of guest memory allocating %d bytes", len(b)+1)})
	}
	if !v.mem.Write(p, b) || !v.mem.WriteByte(p+uint32(len(b)), 0) {
		panic(&CallError{Func: "wasm_malloc", Err: fmt.Errorf("write out of range")})
	}
	return p
}

// CString copies s into guest memory as a NUL-terminated string; the caller frees it with MallocFree.
func (v *VM) CString(s string) uint32 { return v.writeBytes([]byte(s)) }

// ReadCString reads a NUL-terminated string from guest memory.
func (v *VM) ReadCString(p uint32) string {
	var b []byte
	for {
		c, ok := v.mem.ReadByte(p)
		if !ok || c == 0 {
			return string(b)
		}
		b = append(b, c)
		p++
	}
}

// Read copies n bytes at p out of guest memory.
func (v *VM) Read(p, n uint32) []byte {
	b, ok := v.mem.Read(p, n)
	if !ok {
		panic(&CallError{Func: "memory", Err: fmt.Errorf("read [%d,+%d) out of range", p, n)})
	}
	return append([]byte(nil), b...)
}

func (v *VM) u32(p uint32) uint32 {
	x, ok := v.mem.ReadUint32Le(p)
	if !ok {
		panic(&CallError{Func: "memory", Err: fmt.Errorf("read at %d out of range", p)})
	}
	return x
}

// Eval evaluates code (see the Eval* flags). The result may be an exception marker (IsException). It may
// be called from a host function while an outer Eval is running (as for a CommonJS module wrapper).
func (v *VM) Eval(code, filename string, flags int) Value {
	cp := v.writeBytes([]byte(code))
	fp := v.CString(filename)
	r := v.cv(v.eval, uint64(cp), uint64(len(code)), uint64(fp), uint64(flags))
	v.MallocFree(cp)
	v.MallocFree(fp)
	return r
}

// Call calls f with this and args; the result may be an exception marker.
func (v *VM) Call(f, this Value, args ...Value) Value {
	var argv uint32
	if len(args) > 0 {
		argv = v.Malloc(4 * len(args))
		if argv == 0 {
			panic(&CallError{Func: "wasm_malloc", Err: fmt.Errorf("out of guest memory")})
		}
		buf := make([]byte, 4*len(args))
		for i, a := range args {
			binary.LittleEndian.PutUint32(buf[4*i:], uint32(a))
		}
		v.mem.Write(argv, buf)
	}
	r := v.cv(v.call, uint64(f), uint64(this), uint64(len(args)), uint64(argv))
	if argv != 0 {
		v.MallocFree(argv)
	}
	return r
}

// New calls f as a constructor.
func (v *VM) New(f Value, args ...Value) Value {
	var argv uint32
	if len(args) > 0 {
		argv = v.Malloc(4 * len(args))
		buf := make([]byte, 4*len(args))
		for i, a := range args {
			binary.LittleEndian.PutUint32(buf[4*i:], uint32(a))
		}
		v.mem.Write(argv, buf)
	}
	r := v.cv(v.callConstructor, uint64(f), uint64(len(args)), uint64(argv))
	if argv != 0 {
		v.MallocFree(argv)
	}
	return r
}

// Exception takes the pending exception of the context.
func (v *VM) Exception() Value { return v.cv(v.getException) }

// Throw sets err as the pending exception (the caller keeps its box).
func (v *VM) Throw(err Value) { v.Free(v.cv(v.throw, uint64(err))) }

func (v *VM) IsException(x Value) bool   { return v.ci(v.isException, uint64(x)) != 0 }
func (v *VM) IsUndefined(x Value) bool   { return v.ci(v.isUndefined, uint64(x)) != 0 }
func (v *VM) IsNull(x Value) bool        { return v.ci(v.isNull, uint64(x)) != 0 }
func (v *VM) IsBool(x Value) bool        { return v.ci(v.isBool, uint64(x)) != 0 }
func (v *VM) IsNumber(x Value) bool      { return v.ci(v.isNumber, uint64(x)) != 0 }
func (v *VM) IsString(x Value) bool      { return v.ci(v.isString, uint64(x)) != 0 }
func (v *VM) IsObject(x Value) bool      { return v.ci(v.isObject, uint64(x)) != 0 }
func (v *VM) IsArray(x Value) bool       { return v.ci(v.isArray, uint64(x)) != 0 }
func (v *VM) IsFunction(x Value) bool    { return v.ci(v.isFunction, uint64(x)) != 0 }
func (v *VM) IsError(x Value) bool       { return v.ci(v.isError, uint64(x)) != 0 }
func (v *VM) IsPromise(x Value) bool     { return v.ci(v.isPromise, uint64(x)) != 0 }
func (v *VM) IsArrayBuffer(x Value) bool { return v.ci(v.isArrayBuffer, uint64(x)) != 0 }
func (v *VM) IsBigInt(x Value) bool      { return v.ci(v.isBigInt, uint64(x)) != 0 }
func (v *VM) IsSymbol(x Value) bool      { return v.ci(v.isSymbol, uint64(x)) != 0 }

// Bool converts x with ToBoolean.
func (v *VM) Bool(x Value) bool { return v.ci(v.getBool, uint64(x)) != 0 }

// Float64 converts x with ToNumber.
func (v *VM) Float64(x Value) float64 { return math.Float64frombits(v.c(v.getFloat64, uint64(x))) }

// StringBytes converts x with ToString and returns its WTF-8 bytes; ok is false if the conversion threw
// (the exception is left pending).
func (v *VM) StringBytes(x Value) (b []byte, ok bool) {
	p := uint32(v.c(v.getStringLen, uint64(x), uint64(v.scratch)))
	if p == 0 {
		return nil, false
	}
	n := v.u32(v.scratch)
	b = v.Read(p, n)
	v.c(v.freeCString, uint64(p))
	return b, true
}

// String converts x with ToString; lone surrogates become U+FFFD. A throwing conversion gives "".
func (v *VM) String(x Value) string {
	b, _ := v.StringBytes(x)
	return ToValidUTF8(b)
}

// ToValidUTF8 turns WTF-8 (or any bytes) into valid UTF-8, replacing each invalid sequence (including
// encoded surrogates) with U+FFFD.
func ToValidUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			// An encoded surrogate (ED A0..BF xx) is one 3-byte invalid sequence: replace it once.
			if len(b) >= 3 && b[0] == 0xED && b[1] >= 0xA0 && b[1] <= 0xBF && b[2]&0xC0 == 0x80 {
				n = 3
			} else {
				n = 1
			}
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return string(out)
}

// NewString creates a string value from UTF-8 (or WTF-8) text.
func (v *VM) NewString(s string) Value {
	p := v.writeBytes([]byte(s))
	r := v.cv(v.newString, uint64(p), uint64(len(s)))
	v.MallocFree(p)
	return r
}

func (v *VM) NewNumber(f float64) Value { return v.cv(v.newNumber, math.Float64bits(f)) }
func (v *VM) NewObject() Value          { return v.cv(v.newObject) }
func (v *VM) NewArray() Value           { return v.cv(v.newArray) }
func (v *VM) Undefined() Value          { return v.cv(v.getUndefined) }
func (v *VM) Null() Value               { return v.cv(v.getNull) }

// NewBool returns true or false.
func (v *VM) NewBool(b bool) Value {
	if b {
		return v.cv(v.getTrue)
	}
	return v.cv(v.getFalse)
}

// Global returns the global object.
func (v *VM) Global() Value { return v.cv(v.getGlobal) }

// Get reads obj[name]; the result may be an exception marker.
func (v *VM) Get(obj Value, name string) Value {
	p := v.CString(name)
	r := v.cv(v.getPropString, uint64(obj), uint64(p))
	v.MallocFree(p)
	return r
}

// Index reads obj[i].
func (v *VM) Index(obj Value, i uint32) Value { return v.cv(v.getPropUint32, uint64(obj), uint64(i)) }

// Set assigns obj[name] = val (val's box stays the caller's); false if it threw.
func (v *VM) Set(obj Value, name string, val Value) bool {
	p := v.CString(name)
	r := v.ci(v.setPropString, uint64(obj), uint64(p), uint64(val))
	v.MallocFree(p)
	return r >= 0
}

// NewHostFunction creates a function whose calls arrive at the host_call import with this name.
func (v *VM) NewHostFunction(name string) Value {
	p := v.writeBytes([]byte(name))
	r := v.cv(v.newHostFunction, uint64(p), uint64(len(name)), 0)
	v.MallocFree(p)
	return r
}

// NewPromise creates a pending promise and its resolving functions.
func (v *VM) NewPromise() (promise, resolve, reject Value) {
	promise = v.cv(v.newPromise, uint64(v.scratch), uint64(v.scratch+4))
	return promise, Value(v.u32(v.scratch)), Value(v.u32(v.scratch + 4))
}

// PromiseState is one of the Promise* constants (or -1 for a non-promise).
func (v *VM) PromiseState(p Value) int { return int(v.ci(v.promiseState, uint64(p))) }

// PromiseResult is the settled value of p.
func (v *VM) PromiseResult(p Value) Value { return v.cv(v.promiseResult, uint64(p)) }

// MarkHandled stops the rejection tracker from reporting p.
func (v *VM) MarkHandled(p Value) { v.c(v.promiseMarkHandled, uint64(p)) }

// JobPending reports whether the microtask queue is non-empty.
func (v *VM) JobPending() bool { return v.ci(v.isJobPending) != 0 }

// ExecutePendingJob runs one job: 1 ran, 0 none, <0 the job threw (exception pending).
func (v *VM) ExecutePendingJob() int { return int(v.ci(v.executePendingJob)) }

// ObjectID identifies the object (or string) x refers to; 0 for other values.
func (v *VM) ObjectID(x Value) uint32 { return uint32(v.c(v.getValuePtr, uint64(x))) }

// NewUint8Array creates a Uint8Array holding a copy of b.
func (v *VM) NewUint8Array(b []byte) Value {
	p := v.writeBytes(b)
	r := v.cv(v.newUint8Array, uint64(p), uint64(len(b)))
	v.MallocFree(p)
	return r
}

// BytesRange locates the bytes of an ArrayBuffer or an ArrayBuffer view (typed array, DataView) in guest
// memory. ok is false for other values (no exception is left pending).
func (v *VM) BytesRange(x Value) (ptr, n uint32, ok bool) {
	if v.IsArrayBuffer(x) {
		p := uint32(v.c(v.getArrayBuffer, uint64(x), uint64(v.scratch)))
		if p == 0 {
			return 0, 0, v.u32(v.scratch) == 0
		}
		return p, v.u32(v.scratch), true
	}
	if !v.IsObject(x) {
		return 0, 0, false
	}
	ab := v.cv(v.getTypedArrayBuffer, uint64(x), uint64(v.scratch), uint64(v.scratch+4), uint64(v.scratch+8))
	defer v.Free(ab)
	if v.IsException(ab) {
		v.Free(v.Exception())
		return 0, 0, false
	}
	off, length := v.u32(v.scratch), v.u32(v.scratch+4)
	p := uint32(v.c(v.getArrayBuffer, uint64(ab), uint64(v.scratch)))
	if p == 0 {
		return 0, 0, length == 0
	}
	return p + off, length, true
}

// Bytes copies the bytes of an ArrayBuffer or view.
func (v *VM) Bytes(x Value) ([]byte, bool) {
	p, n, ok := v.BytesRange(x)
	if !ok {
		return nil, false
	}
	if n == 0 {
		return []byte{}, true
	}
	return v.Read(p, n), true
}

// SetMemoryLimit limits the engine's heap (0: unlimited).
func (v *VM) SetMemoryLimit(n uint32) { v.c(v.setMemoryLimit, uint64(n)) }

// SetMaxStackSize limits the JS stack.
func (v *VM) SetMaxStackSize(n uint32) { v.c(v.setMaxStackSize, uint64(n)) }

// EnableHooks turns on the host_interrupt, host_promise_rejection and module loader imports.
func (v *VM) EnableHooks() {
	v.c(v.setInterruptHandler, 1)
	v.c(v.setRejectionHandler, 1)
	v.c(v.setModuleLoader, 1)
}

// RunGC runs the garbage collector.
func (v *VM) RunGC() { v.c(v.runGC) }

// Compile compiles code to bytecode without running it; ok is false on a syntax error (exception
// pending).
func (v *VM) Compile(code, filename string, flags int) (bytecode []byte, ok bool) {
	cp := v.writeBytes([]byte(code))
	fp := v.CString(filename)
	p := uint32(v.c(v.compile, uint64(cp), uint64(len(code)), uint64(fp), uint64(flags), 0, uint64(v.scratch)))
	v.MallocFree(cp)
	v.MallocFree(fp)
	if p == 0 {
		return nil, false
	}
	b := v.Read(p, v.u32(v.scratch))
	v.MallocFree(p)
	return b, true
}

// EvalBytecode runs bytecode from Compile; the result may be an exception marker.
func (v *VM) EvalBytecode(b []byte) Value {
	p := v.writeBytes(b)
	r := v.cv(v.evalBytecode, uint64(p), uint64(len(b)))
	v.MallocFree(p)
	return r
}

package quickjs

import (
	"context"
	"strings"

	"github.com/tetratelabs/wazero/api"

	"github.com/srt-sandbox/srt/wasi/quickjs/internal/vm"
)

// Limits of syntax checks: sources longer than maxCheckSource are not checked, and the checking instance
// has a heap of checkHeap bytes in a wasm memory of checkMemory bytes.
const (
	maxCheckSource = 4 << 20
	checkHeap      = 128 << 20
	checkMemory    = 256 << 20
)

// checker is an instance kept for syntax checks; it is replaced after checkReuse checks (compiled modules
// may stay registered in it).
type checker struct {
	mod  api.Module
	v    *vm.VM
	uses int
}

const checkReuse = 256

// Parses reports whether code compiles, as an ES module if module is set and as a global script
// otherwise, without running it:
//
//	esm := !rt.Parses(ctx, cjsWrapped, name, false) && rt.Parses(ctx, src, name, true) // Node's detection
//
// Checks run in an instance of their own, kept for the next check and unaffected by (and not affecting)
// any Run; ctx only bounds the wait for a concurrent check. Sources over 4 MiB are not checked (false).
func (rt *Runtime) Parses(ctx context.Context, code, filename string, module bool) (ok bool) {
	if len(code) > maxCheckSource {
		return false
	}
	select {
	case rt.checkMu <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	defer func() { <-rt.checkMu }()
	defer func() {
		if p := recover(); p != nil {
			if _, isCall := p.(*vm.CallError); !isCall {
				panic(p)
			}
			// A trap (say, the C stack of a pathological source): start again with a fresh instance.
			rt.check.mod.Close(context.Background())
			rt.check = nil
			ok = false
		}
	}()
	if rt.check != nil && rt.check.uses >= checkReuse {
		rt.check.mod.Close(context.Background())
		rt.check = nil
	}
	if rt.check == nil {
		c, err := rt.newChecker()
		if err != nil {
			return false
		}
		rt.check = c
	}
	rt.check.uses++
	v := rt.check.v
	flags := vm.EvalGlobal
	if module {
		flags = vm.EvalModule
	}
	if _, ok := v.Compile(code, filename, flags); ok {
		return true
	}
	// A module that parsed still fails to compile here when it imports anything: the checker has no
	// module loader (QuickJS loads a module's imports as it compiles it, after parsing all of it).
	e := v.Exception()
	msg := v.String(e)
	v.Free(e)
	return module && strings.HasPrefix(msg, "ReferenceError: could not load module")
}

func (rt *Runtime) newChecker() (*checker, error) {
	// The instance outlives any caller's context: its calls carry a background one. No hooks are enabled.
	mod, v, err := rt.bareVM(context.Background(), checkMemory)
	if err != nil {
		return nil, err
	}
	v.SetMemoryLimit(checkHeap)
	if g := mod.ExportedGlobal("__stack_pointer"); g != nil {
		if size := uint32(g.Get()); size > 0 {
			v.SetMaxStackSize(cStackLimit(size))
		}
	}
	return &checker{mod: mod, v: v}, nil
}

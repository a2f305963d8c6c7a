package wasi

import (
	"context"
	"encoding/binary"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// exitCodeCanceled ends a guest whose run's context is done while it waits in the host.
const exitCodeCanceled = 124

// WASI errno values used by the functions srt exports in place of wazero's.
const (
	errnoSuccess = 0
	errnoFault   = 21
	errnoInval   = 28
	errnoNotsup  = 58
)

const (
	clockRealtime  = 0
	clockMonotonic = 1
	clockProcess   = 2
	clockThread    = 3

	eventClock   = 0
	eventFdRead  = 1
	eventFdWrite = 2

	subscriptionClockAbstime = 1
)

// monoBase anchors the guest's monotonic clock; only differences matter.
var monoBase = time.Now()

func monotonic() uint64 { return uint64(time.Since(monoBase)) }

// exportTime replaces wazero's clock_time_get and poll_oneoff: CPython's time.sleep uses an absolute
// clock subscription, which wazero v1.12 rejects (ENOTSUP), and a blocking poll must end when the run's
// context does.
func exportTime(b wazero.HostModuleBuilder) {
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(clockTimeGet),
		[]api.ValueType{api.ValueTypeI32, api.ValueTypeI64, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}).
		WithParameterNames("id", "precision", "result.timestamp").Export("clock_time_get")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(pollOneoff),
		[]api.ValueType{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32},
		[]api.ValueType{api.ValueTypeI32}).
		WithParameterNames("in", "out", "nsubscriptions", "result.nevents").Export("poll_oneoff")
}

func now(id uint32) (uint64, bool) {
	switch id {
	case clockRealtime:
		return uint64(time.Now().UnixNano()), true
	case clockMonotonic, clockProcess, clockThread:
		return monotonic(), true
	}
	return 0, false
}

func clockTimeGet(_ context.Context, mod api.Module, stack []uint64) {
	t, ok := now(uint32(stack[0]))
	if !ok {
		stack[0] = errnoInval
		return
	}
	if !mod.Memory().WriteUint64Le(uint32(stack[2]), t) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}

// pollOneoff handles clock subscriptions (relative and absolute) by sleeping, and reports every file
// descriptor subscription ready at once: srt's guest files never block on readiness (network sockets
// are polled through the /.srt/net/poll virtual file, see net.go).
func pollOneoff(ctx context.Context, mod api.Module, stack []uint64) {
	in, out, n, resultN := uint32(stack[0]), uint32(stack[1]), uint32(stack[2]), uint32(stack[3])
	if n == 0 {
		stack[0] = errnoInval
		return
	}
	mem := mod.Memory()
	subs, ok := mem.Read(in, n*48)
	if !ok {
		stack[0] = errnoFault
		return
	}
	subs = append([]byte(nil), subs...)
	le := binary.LittleEndian
	var (
		events   []byte
		fdReady  int
		deadline time.Time
		haveTime bool
	)
	type clk struct {
		userdata []byte
		at       time.Time
	}
	var clocks []clk
	for i := uint32(0); i < n; i++ {
		s := subs[i*48 : i*48+48]
		ev := make([]byte, 32)
		copy(ev[0:8], s[0:8])
		ev[10] = s[8]
		switch s[8] {
		case eventClock:
			id := le.Uint32(s[16:])
			timeout := le.Uint64(s[24:])
			flags := le.Uint16(s[40:])
			cur, ok := now(id)
			if !ok {
				le.PutUint16(ev[8:], errnoInval)
				events = append(events, ev...)
				fdReady++
				continue
			}
			d := time.Duration(timeout)
			if flags&subscriptionClockAbstime != 0 {
				if timeout > cur {
					d = time.Duration(timeout - cur)
				} else {
					d = 0
				}
			}
			at := time.Now().Add(d)
			clocks = append(clocks, clk{s[0:8], at})
			if !haveTime || at.Before(deadline) {
				deadline, haveTime = at, true
			}
		case eventFdRead, eventFdWrite:
			le.PutUint64(ev[16:], 1)
			events = append(events, ev...)
			fdReady++
		default:
			le.PutUint16(ev[8:], errnoInval)
			events = append(events, ev...)
			fdReady++
		}
	}
	if fdReady == 0 && haveTime {
		if d := time.Until(deadline); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				// End the guest as proc_exit does: CPython retries an interrupted sleep (PEP 475), so an
				// EINTR would only make it spin.
				_ = mod.CloseWithExitCode(context.Background(), exitCodeCanceled)
				panic(sys.NewExitError(exitCodeCanceled))
			}
		}
	}
	nowT := time.Now()
	for _, c := range clocks {
		if !c.at.After(nowT) {
			ev := make([]byte, 32)
			copy(ev[0:8], c.userdata)
			ev[10] = eventClock
			events = append(events, ev...)
		}
	}
	if !mem.Write(out, events) || !mem.WriteUint32Le(resultN, uint32(len(events)/32)) {
		stack[0] = errnoFault
		return
	}
	stack[0] = errnoSuccess
}

var _ = errnoNotsup

package wasi

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/srt-sandbox/srt/host/policy"
)

// spinModule is (module (func (export "_start") (loop br 0))): a guest that never returns by itself.
var spinModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
	0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
	0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
	0x07, 0x0a, 0x01, 0x06, '_', 's', 't', 'a', 'r', 't', 0x00, 0x00, // export "_start"
	0x0a, 0x09, 0x01, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, // code: loop br 0 end end
}

// TestInterruptBusyLoops checks that an engine compiled with InterruptBusyLoops stops a busy guest when
// the run's context ends, and that Run returns only after it has stopped: nothing of the run is left
// (the embedding case; srt's CLI instead exits the process). It runs in a child process: a guest that
// keeps spinning would also stop the Go runtime at its next stop-the-world, so a regression has to be
// observed from outside.
func TestInterruptBusyLoops(t *testing.T) {
	if os.Getenv("SRT_TEST_SPIN_CHILD") == "1" {
		spinChild(t)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestInterruptBusyLoops$", "-test.v")
	cmd.Env = append(os.Environ(), "SRT_TEST_SPIN_CHILD=1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the child did not finish in 2 minutes (a guest kept running?):\n%s", out)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestInterruptBusyLoops/cancel") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func spinChild(t *testing.T) {
	ctx := context.Background()
	e, err := NewEngine(ctx, spinModule, Config{InterruptBusyLoops: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(ctx)
	pol, err := policy.New(&policy.Settings{}, policy.Env{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		end  func(context.Context) (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline", func(c context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(c, 200*time.Millisecond)
		}, ErrTimeout},
		{"cancel", func(c context.Context) (context.Context, context.CancelFunc) {
			c, cancel := context.WithCancel(c)
			time.AfterFunc(200*time.Millisecond, cancel)
			return c, cancel
		}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			rctx, cancel := tc.end(ctx)
			defer cancel()
			_, err := e.Run(rctx, RunConfig{Args: []string{"spin"}, Policy: pol})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Run = %v, want %v", err, tc.want)
			}
			// The guest's goroutine has ended (allow the runtime a moment for its own helpers).
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before {
				fmt.Printf("FAIL: %d goroutines after Run returned, %d before\n", n, before)
				os.Exit(1) // (the spinning guest would block anything that stops the world)
			}
		})
	}
}

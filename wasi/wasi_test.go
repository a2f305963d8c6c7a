package wasi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/srt-sandbox/srt/host/policy"
	"github.com/srt-sandbox/srt/runtimes/python"
	"github.com/srt-sandbox/srt/wasi/pyshim"
)

// Compiling python.wasm takes ~40 s under the race detector: one Engine per test binary, with the
// compilation cache shared with runtimes/python's tests (same runtime configuration, same cache entries).
var testEngine *Engine

func testCacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		p := filepath.Join(d, "srt-test", "wazero")
		if os.MkdirAll(p, 0o700) == nil {
			return p
		}
	}
	p, _ := os.MkdirTemp("", "srt-test-wazero-")
	return p
}

func TestMain(m *testing.M) {
	var err error
	testEngine, err = NewEngine(context.Background(), python.Module(), Config{
		CacheDir: testCacheDir(),
		Snapshot: &Snapshot{Preinit: "srt_preinit", Run: "srt_run", Key: "wasi-test-" + pyshim.Hash()},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testEngine.Close(context.Background())
	os.Exit(code)
}

type result struct {
	out, err string
	code     int
	runErr   error
}

func run(t *testing.T, ctx context.Context, rc RunConfig, args ...string) result {
	t.Helper()
	var out, errb syncBuf
	rc.Args = append([]string{python.Prefix + "/bin/python3"}, args...)
	rc.Stdout, rc.Stderr = &out, &errb
	rc.Trees = []Tree{{Prefix: python.Prefix, FS: python.Stdlib()}, {Prefix: python.Prefix + "/lib/python3.11", FS: pyshim.FS()}}
	if rc.Files == nil {
		wd, _ := os.Getwd()
		rc.Files = map[string][]byte{"cwd": []byte(wd)}
	}
	code, err := testEngine.Run(ctx, rc)
	return result{out.String(), errb.String(), code, err}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestRunSnapshotAndStart(t *testing.T) {
	for _, noSnap := range []bool{false, true} {
		r := run(t, context.Background(), RunConfig{NoSnapshot: noSnap, Env: []string{"A=b"}},
			"-c", "import os, sys; print(os.environ['A'], sys.argv[1:]); sys.exit(3)", "x")
		if r.runErr != nil || r.code != 3 || r.out != "b ['x']\n" {
			t.Errorf("NoSnapshot=%v: %+v", noSnap, r)
		}
	}
}

func TestSleepAndClock(t *testing.T) {
	start := time.Now()
	r := run(t, context.Background(), RunConfig{}, "-c",
		"import time; a = time.monotonic(); time.sleep(0.15); print(round(time.monotonic() - a, 1))")
	if r.code != 0 || r.out != "0.2\n" && r.out != "0.1\n" || time.Since(start) < 150*time.Millisecond {
		t.Errorf("%+v after %v", r, time.Since(start))
	}
}

func TestContextEndsRun(t *testing.T) {
	// Only blocking calls: a busy guest is not interrupted (see the package documentation); it would keep
	// its goroutine, and stop the world for the garbage collector, for the rest of this test binary.
	for _, code := range []string{"import time; time.sleep(100)", "import select; select.select([], [], [], 100)"} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		r := run(t, ctx, RunConfig{}, "-c", code)
		cancel()
		if !errors.Is(r.runErr, ErrTimeout) || time.Since(start) > 30*time.Second { // the call itself takes 100 s
			t.Errorf("%q: %+v after %v", code, r, time.Since(start))
		}
	}
}

func TestFilesystemDenialsRecorded(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	os.WriteFile(filepath.Join(dir, "secret"), []byte("s3cr3t"), 0o600)
	pol, err := policy.New(&policy.Settings{Filesystem: policy.FilesystemSettings{
		DenyRead: []string{filepath.Join(dir, "secret")}, AllowWrite: []string{filepath.Join(dir, "w")}}}, policy.Env{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "w"), 0o755)
	var mu sync.Mutex
	var events []policy.Event
	rec := policy.RecorderFunc(func(e policy.Event) { mu.Lock(); events = append(events, e); mu.Unlock() })
	r := run(t, context.Background(), RunConfig{Policy: pol, Recorder: rec, Backend: "wasm-python",
		Files: map[string][]byte{"cwd": []byte(dir)}}, "-c", `
import errno
for f in (lambda: open("secret").read(), lambda: open("new", "w"), lambda: open("w/.git", "w") and None):
    try:
        f(); print("ok")
    except OSError as e:
        print(errno.errorcode[e.errno])
open("w/fine", "w").write("x")
`)
	if r.code != 0 || r.out != "EACCES\nEROFS\nok\n" {
		t.Fatalf("%+v", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 2 || events[0].Op != "read" || events[1].Op != "write" || events[0].Backend != "wasm-python" {
		t.Errorf("events %+v", events)
	}
}

func TestNetworkThroughDialer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	var dialed []string
	dial := func(ctx context.Context, host string, port int) (net.Conn, error) {
		dialed = append(dialed, fmt.Sprintf("%s:%d", host, port))
		if host != "echo.test" {
			return nil, &policy.DenialError{Kind: policy.KindNetwork, Host: host, Port: port, Reason: "test"}
		}
		return net.Dial("tcp", ln.Addr().String())
	}
	r := run(t, context.Background(), RunConfig{Dial: dial}, "-c", `
import socket
s = socket.create_connection(("echo.test", 7), timeout=5)
s.sendall(b"ping"); print(s.recv(4))
try:
    socket.create_connection(("evil.test", 80))
except ConnectionRefusedError as e:
    print(e)
`)
	if r.code != 0 || r.out != "b'ping'\n[Errno 14] connection to evil.test:80 blocked by network allowlist (test)\n" {
		t.Errorf("%+v", r)
	}
	if strings.Join(dialed, " ") != "echo.test:7 evil.test:80" {
		t.Errorf("dialed %v", dialed)
	}
}

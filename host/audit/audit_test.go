package audit_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/srt-sandbox/srt/host/audit"
	"github.com/srt-sandbox/srt/host/policy"
)

func TestLogWritesDebugAndJSON(t *testing.T) {
	var debug bytes.Buffer
	file := filepath.Join(t.TempDir(), "audit.jsonl")
	os.WriteFile(file, []byte("{\"earlier\":true}\n"), 0o600) // appended to, never truncated
	l, err := audit.Open(audit.Options{Debug: &debug, File: file})
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	l.Record(policy.Event{Time: when, Action: policy.ActionDeny, Kind: policy.KindNetwork, Host: "evil.com", Port: 443,
		Reason: "not in allowedDomains", Backend: "socks-proxy"})
	l.Record(policy.Event{Time: when, Action: policy.ActionDeny, Kind: policy.KindFilesystem, Path: "/etc/passwd", Op: "write",
		Rule: "/etc", Reason: "not in filesystem.allowWrite", Backend: "wasm-python"})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	if got, want := debug.String(), "srt: action=deny kind=network host=evil.com port=443 reason=\"not in allowedDomains\" backend=socks-proxy\n"+
		"srt: action=deny kind=filesystem path=/etc/passwd op=write rule=/etc reason=\"not in filesystem.allowWrite\" backend=wasm-python\n"; got != want {
		t.Errorf("debug output:\n%s\nwant:\n%s", got, want)
	}
	b, _ := os.ReadFile(file)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || lines[0] != `{"earlier":true}` {
		t.Fatalf("log file lines %q: want the earlier line kept and two events appended", lines)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"time": "2026-12-04T10:00:00Z", "action": "deny", "kind": "network", "host": "evil.com",
		"port": float64(443), "reason": "not in allowedDomains", "backend": "socks-proxy"}
	if len(got) != len(want) {
		t.Errorf("JSON event %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("JSON %s = %v, want %v", k, got[k], v)
		}
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestLogConcurrentAndDisabled(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a.jsonl")
	l, err := audit.Open(audit.Options{File: file})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				l.Record(policy.Event{Time: time.Now(), Action: policy.ActionAllow, Kind: policy.KindNetwork, Host: "a.b", Port: j + 1})
			}
		}()
	}
	wg.Wait()
	l.Close()
	b, _ := os.ReadFile(file)
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !json.Valid([]byte(line)) {
			t.Fatalf("line %d is not JSON (interleaved writes?): %q", i, line)
		}
	}
	if n := strings.Count(string(b), "\n"); n != 800 {
		t.Errorf("%d lines, want 800", n)
	}

	off, err := audit.Open(audit.Options{})
	if err != nil || off.Enabled() {
		t.Fatalf("empty options: %v enabled=%v", err, off.Enabled())
	}
	off.Record(policy.Event{}) // must not panic
	if _, err := audit.Open(audit.Options{File: filepath.Join(t.TempDir(), "missing-dir", "x")}); err == nil ||
		!strings.Contains(err.Error(), "opening log file") {
		t.Errorf("unopenable file: %v", err)
	}
}

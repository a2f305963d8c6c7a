package wasi

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/srt-sandbox/srt/wasi/internal/cache"
)

func TestPruneCache(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	old := now.Add(-2 * cache.MaxIdle)
	write := func(rel string, atime, mtime time.Time) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, atime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	write("wazero-v0.0.1-amd64-linux/0123abcd", old, old)      // an older wazero's compiled module
	write("wazero-v1.12.0-amd64-linux/4567cdef", old, old)     // a module of an older srt
	write("snapshot-aaaa-bbbb.mem", old, old)                  // its snapshot
	write("compiled-aaaa-false", old, old)                     // its marker
	write("quickjs-prelude-cccc.bc", now, now)                 // in use
	write("wazero-v1.12.0-amd64-linux/89abef01", now, now)     // in use
	write("elsewhere/deeper/file", old, old)                   // not a layout srt or wazero make: left alone
	write("notes.txt", old, old)                               // not srt's: left alone
	write("wazero-v1.12.0-amd64-linux/sub/file", old, old)     // deeper than wazero writes: left alone
	readRecently := "wazero-v1.12.0-amd64-linux/read-recently" // written long ago, read recently
	write(readRecently, now, old)

	// A first compile (here of a tiny module into this cache) prunes.
	ctx := context.Background()
	e, err := NewEngine(ctx, spinModule, Config{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	e.Close(ctx)

	gone := []string{"wazero-v0.0.1-amd64-linux", "wazero-v1.12.0-amd64-linux/4567cdef", "snapshot-aaaa-bbbb.mem", "compiled-aaaa-false"}
	kept := []string{"quickjs-prelude-cccc.bc", "wazero-v1.12.0-amd64-linux/89abef01", "elsewhere/deeper/file",
		"notes.txt", "wazero-v1.12.0-amd64-linux/sub/file", e.marker()[len(dir)+1:]}
	if runtime.GOOS == "linux" || runtime.GOOS == "darwin" {
		kept = append(kept, readRecently)
	}
	for _, rel := range gone {
		if _, err := os.Stat(filepath.Join(dir, rel)); !os.IsNotExist(err) {
			t.Errorf("%s: not removed (%v)", rel, err)
		}
	}
	for _, rel := range kept {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
			t.Errorf("%s: %v, want it kept", rel, err)
		}
	}
	// The module just compiled is in the cache: a second engine loads it without the one-time line.
	var progress syncBuf
	e, err = NewEngine(ctx, spinModule, Config{CacheDir: dir, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	e.Close(ctx)
	if got := progress.String(); got != "" {
		t.Errorf("second engine printed %q, want nothing", got)
	}
}

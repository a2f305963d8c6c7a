package cache

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestOpenMakesThePrivateDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("skipping: Windows has no Unix permission bits to check")
	}
	for _, tc := range []struct {
		name    string
		prepare func(dir string)
	}{
		{"new", func(string) {}},
		{"existing, too open", func(dir string) { os.Mkdir(dir, 0o755); os.Chmod(dir, 0o755) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "srt", "wazero")
			os.MkdirAll(filepath.Dir(dir), 0o755)
			tc.prepare(dir)
			c, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(context.Background())
			fi, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fi.Mode().Perm(), os.FileMode(0o700); got != want {
				t.Errorf("mode %v, want %v", got, want)
			}
		})
	}
}

func TestOpenFails(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := Open(filepath.Join(file, "sub")); err == nil {
		t.Fatal("Open below a regular file succeeded")
	}
}

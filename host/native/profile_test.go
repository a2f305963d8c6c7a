package native

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/darwin")

func TestDarwinProfileGolden(t *testing.T) {
	protected := []string{".bashrc", ".vscode", ".git/hooks", ".git/config"}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"default", Config{HostHTTPPort: 40001, HostSOCKSPort: 40002}},
		{"project", Config{
			Writable:      []string{"/Users/dev/proj", "/Users/dev/.cache/go-build"},
			ReadOnly:      []string{"/Users/dev/proj/secrets"},
			Protected:     protected,
			HideDirs:      []string{"/Users/dev/.ssh"},
			HideFiles:     []string{"/Users/dev/proj/.env"},
			TmpDir:        "/private/var/folders/xy/T/srt-tmp-1",
			HostHTTPPort:  40001,
			HostSOCKSPort: 40002,
		}},
		{"unix-sockets-and-local-binding", Config{
			Writable:             []string{"/w"},
			Protected:            protected,
			HostHTTPPort:         3128,
			HostSOCKSPort:        1080,
			AllowLocalBinding:    true,
			AllowUnixSocketPaths: []string{"/var/run/docker.sock"},
		}},
		{"quoting", Config{Writable: []string{`/tmp/we"ird\dir (1)`}, Protected: []string{".mcp.json"}, HostHTTPPort: 1, HostSOCKSPort: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DarwinProfile(&tt.cfg)
			path := filepath.Join("testdata", "darwin", tt.name+".sb")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("profile differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

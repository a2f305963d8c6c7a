package guestfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"

	"github.com/srt-sandbox/srt/host/policy"
)

func setup(t *testing.T) (*FS, string, *[]policy.Event) {
	t.Helper()
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	for _, d := range []string{"secret", "w/.git/hooks"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	os.WriteFile(filepath.Join(dir, "secret/key"), []byte("k"), 0o644)
	os.WriteFile(filepath.Join(dir, "ro.txt"), []byte("ro"), 0o644)
	os.Symlink(dir, filepath.Join(dir, "w/up"))
	os.Symlink(filepath.Join(dir, "secret/key"), filepath.Join(dir, "w/key"))
	pol, err := policy.New(&policy.Settings{Filesystem: policy.FilesystemSettings{
		DenyRead: []string{"secret"}, AllowWrite: []string{"w"}}}, policy.Env{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var events []policy.Event
	g := New(Options{Policy: pol, Record: func(e policy.Event) { events = append(events, e) },
		Trees: []Tree{{Prefix: "/.srt/t", FS: fstest.MapFS{"a.txt": {Data: []byte("tree")}}}}})
	t.Cleanup(g.Close)
	return g, strings.TrimPrefix(dir, "/"), &events
}

func TestPolicyErrnos(t *testing.T) {
	g, d, events := setup(t)
	wr := experimentalsys.O_WRONLY | experimentalsys.O_CREAT
	for _, tc := range []struct {
		name string
		fn   func() experimentalsys.Errno
		want experimentalsys.Errno
	}{
		{"read denyRead", func() experimentalsys.Errno { _, e := g.OpenFile(d+"/secret/key", 0, 0); return e }, experimentalsys.EACCES},
		{"read via symlink", func() experimentalsys.Errno { _, e := g.OpenFile(d+"/w/key", 0, 0); return e }, experimentalsys.EACCES},
		{"stat denyRead", func() experimentalsys.Errno { _, e := g.Stat(d + "/secret"); return e }, experimentalsys.EACCES},
		{"write outside", func() experimentalsys.Errno { _, e := g.OpenFile(d+"/new", wr, 0o644); return e }, experimentalsys.EROFS},
		{"write via dir symlink", func() experimentalsys.Errno { _, e := g.OpenFile(d+"/w/up/new", wr, 0o644); return e }, experimentalsys.EROFS},
		{"create hook", func() experimentalsys.Errno { _, e := g.OpenFile(d+"/w/.git/hooks/post-checkout", wr, 0o755); return e }, experimentalsys.EROFS},
		{"mkdir outside", func() experimentalsys.Errno { return g.Mkdir(d+"/x", 0o755) }, experimentalsys.EROFS},
		{"hard link ro file", func() experimentalsys.Errno { return g.Link(d+"/ro.txt", d+"/w/l") }, experimentalsys.EROFS},
		{"rename out", func() experimentalsys.Errno { return g.Rename(d+"/w/up", d+"/moved") }, experimentalsys.EROFS},
		{"unlink outside", func() experimentalsys.Errno { return g.Unlink(d + "/ro.txt") }, experimentalsys.EROFS},
		{"write tree", func() experimentalsys.Errno { _, e := g.OpenFile(".srt/t/a.txt", wr, 0o644); return e }, experimentalsys.EROFS},
		{"unknown reserved", func() experimentalsys.Errno { _, e := g.OpenFile(".srt/nope", 0, 0); return e }, experimentalsys.ENOENT},
		{"write inside", func() experimentalsys.Errno {
			f, e := g.OpenFile(d+"/w/ok", wr, 0o644)
			if e == 0 {
				f.Write([]byte("ok"))
				f.Close()
			}
			return e
		}, 0},
		{"read tree", func() experimentalsys.Errno { _, e := g.OpenFile(".srt/t/a.txt", 0, 0); return e }, 0},
	} {
		if got := tc.fn(); got != tc.want {
			t.Errorf("%s: errno %v, want %v", tc.name, got, tc.want)
		}
	}
	if b, _ := os.ReadFile("/" + d + "/w/ok"); string(b) != "ok" {
		t.Errorf("w/ok = %q", b)
	}
	if len(*events) < 10 {
		t.Errorf("%d denials recorded, want one per denial", len(*events))
	}
}

package wasi

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/srt-sandbox/srt/host/policy"
)

func TestPolicyFS(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	os.WriteFile(filepath.Join(dir, "secret"), []byte("s3cr3t"), 0o600)
	os.WriteFile(filepath.Join(dir, "ro"), []byte("ro"), 0o644)
	os.Mkdir(filepath.Join(dir, "w"), 0o755)
	os.Mkdir(filepath.Join(dir, "hidden"), 0o755)
	os.Symlink("..", filepath.Join(dir, "w", "up"))
	pol, err := policy.New(&policy.Settings{Filesystem: policy.FilesystemSettings{
		DenyRead: []string{filepath.Join(dir, "secret")}, AllowWrite: []string{filepath.Join(dir, "w")}}}, policy.Env{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var events []policy.Event
	rec := policy.RecorderFunc(func(e policy.Event) { mu.Lock(); events = append(events, e); mu.Unlock() })
	p := NewPolicyFS(PolicyFSConfig{Policy: pol, Recorder: rec, Backend: "wasm-js", Hidden: []string{filepath.Join(dir, "hidden")}})
	defer p.Close()
	code := func(err error) string {
		var fe *FSError
		if errors.As(err, &fe) {
			return fe.Code
		}
		if err != nil {
			return err.Error()
		}
		return "ok"
	}
	_, err = p.ReadFile(dir + "/secret")
	_, err2 := p.ReadFile(dir + "/w/../secret")
	_, err3 := p.ReadFile(dir + "/w/up/secret")
	_, err4 := p.ReadDir(dir + "/hidden")
	for i, c := range []struct{ got, want string }{
		{code(err), "EACCES"}, {code(err2), "EACCES"}, {code(err3), "EACCES"}, {code(err4), "ENOENT"},
		{code(p.WriteFile(dir+"/ro", []byte("x"), false)), "EROFS"},
		{code(p.WriteFile(dir+"/w/up/new", []byte("x"), false)), "EROFS"},
		{code(p.WriteFile(dir+"/w/a/b", []byte("x"), false)), "ENOENT"},
		{code(p.Mkdir(dir+"/w/a/b", true)), "ok"},
		{code(p.Mkdir(dir+"/w/a/b", true)), "ok"},
		{code(p.Mkdir(dir+"/w/a", false)), "EEXIST"},
		{code(p.WriteFile(dir+"/w/a/b/f", []byte("x"), false)), "ok"},
		{code(p.WriteFile(dir+"/w/a/b/f", []byte("y"), true)), "ok"},
		{code(p.Remove(dir+"/w/a", false, false)), "EISDIR"},
		{code(p.Remove(dir+"/w/up", true, false)), "ok"}, // the link only
		{code(p.Remove(dir+"/ro", false, false)), "EROFS"},
		{code(p.Remove(dir+"/w/none", false, true)), "ok"},
	} {
		if c.got != c.want {
			t.Errorf("case %d: %s, want %s", i, c.got, c.want)
		}
	}
	if b, err := p.ReadFile(dir + "/w/a/b/f"); string(b) != "xy" || err != nil {
		t.Errorf("read back %q %v", b, err)
	}
	if st, err := p.Stat(dir + "/w/a/b/f"); err != nil || st.Size != 2 || st.Mode.IsDir() {
		t.Errorf("stat %+v %v", st, err)
	}
	if ents, err := p.ReadDir(dir + "/w/a"); err != nil || len(ents) != 1 || ents[0].Name != "b" || !ents[0].Type.IsDir() {
		t.Errorf("readdir %+v %v", ents, err)
	}
	if code(p.Remove(dir+"/w/a", true, false)) != "ok" {
		t.Error("rm -r failed")
	}
	if _, err := os.Stat(filepath.Join(dir, "ro")); err != nil {
		t.Errorf("ro removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "w", "a")); !os.IsNotExist(err) {
		t.Errorf("w/a not removed: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) == 0 || events[0].Backend != "wasm-js" || events[0].Op != "read" {
		t.Errorf("events %+v", events)
	}
}

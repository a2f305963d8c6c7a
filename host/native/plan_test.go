package native

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/srt-sandbox/srt/host/policy"
)

func TestEnviron(t *testing.T) {
	base := []string{"PATH=/bin", "HTTP_PROXY=http://evil:1", "no_proxy=*", "SANDBOX_RUNTIME=0", "KEEP=1=2"}
	got := Environ(base, "/tmp/t")
	want := map[string]string{
		"PATH": "/bin", "KEEP": "1=2", "SANDBOX_RUNTIME": "1", "TMPDIR": "/tmp/t",
		"HTTP_PROXY": "http://localhost:3128", "HTTPS_PROXY": "http://localhost:3128",
		"http_proxy": "http://localhost:3128", "https_proxy": "http://localhost:3128",
		"ALL_PROXY": "socks5h://localhost:1080", "all_proxy": "socks5h://localhost:1080",
		"GRPC_PROXY": "socks5h://localhost:1080", "FTP_PROXY": "socks5h://localhost:1080",
		"RSYNC_PROXY": "localhost:1080",
		"NO_PROXY":    "localhost,127.0.0.1,::1,*.local,.local,169.254.0.0/16,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16",
		"no_proxy":    "localhost,127.0.0.1,::1,*.local,.local,169.254.0.0/16,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16",
	}
	seen := map[string]int{}
	for _, kv := range got {
		k, v, _ := strings.Cut(kv, "=")
		seen[k]++
		if w, ok := want[k]; ok && v != w {
			t.Errorf("%s = %q, want %q", k, v, w)
		}
	}
	for k := range want {
		if seen[k] != 1 {
			t.Errorf("%s appears %d times, want once", k, seen[k])
		}
	}
	if got := EnvironPorts(nil, "", 40001, 40002); !slices.Contains(got, "HTTP_PROXY=http://localhost:40001") ||
		!slices.Contains(got, "ALL_PROXY=socks5h://localhost:40002") || slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "TMPDIR=") }) {
		t.Errorf("EnvironPorts = %q", got)
	}
}

func TestPlan(t *testing.T) {
	root, _ := filepath.EvalSymlinks(t.TempDir())
	work := filepath.Join(root, "work")
	for _, p := range []string{"work/.git/hooks/x", "work/.git/config", "work/.git/index", "work/a/.bashrc",
		"work/a/b/c/.zshrc", "work/a/b/c/d/e/.profile", "work/secrets/k", "work/key.pem", "hidden/t", "work/.Vscode/s"} {
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, nil, 0o644)
	}
	s := &policy.Settings{Filesystem: policy.FilesystemSettings{
		AllowWrite: []string{".", "missing"},
		DenyWrite:  []string{"secrets", "/not/inside"},
		DenyRead:   []string{"../hidden", "key.pem", "nothing-here"},
	}}
	pol, err := policy.New(s, policy.Env{WorkDir: work, Home: root})
	if err != nil {
		t.Fatal(err)
	}
	cfg, notes, err := Plan(pol, PlanOptions{Args: []string{"true"}, Dir: work, Env: []string{}, TmpDir: "/tmp/x"})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want []string
	}{
		{"Writable", cfg.Writable, []string{work}},
		// Parents first. Depth 3 (the default): a/b/c/.zshrc is at depth 4 and not found; .git's own entries always are.
		{"ReadOnly", cfg.ReadOnly, []string{work + "/.Vscode", work + "/secrets", work + "/.git/config", work + "/.git/hooks", work + "/a/.bashrc"}},
		{"HideDirs", cfg.HideDirs, []string{filepath.Join(root, "hidden")}},
		{"HideFiles", cfg.HideFiles, []string{work + "/key.pem"}},
		{"Protected", cfg.Protected, policy.ProtectedNames(false)},
	}
	for _, c := range checks {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "missing does not exist") {
		t.Errorf("notes = %q, want one about the missing allowWrite path", notes)
	}
	if cfg.Dir != work || cfg.TmpDir != "/tmp/x" || !slices.Contains(cfg.Env, "TMPDIR=/tmp/x") || !cfg.Landlock {
		t.Errorf("cfg = %+v", cfg)
	}

	s.MandatoryDenySearchDepth = 10
	pol, _ = policy.New(s, policy.Env{WorkDir: work, Home: root})
	cfg, _, _ = Plan(pol, PlanOptions{Args: []string{"true"}, Dir: work, Env: []string{}})
	if !slices.Contains(cfg.ReadOnly, work+"/a/b/c/.zshrc") || !slices.Contains(cfg.ReadOnly, work+"/a/b/c/d/e/.profile") {
		t.Errorf("mandatoryDenySearchDepth 10: ReadOnly = %q", cfg.ReadOnly)
	}
	if _, _, err := Plan(pol, PlanOptions{}); err == nil {
		t.Errorf("Plan without a command: no error")
	}
}

func TestCaseless(t *testing.T) {
	tests := []struct{ in, want string }{
		{`\.bashrc`, `\.[bB][aA][sS][hH][rR][cC]`},
		{`\.git/hooks`, `\.[gG][iI][tT]/[hH][oO][oO][kK][sS]`},
		{`a1_`, `[aA]1_`},
	}
	for _, tt := range tests {
		if got := caseless(tt.in); got != tt.want {
			t.Errorf("caseless(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

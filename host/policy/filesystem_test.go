package policy

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// realTempDir is t.TempDir with its own symlinks resolved (on some systems /tmp is a symlink).
func realTempDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mkdirAll creates the directories under root and returns root joined with the last one.
func mkdirAll(t *testing.T, root string, dirs ...string) string {
	t.Helper()
	var p string
	for _, d := range dirs {
		p = filepath.Join(root, d)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// symlink creates link pointing at target.
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
}

// fsPolicy compiles a policy with only filesystem rules, expanding against env.
func fsPolicy(t *testing.T, env Env, fs FilesystemSettings) *Policy {
	t.Helper()
	p, err := New(&Settings{Filesystem: fs}, env)
	if err != nil {
		t.Fatalf("New(%+v): %v", fs, err)
	}
	return p
}

func TestExpandPath(t *testing.T) {
	root := realTempDir(t)
	home := mkdirAll(t, root, "home/u")
	work := mkdirAll(t, root, "work/proj")
	real := mkdirAll(t, root, "real/sub")
	symlink(t, filepath.Join(root, "real"), filepath.Join(root, "link"))
	symlink(t, "../../real", filepath.Join(work, "rel-link"))
	symlink(t, filepath.Join(root, "real"), filepath.Join(home, "dotfiles"))
	env := Env{Home: home, WorkDir: work}

	tests := []struct {
		in   string
		want string
	}{
		{"~", home},
		{"~/", home},
		{"~/.ssh", filepath.Join(home, ".ssh")},
		{"~/a/b/../c", filepath.Join(home, "a/c")},
		{"~other", filepath.Join(work, "~other")}, // only "~" and "~/" expand, as in sandbox-runtime
		{"a/~/b", filepath.Join(work, "a/~/b")},
		{".", work},
		{"./", work},
		{"x", filepath.Join(work, "x")},
		{"./x/y", filepath.Join(work, "x/y")},
		{"../sibling", filepath.Join(root, "work/sibling")},
		{"/abs/path", "/abs/path"},
		{"/abs//path/./x/../y/", "/abs/path/y"},
		{"/", "/"},

		// Symlinks in the existing prefix are resolved; a non-existent tail is kept.
		{filepath.Join(root, "link"), filepath.Join(root, "real")},
		{filepath.Join(root, "link/sub"), real},
		{filepath.Join(root, "link/sub/new/file"), filepath.Join(real, "new/file")},
		{filepath.Join(root, "link/missing"), filepath.Join(root, "real/missing")},
		{"rel-link/sub", real},
		{"rel-link/none/x", filepath.Join(root, "real/none/x")},
		{"~/dotfiles/sub/.bashrc", filepath.Join(real, ".bashrc")},
		{filepath.Join(root, "nothing/here"), filepath.Join(root, "nothing/here")},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ExpandPath(tt.in, env)
			if err != nil {
				t.Fatalf("ExpandPath(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ExpandPath(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}

	for _, bad := range []string{"", "  ", "\t"} {
		if got, err := ExpandPath(bad, env); err == nil || err.Error() != "Path cannot be empty" {
			t.Errorf("ExpandPath(%q) = %q, %v; want error %q", bad, got, err, "Path cannot be empty")
		}
	}
	if got, err := ExpandPath("~/x", Env{WorkDir: work}); err == nil {
		t.Errorf("ExpandPath(~/x) without a home = %q, want error", got)
	}
}

func TestNewExpandsPaths(t *testing.T) {
	root := realTempDir(t)
	home := mkdirAll(t, root, "home")
	work := mkdirAll(t, root, "work")
	mkdirAll(t, root, "real")
	symlink(t, filepath.Join(root, "real"), filepath.Join(work, "out"))

	fs := FilesystemSettings{
		DenyRead:   []string{"~/.ssh", "~"},
		AllowWrite: []string{".", "~/tmp", "out/build"},
		DenyWrite:  []string{"./secrets", "out/build/keep"},
	}
	p := fsPolicy(t, Env{Home: home, WorkDir: work}, fs)
	checks := []struct {
		name      string
		got, want []string
	}{
		{"denyRead", p.denyRead, []string{filepath.Join(home, ".ssh"), home}},
		{"allowWrite", p.allowWrite, []string{work, filepath.Join(home, "tmp"), filepath.Join(root, "real/build")}},
		{"denyWrite", p.denyWrite, []string{filepath.Join(work, "secrets"), filepath.Join(root, "real/build/keep")}},
	}
	for _, c := range checks {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	// The raw settings are kept.
	if got := p.Settings().Filesystem; !slices.Equal(got.AllowWrite, fs.AllowWrite) {
		t.Errorf("Settings().Filesystem.AllowWrite = %q, want %q", got.AllowWrite, fs.AllowWrite)
	}
	var nilPolicy *Policy
	if got := nilPolicy.Settings(); got.File != "" || got.Network.AllowedDomains != nil {
		t.Errorf("nil Policy Settings() = %+v, want zero", got)
	}

	// A write through the symlink's resolved target is decided by the rules that named the symlink.
	if d := p.DecideWrite(filepath.Join(root, "real/build/x.o")); !d.Allowed() {
		t.Errorf("write under resolved allowWrite symlink: %s, want allow", d)
	}
	if d := p.DecideWrite(filepath.Join(root, "real/build/keep/x")); d.Allowed() {
		t.Errorf("write under resolved denyWrite symlink: %s, want deny", d)
	}
	if d := p.DecideWrite(filepath.Join(root, "real/other")); d.Allowed() {
		t.Errorf("write beside the symlinked allowWrite: %s, want deny", d)
	}
}

func TestNewDefaultsEnv(t *testing.T) {
	home := realTempDir(t)
	t.Setenv("HOME", home)
	work := realTempDir(t)
	t.Chdir(work)
	p, err := New(&Settings{Filesystem: FilesystemSettings{DenyRead: []string{"~/a"}, AllowWrite: []string{"b"}}}, Env{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if got, want := p.denyRead, []string{filepath.Join(home, "a")}; !slices.Equal(got, want) {
		t.Errorf("denyRead = %q, want %q", got, want)
	}
	if got, want := p.allowWrite, []string{filepath.Join(work, "b")}; !slices.Equal(got, want) {
		t.Errorf("allowWrite = %q, want %q", got, want)
	}
}

func TestNewErrors(t *testing.T) {
	env := Env{Home: "/home/u", WorkDir: "/work"}
	tests := []struct {
		name string
		s    Settings
		want string
	}{
		{"bad allowed pattern", Settings{Network: NetworkSettings{AllowedDomains: []string{"ok.com", "*.com"}}},
			`network.allowedDomains.1: Invalid domain pattern "*.com"`},
		{"bad denied pattern", Settings{Network: NetworkSettings{DeniedDomains: []string{"*"}}},
			`network.deniedDomains.0: Invalid domain pattern "*"`},
		{"empty denyRead", Settings{Filesystem: FilesystemSettings{DenyRead: []string{""}}},
			"filesystem.denyRead.0: Path cannot be empty"},
		{"empty allowWrite", Settings{Filesystem: FilesystemSettings{AllowWrite: []string{"/x", " "}}},
			"filesystem.allowWrite.1: Path cannot be empty"},
		{"empty denyWrite", Settings{Filesystem: FilesystemSettings{DenyWrite: []string{""}}},
			"filesystem.denyWrite.0: Path cannot be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(&tt.s, env)
			if err == nil {
				t.Fatalf("New = %+v, want error", p)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestDecideRead(t *testing.T) {
	env := Env{Home: "/nonexistent-home/u", WorkDir: "/nonexistent-work"}
	p := fsPolicy(t, env, FilesystemSettings{DenyRead: []string{"~/.ssh", "/etc/shadow", "/a/b", "secrets"}})
	tests := []struct {
		path string
		want Action
		rule string
	}{
		{"/nonexistent-home/u/.ssh", ActionDeny, "/nonexistent-home/u/.ssh"},
		{"/nonexistent-home/u/.ssh/id_ed25519", ActionDeny, "/nonexistent-home/u/.ssh"},
		{"/nonexistent-home/u/.ssh/a/b/c", ActionDeny, "/nonexistent-home/u/.ssh"},
		{"/nonexistent-home/u/.sshx", ActionAllow, ""},
		{"/nonexistent-home/u", ActionAllow, ""},
		{"/etc/shadow", ActionDeny, "/etc/shadow"},
		{"/etc/shadow-", ActionAllow, ""},
		{"/etc/passwd", ActionAllow, ""},
		{"/etc", ActionAllow, ""},
		{"/a/b", ActionDeny, "/a/b"},
		{"/a/b/", ActionDeny, "/a/b"},
		{"/a/b/c", ActionDeny, "/a/b"},
		{"/a/bc", ActionAllow, ""},
		{"/a/b.c", ActionAllow, ""},
		{"/a", ActionAllow, ""},
		{"/a/x/../b/c", ActionDeny, "/a/b"},
		{"//a//b", ActionDeny, "/a/b"},
		{"/nonexistent-work/secrets/key", ActionDeny, "/nonexistent-work/secrets"},
		{"/nonexistent-work/secretsx", ActionAllow, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			d := p.DecideRead(tt.path)
			if got, want := d.Action, tt.want; got != want {
				t.Errorf("DecideRead(%q) = %s, want %s", tt.path, d, want)
			}
			if got, want := d.Rule, tt.rule; got != want {
				t.Errorf("Rule = %q, want %q", got, want)
			}
			if got, want := d.Kind, KindFilesystem; got != want {
				t.Errorf("Kind = %q, want %q", got, want)
			}
			if got, want := d.Op, "read"; got != want {
				t.Errorf("Op = %q, want %q", got, want)
			}
		})
	}

	// Reads are allowed by default, even without a policy.
	var nilPolicy *Policy
	for name, q := range map[string]*Policy{"nil": nilPolicy, "zero": {}} {
		if d := q.DecideRead("/etc/shadow"); !d.Allowed() {
			t.Errorf("%s policy: DecideRead = %s, want allow", name, d)
		}
	}

	// denyRead "/" denies everything.
	all := fsPolicy(t, env, FilesystemSettings{DenyRead: []string{"/"}})
	if d := all.DecideRead("/x"); d.Allowed() {
		t.Errorf("denyRead /: DecideRead(/x) = %s, want deny", d)
	}
}

func TestDecideWrite(t *testing.T) {
	const w = "/nonexistent-work/proj"
	env := Env{Home: "/nonexistent-home/u", WorkDir: w}
	base := FilesystemSettings{
		AllowWrite: []string{".", "/tmp/out", "/tmp/out/nested"},
		DenyWrite:  []string{"./secrets", "/tmp/out/ro"},
	}
	gitConfigOK := base
	gitConfigOK.AllowGitConfig = true
	tests := []struct {
		name string
		fs   FilesystemSettings
		path string
		want Action
		rule string
	}{
		{"in allowWrite", base, w + "/main.go", ActionAllow, w},
		{"allowWrite root itself", base, w, ActionAllow, w},
		{"deep in allowWrite", base, w + "/a/b/c/d.txt", ActionAllow, w},
		{"second allowWrite", base, "/tmp/out/x", ActionAllow, "/tmp/out"},
		{"longest allowWrite root", base, "/tmp/out/nested/x", ActionAllow, "/tmp/out/nested"},
		{"outside allowWrite", base, "/etc/passwd", ActionDeny, ""},
		{"parent of allowWrite", base, "/nonexistent-work", ActionDeny, ""},
		{"prefix but not child", base, w + "x/file", ActionDeny, ""},
		{"prefix but not child 2", base, "/tmp/outside", ActionDeny, ""},
		{"escape by dot-dot", base, w + "/../other/x", ActionDeny, ""},
		{"denyWrite inside allowWrite", base, w + "/secrets/key", ActionDeny, w + "/secrets"},
		{"denyWrite itself", base, w + "/secrets", ActionDeny, w + "/secrets"},
		{"beside denyWrite", base, w + "/secrets2", ActionAllow, w},
		{"absolute denyWrite", base, "/tmp/out/ro/x", ActionDeny, "/tmp/out/ro"},

		// Mandatory protected names, at any depth.
		{".bashrc", base, w + "/.bashrc", ActionDeny, ".bashrc"},
		{"nested .bashrc", base, w + "/a/b/c/d/e/.bashrc", ActionDeny, ".bashrc"},
		{".bash_profile", base, w + "/.bash_profile", ActionDeny, ".bash_profile"},
		{".zshrc", base, w + "/.zshrc", ActionDeny, ".zshrc"},
		{".zprofile", base, w + "/.zprofile", ActionDeny, ".zprofile"},
		{".profile", base, w + "/.profile", ActionDeny, ".profile"},
		{".gitconfig", base, w + "/.gitconfig", ActionDeny, ".gitconfig"},
		{".gitmodules", base, w + "/sub/.gitmodules", ActionDeny, ".gitmodules"},
		{".ripgreprc", base, w + "/.ripgreprc", ActionDeny, ".ripgreprc"},
		{".mcp.json", base, w + "/.mcp.json", ActionDeny, ".mcp.json"},
		{".mcp.json in /tmp/out", base, "/tmp/out/nested/.mcp.json", ActionDeny, ".mcp.json"},
		{".git/hooks/post-checkout", base, w + "/.git/hooks/post-checkout", ActionDeny, ".git/hooks"},
		{".git/hooks", base, w + "/.git/hooks", ActionDeny, ".git/hooks"},
		{"nested repository hooks", base, w + "/vendor/lib/.git/hooks/pre-commit", ActionDeny, ".git/hooks"},
		{".git/config", base, w + "/.git/config", ActionDeny, ".git/config"},
		{"nested .git/config", base, w + "/vendor/x/.git/config", ActionDeny, ".git/config"},
		{".git/config with allowGitConfig", gitConfigOK, w + "/.git/config", ActionAllow, w},
		{".git/hooks despite allowGitConfig", gitConfigOK, w + "/.git/hooks/pre-push", ActionDeny, ".git/hooks"},
		{".git/index", base, w + "/.git/index", ActionAllow, w},
		{".git/objects", base, w + "/.git/objects/ab/cdef", ActionAllow, w},
		{".git/config.lock", base, w + "/.git/config.lock", ActionAllow, w},
		{"config outside .git", base, w + "/config", ActionAllow, w},
		{"hooks outside .git", base, w + "/hooks/x", ActionAllow, w},
		{".vscode/settings.json", base, w + "/.vscode/settings.json", ActionDeny, ".vscode"},
		{".vscode", base, w + "/.vscode", ActionDeny, ".vscode"},
		{".idea", base, w + "/.idea/workspace.xml", ActionDeny, ".idea"},
		{".IDEA case-insensitive", base, w + "/.IDEA/workspace.xml", ActionDeny, ".idea"},
		{".BashRC case-insensitive", base, w + "/.BashRC", ActionDeny, ".bashrc"},
		{".Git/Hooks case-insensitive", base, w + "/.Git/Hooks/x", ActionDeny, ".git/hooks"},
		{".claude/commands/x", base, w + "/.claude/commands/x", ActionDeny, ".claude/commands"},
		{".claude/commands", base, w + "/.claude/commands", ActionDeny, ".claude/commands"},
		{".claude/agents/y.md", base, w + "/.claude/agents/y.md", ActionDeny, ".claude/agents"},
		{".claude/settings.json", base, w + "/.claude/settings.json", ActionAllow, w},
		{"commands outside .claude", base, w + "/commands/x", ActionAllow, w},
		{"similar names", base, w + "/.bashrc.d/x", ActionAllow, w},
		{"similar names 2", base, w + "/x.mcp.json", ActionAllow, w},
		{"similar names 3", base, w + "/.vscode-test/x", ActionAllow, w},
		{"protected outside allowWrite", base, "/nonexistent-home/u/.bashrc", ActionDeny, ""},
		{"denyWrite reported before protected", base, w + "/secrets/.bashrc", ActionDeny, w + "/secrets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fsPolicy(t, env, tt.fs)
			d := p.DecideWrite(tt.path)
			if got, want := d.Action, tt.want; got != want {
				t.Errorf("DecideWrite(%q) = %s, want %s", tt.path, d, want)
			}
			if got, want := d.Rule, tt.rule; got != want {
				t.Errorf("Rule = %q, want %q", got, want)
			}
			if got, want := d.Op, "write"; got != want {
				t.Errorf("Op = %q, want %q", got, want)
			}
			if got, want := d.Path, filepath.Clean(tt.path); got != want {
				t.Errorf("Path = %q, want %q", got, want)
			}
			if d.Reason == "" {
				t.Errorf("Reason is empty")
			}
		})
	}
}

// TestDecideWriteProtectedParent documents a gap: the protected names are matched per path, so a sandboxed
// process that may write the directory holding them can swap that directory out. With the working directory
// writable, `mv .git g; echo '[core] hooksPath = /tmp/h' >> g/config; mv g .git` (or replacing .git with a
// gitdir file that points at a planted repository) rewrites .git/config and .git/hooks without ever writing a
// path DecideWrite protects. sandbox-runtime's read-only bind mounts make the rename fail with EBUSY.
func TestDecideWriteProtectedParent(t *testing.T) {
	t.Skip("known gap, reported: DecideWrite allows creating, renaming or removing .git and .claude themselves, " +
		"which bypasses the .git/config, .git/hooks and .claude/commands protection; needs a design decision " +
		"(deny these entries, or make callers check renames of directories that contain protected paths)")
	const w = "/nonexistent-work/proj"
	p := fsPolicy(t, Env{Home: "/nonexistent-home/u", WorkDir: w}, FilesystemSettings{AllowWrite: []string{"."}})
	for _, path := range []string{w + "/.git", w + "/.claude"} {
		if d := p.DecideWrite(path); d.Allowed() {
			t.Errorf("DecideWrite(%q) = %s, want deny", path, d)
		}
	}
}

func TestDecideWriteNoPolicy(t *testing.T) {
	var nilPolicy *Policy
	empty := fsPolicy(t, Env{Home: "/h", WorkDir: "/w"}, FilesystemSettings{})
	for name, p := range map[string]*Policy{"nil": nilPolicy, "zero": {}, "empty": empty} {
		for _, path := range []string{"/tmp/x", "/", "/w/file", "/w"} {
			if d := p.DecideWrite(path); d.Allowed() {
				t.Errorf("%s policy: DecideWrite(%q) = %s, want deny", name, path, d)
			}
		}
	}
}

func TestDecideWriteAllowRoot(t *testing.T) {
	p := fsPolicy(t, Env{Home: "/h", WorkDir: "/w"}, FilesystemSettings{AllowWrite: []string{"/"}})
	if d := p.DecideWrite("/any/file"); !d.Allowed() {
		t.Errorf("allowWrite /: DecideWrite(/any/file) = %s, want allow", d)
	}
	if d := p.DecideWrite("/home/u/.zshrc"); d.Allowed() {
		t.Errorf("allowWrite /: DecideWrite(/home/u/.zshrc) = %s, want deny", d)
	}
}

func TestFilesystemDenialError(t *testing.T) {
	p := fsPolicy(t, Env{Home: "/h", WorkDir: "/w"}, FilesystemSettings{AllowWrite: []string{"."}, DenyRead: []string{"/h/.ssh"}})
	for _, d := range []Decision{p.DecideWrite("/w/.bashrc"), p.DecideWrite("/etc/x"), p.DecideRead("/h/.ssh/id")} {
		err := d.Err()
		var de *DenialError
		if !errors.As(err, &de) {
			t.Fatalf("%s: Err() = %v, want *DenialError", d, err)
		}
		if !errors.Is(err, ErrDenied) {
			t.Errorf("%s: errors.Is(err, ErrDenied) = false", d)
		}
		if got, want := *de, (DenialError{Kind: KindFilesystem, Path: d.Path, Op: d.Op, Rule: d.Rule, Reason: d.Reason}); got != want {
			t.Errorf("DenialError = %+v, want %+v", got, want)
		}
		msg := err.Error()
		for _, want := range []string{d.Op, d.Path, "blocked by filesystem policy", d.Reason} {
			if !strings.Contains(msg, want) {
				t.Errorf("Error() = %q, want it to contain %q", msg, want)
			}
		}
		if s := d.String(); !strings.Contains(s, d.Path) || !strings.HasPrefix(s, "deny filesystem ") {
			t.Errorf("String() = %q", s)
		}
		e := d.Event("wasm-python")
		if e.Backend != "wasm-python" || e.Path != d.Path || e.Op != d.Op || e.Action != ActionDeny || e.Kind != KindFilesystem {
			t.Errorf("Event = %+v", e)
		}
	}
	if err := p.DecideWrite("/w/ok").Err(); err != nil {
		t.Errorf("allowed write: Err() = %v, want nil", err)
	}
}

func TestProtectedNames(t *testing.T) {
	for _, allowGitConfig := range []bool{false, true} {
		names := ProtectedNames(allowGitConfig)
		for _, want := range []string{".gitconfig", ".gitmodules", ".bashrc", ".bash_profile", ".zshrc", ".zprofile",
			".profile", ".ripgreprc", ".mcp.json", ".vscode", ".idea", ".claude/commands", ".claude/agents", ".git/hooks"} {
			if !slices.Contains(names, want) {
				t.Errorf("ProtectedNames(%v) = %q, missing %q", allowGitConfig, names, want)
			}
		}
		if got, want := slices.Contains(names, ".git/config"), !allowGitConfig; got != want {
			t.Errorf("ProtectedNames(%v) contains .git/config = %v, want %v", allowGitConfig, got, want)
		}
		// Every listed name is enforced by DecideWrite.
		p := fsPolicy(t, Env{Home: "/h", WorkDir: "/w"}, FilesystemSettings{AllowWrite: []string{"."}, AllowGitConfig: allowGitConfig})
		for _, n := range names {
			if d := p.DecideWrite("/w/sub/" + n + "/x"); d.Allowed() {
				t.Errorf("DecideWrite under protected %q = %s, want deny", n, d)
			}
		}
	}
	// The returned slice is a copy.
	names := ProtectedNames(false)
	names[0] = "changed"
	if ProtectedNames(false)[0] == "changed" {
		t.Errorf("ProtectedNames returns shared storage")
	}
}

// TestDecideWriteSubmoduleGitDir:  a submodule's git directory lives at
// .git/modules/NAME/ (not NAME/.git/), so its hooks and config are not matched by the ".git/hooks" and
// ".git/config" rules. A sandboxed process can set core.fsmonitor or core.hooksPath in
// .git/modules/lib/config, or plant .git/modules/lib/hooks/post-checkout, and the next `git status` or
// `git submodule update` outside the sandbox runs it. sandbox-runtime has the same gap.
func TestDecideWriteSubmoduleGitDir(t *testing.T) {
	const w = "/nonexistent-work/proj"
	p := fsPolicy(t, Env{Home: "/nonexistent-home/u", WorkDir: w}, FilesystemSettings{AllowWrite: []string{"."}})
	for _, path := range []string{
		w + "/.git/modules/lib/config",
		w + "/.git/modules/lib/hooks/post-checkout",
		w + "/.git/modules/a/modules/b/hooks/pre-commit",
	} {
		if d := p.DecideWrite(path); d.Allowed() {
			t.Errorf("DecideWrite(%q) = %s, want deny", path, d)
		}
	}
}

//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/srt-sandbox/srt/host/policy"
)

// The end-to-end tests of the native sandbox run bin/srt (srtBin) as a subprocess with real namespaces and
// real clients.

var (
	sandboxOnce sync.Once
	sandboxWhy  string
)

// needSandbox skips when this machine cannot create the sandbox's namespaces, saying why.
func needSandbox(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("skipping: the native sandbox's namespace tests need Linux")
	}
	sandboxOnce.Do(func() {
		out, err := exec.Command(srtBin, "true").CombinedOutput()
		if err != nil {
			sandboxWhy = fmt.Sprintf("%v: %s", err, out)
		}
	})
	if sandboxWhy != "" {
		if os.Getenv("SRT_REQUIRE_TOOLS") != "" {
			t.Fatalf("the native sandbox is required (SRT_REQUIRE_TOOLS is set) but cannot start: %s", sandboxWhy)
		}
		t.Skipf("skipping: this machine cannot create user namespaces for the native sandbox: %s", sandboxWhy)
	}
}

// needTool is proxy_test.go's rule: skip without the client, fail under SRT_REQUIRE_TOOLS=1.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("SRT_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s is required (SRT_REQUIRE_TOOLS is set) but not found: %v", name, err)
		}
		t.Skipf("skipping: this test uses %s as a real client and it is not installed (apt-get install %s)", name, name)
	}
}

type srtRun struct {
	dir      string // working directory ("" : a fresh temp dir)
	stdin    string
	env      []string
	settings string // settings JSON ("" : none; HOME has no settings file then)
}

type srtResult struct {
	stdout, stderr string
	code           int
}

func (r srtResult) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs bin/srt with args; settings go in a file passed with --settings.
func (o srtRun) run(t *testing.T, args ...string) srtResult {
	t.Helper()
	home := t.TempDir()
	if o.settings != "" {
		p := filepath.Join(home, "settings.json")
		if err := os.WriteFile(p, []byte(o.settings), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append([]string{"--settings", p}, args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, srtBin, args...)
	cmd.Dir = o.dir
	if cmd.Dir == "" {
		cmd.Dir = t.TempDir()
	}
	cmd.Env = append(os.Environ(), "HOME="+home)
	cmd.Env = append(cmd.Env, o.env...)
	cmd.Stdin = strings.NewReader(o.stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running srt: %v", err)
	}
	return srtResult{out.String(), errb.String(), code}
}

// settingsJSON builds a settings file.
func settingsJSON(allowed []string, fs policy.FilesystemSettings, extra string) string {
	q := func(xs []string) string {
		var b []string
		for _, x := range xs {
			b = append(b, strconv.Quote(x))
		}
		return "[" + strings.Join(b, ",") + "]"
	}
	netExtra := ""
	if extra != "" {
		netExtra = "," + extra
	}
	return fmt.Sprintf(`{"network":{"allowedDomains":%s,"deniedDomains":[]%s},
"filesystem":{"denyRead":%s,"allowWrite":%s,"denyWrite":%s,"allowGitConfig":%v}}`,
		q(allowed), netExtra, q(fs.DenyRead), q(fs.AllowWrite), q(fs.DenyWrite), fs.AllowGitConfig)
}

func TestNativeExitStatusAndArgs(t *testing.T) {
	needSandbox(t)
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantOut  string // exact
		wantErr  string // regexp
	}{
		{"true", []string{"true"}, "", 0, "", `^$`},
		{"false", []string{"false"}, "", 1, "", `^$`},
		{"exit code", []string{"-c", "exit 7"}, "", 7, "", `^$`},
		{"argument boundaries", []string{"printf", "%s|", "a b", "c", ""}, "", 0, "a b|c||", `^$`},
		{"quotes survive", []string{"printf", "%s\n", `it's "quoted" $HOME`}, "", 0, "it's \"quoted\" $HOME\n", `^$`},
		{"-c is bash -c", []string{"-c", `echo "$0" $((6*7))`}, "", 0, "bash 42\n", `^$`},
		{"stdin passes through", []string{"tr", "a-z", "A-Z"}, "hello\n", 0, "HELLO\n", `^$`},
		{"killed by a signal", []string{"-c", "kill -9 $$"}, "", 137, "", `^Process killed by signal: SIGKILL\n$`},
		{"killed by SIGTERM", []string{"-c", "kill -TERM $$"}, "", 143, "", `^Process killed by signal: SIGTERM\n$`},
		{"command not found", []string{"no-such-command-srt"}, "", 127, "", `no-such-command-srt: command not found`},
		{"-- runs a command named like a subcommand", []string{"--", "proxy"}, "", 127, "", `proxy: command not found`},
		{"-- with a real command", []string{"--", "printf", "%s\n", "--help"}, "", 0, "--help\n", `^$`},
		{"flags of the command are its own", []string{"ls", "-d", "/"}, "", 0, "/\n", `^$`},
		{"no command", nil, "", 1, "", `^srt: No command specified\. Use -c <command> or provide command arguments\.\n$`},
		// srt blocks and ignores nothing of its own: the command sees the dispositions it would see when started
		// directly (ignored signals are inherited across exec, as nohup relies on; make, for one, ignores 32/33).
		{"signal dispositions as outside", []string{"grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"}, "", 0,
			directOutput(t, "grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"), `^$`},
		{"-c passes further arguments as $0, $1", []string{"-c", `echo "$0|$1"`, "zero", "one"}, "", 0, "zero|one\n", `^$`},
		{"environment", []string{"-c", `echo $SANDBOX_RUNTIME $HTTP_PROXY $ALL_PROXY $RSYNC_PROXY; test -d "$TMPDIR" && touch "$TMPDIR/x" && echo tmp-ok`}, "", 0,
			"1 http://localhost:3128 socks5h://localhost:1080 localhost:1080\ntmp-ok\n", `^$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := srtRun{stdin: tt.stdin}.run(t, tt.args...)
			if r.code != tt.wantCode || r.stdout != tt.wantOut || !regexp.MustCompile(tt.wantErr).MatchString(r.stderr) {
				t.Errorf("srt %q:\n%s\nwant exit %d, stdout %q, stderr matching %q", tt.args, r, tt.wantCode, tt.wantOut, tt.wantErr)
			}
		})
	}
}

// upstream is an HTTP server on the host's loopback; the sandbox reaches it only through the proxies.
func upstream(t *testing.T) int {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello from upstream") }))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

func TestNativeNetwork(t *testing.T) {
	needSandbox(t)
	needTool(t, "curl")
	port := upstream(t)
	log := filepath.Join(t.TempDir(), "audit.jsonl")
	settings := settingsJSON([]string{"localhost", "127.0.0.1"}, policy.FilesystemSettings{}, "")
	curl := `curl -sS --max-time 10 --noproxy '' `
	tests := []struct {
		name     string
		script   string
		wantCode int
		wantOut  string // regexp
	}{
		{"HTTP proxy, allowed", curl + `-x "$HTTP_PROXY" http://localhost:%d/`, 0, `^hello from upstream$`},
		{"HTTP proxy CONNECT, allowed", curl + `-p -x "$HTTP_PROXY" http://127.0.0.1:%d/`, 0, `^hello from upstream$`},
		{"SOCKS5, allowed", curl + `--socks5-hostname localhost:1080 http://localhost:%d/`, 0, `^hello from upstream$`},
		{"ALL_PROXY, allowed", curl + `-x "$ALL_PROXY" http://127.0.0.1:%d/`, 0, `^hello from upstream$`},
		{"HTTP proxy, denied", curl + `-x "$HTTP_PROXY" -w ' %%{http_code}' http://denied.example.com:%d/`, 0, `^Connection blocked by network allowlist 403$`},
		{"SOCKS5, denied", curl + `--socks5-hostname localhost:1080 http://denied.example.com:%d/`, 97, `^$`},
		{"direct connection fails", `curl -sS --max-time 5 --noproxy '*' http://127.0.0.1:%d/`, 7, `^$`},
		{"direct to another IP fails", `curl -sS --max-time 5 --noproxy '*' http://1.1.1.1:%d/`, 7, `^$`},
		{"DNS fails", `getent hosts example.com; echo $? %d`, 0, `^2 \d+\n$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := srtRun{settings: settings}.run(t, "--log-file", log, "-c", fmt.Sprintf(tt.script, port))
			if r.code != tt.wantCode || !regexp.MustCompile(tt.wantOut).MatchString(r.stdout) {
				t.Errorf("%s\nwant exit %d, stdout matching %q", r, tt.wantCode, tt.wantOut)
			}
		})
	}
	b, _ := os.ReadFile(log)
	for _, re := range []string{
		`"action":"allow","kind":"network","host":"localhost","port":` + strconv.Itoa(port),
		`"action":"deny","kind":"network","host":"denied.example.com"`,
		`"kind":"sandbox","path":"[^"]+","op":"start"`,
	} {
		if !regexp.MustCompile(re).Match(b) {
			t.Errorf("audit log lacks %s:\n%s", re, b)
		}
	}
}

func TestNativeExternalProxyPorts(t *testing.T) {
	needSandbox(t)
	needTool(t, "curl")
	port := upstream(t)
	settings := settingsJSON([]string{"localhost"}, policy.FilesystemSettings{}, "")
	p := startProxy(t, nil, "-s", writeFile(t, "s.json", settings), "proxy", "--http-port", "0", "--socks-port", "0")
	_, hp, _ := net.SplitHostPort(p.httpAddr)
	_, sp, _ := net.SplitHostPort(p.socksAddr)
	ext := settingsJSON(nil, policy.FilesystemSettings{}, `"httpProxyPort":`+hp+`,"socksProxyPort":`+sp)
	r := srtRun{settings: ext}.run(t, "-c", fmt.Sprintf(`curl -sS --noproxy '' -x "$HTTP_PROXY" http://localhost:%d/`, port))
	if r.code != 0 || r.stdout != "hello from upstream" {
		t.Errorf("through the external proxy (which allows localhost; the run's own settings allow nothing):\n%s", r)
	}
	p.stop(t)
}

func TestNativeUnixSockets(t *testing.T) {
	needSandbox(t)
	needTool(t, "perl")
	script := `use Socket; socket(my $s, AF_UNIX, SOCK_STREAM, 0) or do { print "$!\n"; exit 1 }; print "created\n";`
	r := srtRun{}.run(t, "perl", "-e", script)
	if r.code != 1 || r.stdout != "Operation not permitted\n" {
		t.Errorf("socket(AF_UNIX) without allowAllUnixSockets:\n%s\nwant EPERM", r)
	}
	allow := settingsJSON(nil, policy.FilesystemSettings{}, `"allowAllUnixSockets":true`)
	r = srtRun{settings: allow}.run(t, "perl", "-e", script)
	if r.code != 0 || r.stdout != "created\n" {
		t.Errorf("socket(AF_UNIX) with allowAllUnixSockets:\n%s", r)
	}
}

// fixture is a project directory with a git repository and the usual protected files, in a parent
// directory with things outside allowWrite.
type fixture struct {
	root, work, hidden, outside string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{root: root, work: filepath.Join(root, "work"), hidden: filepath.Join(root, "hidden"), outside: filepath.Join(root, "outside")}
	files := map[string]string{
		"work/main.go":            "package main\n",
		"work/.git/config":        "[core]\n",
		"work/.git/index":         "index\n",
		"work/.git/HEAD":          "ref: refs/heads/main\n",
		"work/.git/hooks/pre-x":   "#!/bin/sh\n",
		"work/.bashrc":            "# rc\n",
		"work/.gitmodules":        "",
		"work/.mcp.json":          "{}\n",
		"work/.vscode/tasks.json": "{}\n",
		"work/.claude/commands/c": "c\n",
		"work/sub/.zshrc":         "# z\n",
		"work/secrets/key":        "deny-write\n",
		"work/private.pem":        "SECRET-FILE-CONTENT\n",
		"hidden/token":            "SECRET-DIR-CONTENT\n",
		"outside/existing":        "outside\n",
	}
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f fixture) settings(allowGitConfig bool) string {
	return settingsJSON(nil, policy.FilesystemSettings{
		AllowWrite:     []string{"."},
		DenyWrite:      []string{"./secrets"},
		DenyRead:       []string{f.hidden, "./private.pem"},
		AllowGitConfig: allowGitConfig,
	}, "")
}

// snapshot is every path under dir with its content (directories as "dir").
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		switch {
		case fi.IsDir():
			m[p] = "dir"
		case fi.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			m[p] = "symlink " + l
		default:
			b, _ := os.ReadFile(p)
			m[p] = string(b)
		}
		return nil
	})
	return m
}

func TestNativeFilesystem(t *testing.T) {
	needSandbox(t)
	f := newFixture(t)
	before := snapshot(t, f.root)
	tests := []struct {
		name     string
		script   string
		wantCode int
		wantOut  string // regexp
		wantErr  string // regexp
	}{
		{"write in allowWrite", `echo new > new.txt && cat new.txt`, 0, `^new\n$`, `^$`},
		{"write outside allowWrite", `echo x > ../outside/new`, 1, `^$`, `Read-only file system`},
		{"overwrite outside allowWrite", `echo x > ../outside/existing`, 1, `^$`, `Read-only file system`},
		{"write to /etc", `touch /etc/srt-test`, 1, `^$`, `Read-only file system`},
		{"write to /tmp", `touch /tmp/srt-native-test-$$`, 1, `^$`, `Read-only file system`},
		{"denyWrite", `echo x > secrets/key`, 1, `^$`, `Read-only file system`},
		{"denyWrite, new file", `touch secrets/new`, 1, `^$`, `Read-only file system`},
		{"denyRead directory is empty", `ls -A ` + f.hidden + `; cat ` + f.hidden + `/token`, 1, `^$`, `No such file or directory`},
		{"denyRead file is empty", `cat private.pem; wc -c < private.pem`, 0, `^0\n$`, `^$`},
		{".git/index stays writable", `echo more >> .git/index && tail -1 .git/index`, 0, `^more\n$`, `^$`},
		{".git objects are writable", `mkdir -p .git/objects/ab && echo o > .git/objects/ab/cd && echo ok`, 0, `^ok\n$`, `^$`},
		{".git/config", `echo x >> .git/config`, 1, `^$`, `Read-only file system`},
		{".git/hooks existing", `echo x >> .git/hooks/pre-x`, 1, `^$`, `Read-only file system`},
		{".git/hooks new", `touch .git/hooks/post-checkout`, 1, `^$`, `Read-only file system`},
		{".bashrc existing", `echo x >> .bashrc`, 1, `^$`, `Read-only file system`},
		{".bashrc removed", `rm -f .bashrc`, 1, `^$`, `(Read-only file system|Device or resource busy)`},
		{"nested .zshrc", `echo x >> sub/.zshrc`, 1, `^$`, `Read-only file system`},
		{".vscode", `touch .vscode/settings.json`, 1, `^$`, `Read-only file system`},
		{".claude/commands", `touch .claude/commands/evil`, 1, `^$`, `Read-only file system`},
		{".mcp.json", `echo '{"x":1}' > .mcp.json`, 1, `^$`, `Read-only file system`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := srtRun{dir: f.work, settings: f.settings(false)}.run(t, "-c", tt.script)
			if r.code != tt.wantCode || !regexp.MustCompile(tt.wantOut).MatchString(r.stdout) || !regexp.MustCompile(tt.wantErr).MatchString(r.stderr) {
				t.Errorf("%s\nwant exit %d, stdout matching %q, stderr matching %q", r, tt.wantCode, tt.wantOut, tt.wantErr)
			}
			if strings.Contains(r.stdout+r.stderr, "SECRET-") {
				t.Errorf("denyRead content printed:\n%s", r)
			}
		})
	}
	after := snapshot(t, f.root)
	for p, v := range after {
		rel, _ := filepath.Rel(f.work, p)
		allowedChange := rel == "new.txt" || rel == ".git/index" || strings.HasPrefix(rel, ".git/objects")
		if before[p] != v && !allowedChange {
			t.Errorf("%s changed on the host: %q → %q", p, before[p], v)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("%s was removed on the host", p)
		}
	}
}

// TestNativeProtectedPaths checks every mandatory protected name: existing ones unchanged, new ones not
// created, in the working directory and nested.
func TestNativeProtectedPaths(t *testing.T) {
	needSandbox(t)
	for _, allowGitConfig := range []bool{false, true} {
		t.Run(fmt.Sprintf("allowGitConfig=%v", allowGitConfig), func(t *testing.T) {
			f := newFixture(t)
			os.Remove(filepath.Join(f.work, ".git/config"))
			before := snapshot(t, f.root)
			var script strings.Builder
			for _, dir := range []string{".", "sub", "sub/deeper/still"} {
				for _, n := range policy.ProtectedNames(allowGitConfig) {
					p := filepath.Join(dir, n)
					fmt.Fprintf(&script, "mkdir -p %q 2>/dev/null; echo x > %q 2>/dev/null && echo CREATED %s; mkdir %q 2>/dev/null && echo MKDIR %s; ", filepath.Dir(p), p, p, p, p)
				}
			}
			script.WriteString("echo x > .git/config 2>/dev/null && echo GITCONFIG-WRITABLE; echo y >> .git/index && echo INDEX-WRITABLE")
			log := filepath.Join(t.TempDir(), "audit.jsonl")
			r := srtRun{dir: f.work, settings: f.settings(allowGitConfig)}.run(t, "--log-file", log, "-c", script.String())
			// Each refused creation is in the audit log.
			b, _ := os.ReadFile(log)
			want := `"action":"deny","kind":"filesystem","path":"` + filepath.Join(f.work, "sub/deeper/still/.bashrc") +
				`","op":"write","reason":"mandatory protected path","backend":"native"`
			if !strings.Contains(string(b), want) {
				t.Errorf("audit log lacks %s:\n%s", want, b)
			}
			if strings.Contains(r.stdout, "CREATED") || strings.Contains(r.stdout, "MKDIR") {
				t.Errorf("protected paths were created:\n%s", r)
			}
			if !strings.Contains(r.stdout, "INDEX-WRITABLE") {
				t.Errorf(".git/index is not writable:\n%s", r)
			}
			if got := strings.Contains(r.stdout, "GITCONFIG-WRITABLE"); got != allowGitConfig {
				t.Errorf(".git/config writable = %v, want %v (allowGitConfig)\n%s", got, allowGitConfig, r)
			}
			after := snapshot(t, f.root)
			pol, err := policy.New(&policy.Settings{Filesystem: policy.FilesystemSettings{AllowWrite: []string{f.work}, AllowGitConfig: allowGitConfig}}, policy.Env{WorkDir: f.work})
			if err != nil {
				t.Fatal(err)
			}
			for p, v := range after {
				if d := pol.DecideWrite(p); d.Reason != "mandatory protected path" {
					continue
				}
				if old, ok := before[p]; !ok {
					t.Errorf("protected %s was created on the host", p)
				} else if old != v {
					t.Errorf("protected %s changed on the host: %q → %q", p, old, v)
				}
			}
		})
	}
}

// procsWith returns the host's processes whose command line contains marker.
func procsWith(marker string) []string {
	var found []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), marker) {
			found = append(found, e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return found
}

func TestNativeProcesses(t *testing.T) {
	needSandbox(t)
	r := srtRun{}.run(t, "-c", `ls /proc | grep -c '^[0-9]'; echo pid=$$`)
	lines := strings.Fields(r.stdout)
	if r.code != 0 || len(lines) != 2 {
		t.Fatalf("%s", r)
	}
	if n, _ := strconv.Atoi(lines[0]); n >= 30 || n < 1 {
		t.Errorf("%d processes visible in /proc, want fewer than 30", n)
	}
	if lines[1] == "pid=1" {
		t.Errorf("the command is PID 1; srt should be")
	}

	// A background process does not outlive the command.
	r = srtRun{}.run(t, "-c", `sleep 987651 & echo started`)
	if r.code != 0 || r.stdout != "started\n" {
		t.Errorf("%s", r)
	}
	if left := procsWith("987651"); len(left) > 0 {
		t.Errorf("processes survived the command: %q", left)
	}

	// --timeout kills the whole tree.
	r = srtRun{}.run(t, "--timeout", "1s", "-c", `sleep 987652 & sleep 987653; echo not-reached`)
	if r.code != 124 || r.stdout != "" || r.stderr != "srt: time limit 1s exceeded\n" {
		t.Errorf("--timeout:\n%s\nwant exit 124 and the time-limit message", r)
	}
	if left := procsWith("98765"); len(left) > 0 {
		t.Errorf("processes survived the timeout: %q", left)
	}
}

func TestNativeSignalsForwarded(t *testing.T) {
	needSandbox(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGUSR1} {
		t.Run(sig.String(), func(t *testing.T) {
			name := strings.TrimPrefix(signalNameForTest(sig), "SIG")
			cmd := exec.Command(srtBin, "-c", fmt.Sprintf(`trap 'echo got %s; exit 3' %s; echo ready; sleep 30 & wait`, name, name))
			cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
			stdout, _ := cmd.StdoutPipe()
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(stdout)
			if !sc.Scan() || sc.Text() != "ready" {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("no ready line: %q %s", sc.Text(), errb.String())
			}
			cmd.Process.Signal(sig)
			var rest []string
			for sc.Scan() {
				rest = append(rest, sc.Text())
			}
			err := cmd.Wait()
			ee, _ := err.(*exec.ExitError)
			if ee == nil || ee.ExitCode() != 3 || len(rest) != 1 || rest[0] != "got "+name {
				t.Errorf("after %v: %v, stdout %q, stderr %q; want exit 3 and %q", sig, err, rest, errb.String(), "got "+name)
			}
		})
	}
}

func signalNameForTest(s syscall.Signal) string {
	return map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT", syscall.SIGHUP: "SIGHUP", syscall.SIGUSR1: "SIGUSR1"}[s]
}

func TestNativeLimits(t *testing.T) {
	needSandbox(t)
	r := srtRun{}.run(t, "--max-output", "10", "-c", `yes | head -c 100000; echo done >&2`)
	if r.code != 0 || r.stdout != "y\ny\ny\ny\ny\n" || !strings.Contains(r.stderr, "srt: output truncated (limit 10 bytes; --max-output)") {
		t.Errorf("--max-output 10:\n%s", r)
	}
	needTool(t, "python3")
	r = srtRun{}.run(t, "--memory", "256MiB", "python3", "-c", "b = bytearray(1 << 30); print('allocated')")
	if r.code == 0 || strings.Contains(r.stdout, "allocated") || !strings.Contains(r.stderr, "MemoryError") {
		t.Errorf("--memory 256MiB, allocating 1 GiB:\n%s", r)
	}
	r = srtRun{}.run(t, "--memory", "256MiB", "python3", "-c", "b = bytearray(16 << 20); print('allocated')")
	if r.code != 0 || r.stdout != "allocated\n" {
		t.Errorf("--memory 256MiB, allocating 16 MiB:\n%s", r)
	}
	_, why := cgroupDelegatedForTest()
	switch {
	case why == "":
		r = srtRun{}.run(t, "--pids", "5", "-c", forkMany)
		if r.code == 0 || !strings.Contains(r.stderr, "fork") {
			t.Errorf("--pids 5 with a delegated cgroup, starting 8 processes:\n%s", r)
		}
	case os.Getuid() == 0:
		r = srtRun{}.run(t, "--pids", "20", "true")
		if r.code != 1 || !strings.Contains(r.stderr, "RLIMIT_NPROC does not apply to root") {
			t.Errorf("--pids as root without a delegated cgroup:\n%s\nwant a refusal", r)
		}
	}
}

// cgroupDelegatedForTest mirrors host.delegatedCgroup: is srt's own cgroup v2 offering memory and pids to
// children, writable by this user?
func cgroupDelegatedForTest() (string, string) {
	b, _ := os.ReadFile("/proc/self/cgroup")
	rel := ""
	for _, l := range strings.Split(string(b), "\n") {
		if p, ok := strings.CutPrefix(l, "0::"); ok {
			rel = p
		}
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	for _, l := range strings.Split(string(mi), "\n") {
		f := strings.Fields(l)
		for i, x := range f {
			if x == "-" && i+1 < len(f) && f[i+1] == "cgroup2" && rel != "" {
				dir := filepath.Join(f[4], rel)
				ctl, _ := os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
				if strings.Contains(string(ctl), "pids") && syscall.Access(dir, 2) == nil {
					return dir, ""
				}
				return "", "not delegated"
			}
		}
	}
	return "", "no cgroup v2"
}

// forkMany starts 8 processes and fails at once when fork fails (bash would retry for seconds).
const forkMany = `perl -e 'for (1..8) { defined(my $p = fork) or die "fork: $!\n"; if (!$p) { sleep 5; exit } } 1 while wait > 0'`

// TestNativeUnprivileged runs the sandbox as an unprivileged user (nobody), as most users run it.
func TestNativeUnprivileged(t *testing.T) {
	needSandbox(t)
	if os.Getuid() != 0 {
		t.Skip("skipping: running as an unprivileged user already; the other tests cover it")
	}
	needTool(t, "setpriv")
	dir := t.TempDir()
	bin := filepath.Join(dir, "srt")
	b, err := os.ReadFile(srtBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	for d := dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	run := func(args ...string) srtResult {
		cmd := exec.Command("setpriv", append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/nonexistent", bin}, args...)...)
		cmd.Dir = "/"
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return srtResult{out.String(), errb.String(), code}
	}
	r := run("-c", `id -u; touch /srt-unpriv 2>&1; touch "$TMPDIR/x" && echo tmp-ok; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status`)
	want := "65534\ntouch: cannot touch '/srt-unpriv': Read-only file system\ntmp-ok\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("as nobody:\n%s\nwant stdout %q", r, want)
	}
	if _, why := cgroupDelegatedForTest(); why != "" {
		r = run("--pids", "5", "-c", forkMany)
		if r.code == 0 || !strings.Contains(r.stderr, "--pids is enforced with RLIMIT_NPROC") || !strings.Contains(r.stderr, "fork") {
			t.Errorf("--pids 5 as nobody, starting 8 processes:\n%s", r)
		}
	}
}

func TestNativeTerminal(t *testing.T) {
	needSandbox(t)
	needTool(t, "script")
	needTool(t, "ps")
	// script(1) gives srt a pseudo-terminal as stdin, stdout and stderr and controlling terminal.
	cmd := exec.Command("script", "-qec", srtBin+` -c 'test -t 0 && test -t 1 && echo tty-ok; ps -o stat= -p $$'`, "/dev/null")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "tty-ok") {
		t.Errorf("under a terminal: %v\n%s", err, out)
	}
	// The command is in the terminal's foreground process group ("+" in ps's STAT).
	if !regexp.MustCompile(`(?m)^\S*\+`).Match(out) {
		t.Errorf("the command is not in the foreground process group:\n%s", out)
	}
}

func TestNativeDangerouslyDisableSandbox(t *testing.T) {
	needSandbox(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "written-unsandboxed")
	log := filepath.Join(t.TempDir(), "audit.jsonl")
	r := srtRun{}.run(t, "--log-file", log, "--dangerously-disable-sandbox", "touch", target)
	if r.code != 1 || !strings.Contains(r.stderr, "stdin is not a terminal; add --yes to confirm") {
		t.Errorf("without a terminal or --yes:\n%s", r)
	}
	if _, err := os.Stat(target); err == nil {
		t.Fatalf("the command ran although refused")
	}
	r = srtRun{}.run(t, "--log-file", log, "--dangerously-disable-sandbox", "--yes", "touch", target)
	if r.code != 0 || !strings.Contains(r.stderr, "WARNING: the sandbox is DISABLED") {
		t.Errorf("with --yes:\n%s", r)
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("unsandboxed command did not run: %v", err)
	}
	// The settings field does the same.
	r = srtRun{settings: `{"network":{"allowedDomains":[],"deniedDomains":[]},"filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]},"dangerouslyDisableSandbox":true}`}.run(t, "true")
	if r.code != 1 || !strings.Contains(r.stderr, "dangerouslyDisableSandbox in the settings") {
		t.Errorf("settings dangerouslyDisableSandbox without --yes:\n%s", r)
	}
	b, _ := os.ReadFile(log)
	for _, re := range []string{`"action":"deny","kind":"sandbox","op":"disable"`, `"action":"allow","kind":"sandbox","op":"disable"`} {
		if !regexp.MustCompile(re).Match(b) {
			t.Errorf("audit log lacks %s:\n%s", re, b)
		}
	}
}

func TestDoctor(t *testing.T) {
	r := srtRun{}.run(t, "doctor")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	for _, want := range []string{"user namespaces:", "landlock:", "seccomp:", "cgroup v2:", "backend native:", "backend wasm:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestNativeNestedFailsClosed runs srt inside srt: the inner one cannot create namespaces (seccomp denies
// clone(CLONE_NEWUSER)), so it must explain why and run nothing.
func TestNativeNestedFailsClosed(t *testing.T) {
	needSandbox(t)
	r := srtRun{}.run(t, srtBin, "-c", "echo SHOULD-NOT-RUN")
	if r.code != 1 || strings.Contains(r.stdout, "SHOULD-NOT-RUN") ||
		!strings.Contains(r.stderr, "cannot create the sandbox's namespaces") ||
		!strings.Contains(r.stderr, "srt never runs a command unsandboxed") {
		t.Errorf("nested srt:\n%s\nwant exit 1, a diagnosis and nothing run", r)
	}
}

// TestNativeStdioReopened: the files srt was given as stdout and stderr stay writable by name
// (/dev/stdout, /dev/stderr), although they are outside allowWrite: the user chose them.
func TestNativeStdioReopened(t *testing.T) {
	needSandbox(t)
	out, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(srtBin, "-c", `echo one > /dev/stdout; echo two >> /proc/self/fd/1; echo three > /dev/stderr`)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	cmd.Dir = t.TempDir()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v", err)
	}
	b, _ := os.ReadFile(out.Name())
	if string(b) != "three\n" && string(b) != "one\ntwo\nthree\n" {
		t.Errorf("output file = %q", b)
	}
	if !strings.Contains(string(b), "three") {
		t.Errorf("writing /dev/stderr failed: %q", b)
	}
}

// jobControl drives an interactive bash on a pseudo-terminal: it runs srt in the foreground, stops it with
// Ctrl-Z, checks that the shell reports a stopped job, continues it with fg and feeds it a line.
const jobControl = `
import os, pty, select, sys, time
srt = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
buf = ""
def expect(s, t=20):
    global buf
    end = time.time() + t
    while s not in buf:
        if time.time() > end:
            print("TIMEOUT waiting for %r in %r" % (s, buf[-300:])); sys.exit(1)
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            buf += os.read(fd, 4096).decode(errors="replace")
    buf = buf[buf.index(s) + len(s):]
os.write(fd, b"PS1='$ '\n")
os.write(fd, (srt + " -c 'echo READY-$((1+1)); read x; echo DONE-$x'\n").encode())
expect("READY-2")
os.write(fd, b"\x1a")
expect("Stopped")
os.write(fd, b"fg\n")
expect(srt)
os.write(fd, b"42\n")
expect("DONE-42")
os.write(fd, b"exit\n")
print("OK")
`

func TestNativeJobControl(t *testing.T) {
	needSandbox(t)
	needTool(t, "python3")
	needTool(t, "bash")
	script := filepath.Join(t.TempDir(), "job.py")
	os.WriteFile(script, []byte(jobControl), 0o644)
	cmd := exec.Command("python3", script, srtBin)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasSuffix(string(out), "OK\n") {
		t.Errorf("Ctrl-Z and fg through srt: %v\n%s", err, out)
	}
}

// directOutput runs a command outside any sandbox and returns its stdout.
func directOutput(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(out)
}

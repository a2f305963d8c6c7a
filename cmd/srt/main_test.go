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
	"strings"
	"syscall"
	"testing"
	"time"
)

// srtBin is the srt binary built once for the end-to-end tests (without -race: it runs as a subprocess).
var srtBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "srt-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srtBin = filepath.Join(dir, "srt")
	out, err := exec.Command("go", "build", "-o", srtBin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building srt: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const validSettings = `{"network":{"allowedDomains":["localhost"],"deniedDomains":[]},
"filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]}}`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// runCLI runs the in-process CLI and returns stdout, stderr and the exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestCLIBasics(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // regexp
		wantErr  string // regexp
	}{
		{"version", []string{"--version"}, 0, `^srt \S+`, `^$`},
		{"help", []string{"--help"}, 0, `(?s)Usage:.*proxy`, `^$`},
		{"no command", nil, 1, `^$`, `^srt: No command specified\. Use -c <command> or provide command arguments\.\n$`},
		{"proxy help", []string{"proxy", "--help"}, 0, `--http-port`, `^$`},
		{"completion", []string{"completion", "bash"}, 0, `bash completion`, `^$`},
		{"unknown flag", []string{"proxy", "--nope"}, 1, `^$`, `unknown flag: --nope`},
		{"missing settings file", []string{"-s", filepath.Join(home, "nope.json"), "proxy"}, 1, `^$`,
			`^srt: settings file ".*nope\.json" does not exist\n$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.wantCode, errs)
			}
			if !regexp.MustCompile(tt.wantOut).MatchString(out) {
				t.Errorf("stdout %q does not match %q", out, tt.wantOut)
			}
			if !regexp.MustCompile(tt.wantErr).MatchString(errs) {
				t.Errorf("stderr %q does not match %q", errs, tt.wantErr)
			}
		})
	}
}

func TestCLIInvalidSettingsRunNothing(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	tests := []struct {
		name, content, wantErr string
	}{
		{"bad pattern", `{"network":{"allowedDomains":["*.com"],"deniedDomains":[]},"filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]}}`,
			`network\.allowedDomains\.0: Invalid domain pattern "\*\.com"`},
		{"empty", "", `file is empty`},
		{"typo", `{"network":{"allowedDomain":[],"deniedDomains":[]},"filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]}}`,
			`network\.allowedDomain: Unknown key`},
		{"not json", `{"network":`, `not valid JSON`},
		{"empty path", `{"network":{"allowedDomains":[],"deniedDomains":[]},"filesystem":{"denyRead":[""],"allowWrite":[],"denyWrite":[]}}`,
			`filesystem\.denyRead\.0: Path cannot be empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "s.json", tt.content)
			out, errs, code := runCLI(t, "--settings", path, "proxy", "--http-port", "0", "--socks-port", "0")
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if out != "" {
				t.Errorf("stdout %q: something ran", out)
			}
			if !strings.Contains(errs, path) || !regexp.MustCompile(tt.wantErr).MatchString(errs) {
				t.Errorf("stderr %q must name %s and match %q", errs, path, tt.wantErr)
			}
		})
	}
	// The default file is found in $HOME, and an invalid one there also stops srt.
	home := t.TempDir()
	t.Setenv("HOME", home)
	os.WriteFile(filepath.Join(home, ".srt-settings.json"), []byte("{}"), 0o600)
	_, errs, code := runCLI(t, "proxy", "--http-port", "0", "--socks-port", "0")
	if code != 1 || !strings.Contains(errs, ".srt-settings.json") || !strings.Contains(errs, "network: Required") {
		t.Errorf("invalid default file: exit %d, stderr %q", code, errs)
	}
}

func TestCLIWarnsForUnimplementedKeys(t *testing.T) {
	path := writeFile(t, "s.json", `{"network":{"allowedDomains":[],"deniedDomains":[]},
	  "filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]},"ignoreViolations":{},"allowPty":true}`)
	p := startProxy(t, nil, "--settings", path, "proxy", "--http-port", "0", "--socks-port", "0")
	p.stop(t)
	if got := strings.Count(p.stderr.String(), "srt: warning: settings: "); got != 2 {
		t.Errorf("%d warnings, want 2:\n%s", got, p.stderr.String())
	}
}

// proxyProc is a running `srt proxy`.
type proxyProc struct {
	cmd       *exec.Cmd
	httpAddr  string
	socksAddr string
	stderr    *syncBuffer
	done      chan error
}

type syncBuffer struct {
	mu chan struct{}
	b  bytes.Buffer
}

func newSyncBuffer() *syncBuffer { s := &syncBuffer{mu: make(chan struct{}, 1)}; return s }
func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.String()
}

var listenLine = regexp.MustCompile(`^(HTTP|SOCKS5) proxy listening on (127\.0\.0\.1:\d+)$`)

func startProxy(t *testing.T, env []string, args ...string) *proxyProc {
	t.Helper()
	cmd := exec.Command(srtBin, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proxyProc{cmd: cmd, stderr: newSyncBuffer(), done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); <-p.done })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		p.done <- cmd.Wait()
	}()
	timeout := time.After(20 * time.Second)
	for p.httpAddr == "" || p.socksAddr == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("srt proxy exited before listening; stderr:\n%s", p.stderr.String())
			}
			m := listenLine.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("unexpected stdout line %q", l)
			}
			if m[1] == "HTTP" {
				p.httpAddr = m[2]
			} else {
				p.socksAddr = m[2]
			}
		case <-timeout:
			t.Fatalf("srt proxy did not print its ports; stderr:\n%s", p.stderr.String())
		}
	}
	go func() {
		for range lines {
		}
	}()
	return p
}

func (p *proxyProc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Errorf("srt proxy exited with %v after SIGTERM; stderr:\n%s", err, p.stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("srt proxy did not exit after SIGTERM")
	}
}

func get(t *testing.T, proxyAddr, url string) (int, string) {
	t.Helper()
	tr := &http.Transport{Proxy: func(*http.Request) (*urlT, error) { return parseURL("http://" + proxyAddr) }}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		t.Fatalf("GET %s via %s: %v", url, proxyAddr, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestProxyService(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "up") }))
	defer upstream.Close()
	upPort := upstream.Listener.Addr().(*net.TCPAddr).Port
	url := fmt.Sprintf("http://localhost:%d/", upPort)

	settings := writeFile(t, "s.json", validSettings)
	logFile := filepath.Join(t.TempDir(), "audit.jsonl")
	p := startProxy(t, nil, "-s", settings, "--log-file", logFile, "proxy", "--http-port", "0", "--socks-port", "0", "--debug")

	if code, body := get(t, p.httpAddr, url); code != 200 || body != "up" {
		t.Fatalf("allowed: %d %q", code, body)
	}
	if code, body := get(t, p.httpAddr, "http://denied.example.com/"); code != 403 || body != "Connection blocked by network allowlist" {
		t.Fatalf("denied: %d %q", code, body)
	}

	// SIGHUP with an invalid file: rejected, the old policy stays.
	os.WriteFile(settings, []byte(`{"network":{"allowedDomains":["*"]`), 0o600)
	p.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, func() bool { return strings.Contains(p.stderr.String(), "reload failed, keeping the previous policy") })
	if code, _ := get(t, p.httpAddr, url); code != 200 {
		t.Fatalf("after invalid reload: %d, want the old policy (200)", code)
	}
	// SIGHUP with a valid file that no longer allows localhost: new requests are denied.
	os.WriteFile(settings, []byte(strings.Replace(validSettings, `"localhost"`, `"example.org"`, 1)), 0o600)
	p.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, func() bool { return strings.Contains(p.stderr.String(), "settings reloaded") })
	if code, _ := get(t, p.httpAddr, url); code != 403 {
		t.Fatalf("after valid reload: %d, want 403", code)
	}
	p.stop(t)

	errs := p.stderr.String()
	for _, want := range []string{"srt: action=allow kind=network host=localhost", "srt: action=deny kind=network host=denied.example.com port=80"} {
		if !strings.Contains(errs, want) {
			t.Errorf("--debug output lacks %q:\n%s", want, errs)
		}
	}
	log, _ := os.ReadFile(logFile)
	for _, re := range []string{
		`(?m)^\{"time":"[^"]+","action":"allow","kind":"network","host":"localhost","port":\d+,"rule":"localhost","reason":"matches allowedDomains","backend":"http-proxy"\}$`,
		`(?m)^\{"time":"[^"]+","action":"deny","kind":"network","host":"denied.example.com","port":80,"reason":"not in allowedDomains","backend":"http-proxy"\}$`,
	} {
		if !regexp.MustCompile(re).Match(log) {
			t.Errorf("log file lacks a line matching %s:\n%s", re, log)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestProxyPorts(t *testing.T) {
	settings := writeFile(t, "s.json", validSettings)
	hp, sp := freePort(t), freePort(t)
	// The environment overrides the defaults.
	p := startProxy(t, []string{fmt.Sprintf("ANTHROPIC_HTTP_PROXY_PORT=%d", hp), fmt.Sprintf("ANTHROPIC_SOCKS_PROXY_PORT=%d", sp)},
		"-s", settings, "proxy")
	if got, want := p.httpAddr, fmt.Sprintf("127.0.0.1:%d", hp); got != want {
		t.Errorf("HTTP address %s, want %s from ANTHROPIC_HTTP_PROXY_PORT", got, want)
	}
	if got, want := p.socksAddr, fmt.Sprintf("127.0.0.1:%d", sp); got != want {
		t.Errorf("SOCKS address %s, want %s from ANTHROPIC_SOCKS_PROXY_PORT", got, want)
	}

	// A port in use: a clear error naming the port and how to change it, exit 1.
	cmd := exec.Command(srtBin, "-s", settings, "proxy", "--http-port", fmt.Sprint(hp), "--socks-port", "0")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("port in use: %v, want exit 1", err)
	}
	wantErr := fmt.Sprintf("srt: HTTP proxy: address 127.0.0.1:%d is already in use (is another srt proxy or sandbox running?); "+
		"choose another port with --http-port or ANTHROPIC_HTTP_PROXY_PORT, or 0 for any free port\n", hp)
	if errb.String() != wantErr || out.String() != "" {
		t.Errorf("port in use: stdout %q stderr %q, want stderr %q", out.String(), errb.String(), wantErr)
	}
	p.stop(t)

	// Flags override the environment.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := fmt.Sprint(busy.Addr().(*net.TCPAddr).Port)
	p = startProxy(t, []string{"ANTHROPIC_HTTP_PROXY_PORT=" + busyPort, "ANTHROPIC_SOCKS_PROXY_PORT=" + busyPort},
		"-s", settings, "proxy", "--http-port", "0", "--socks-port", "0")
	p.stop(t)

	// A bad environment value is an error.
	t.Setenv("ANTHROPIC_SOCKS_PROXY_PORT", "http")
	if _, errs, code := runCLI(t, "-s", settings, "proxy", "--http-port", "0"); code != 1 || !strings.Contains(errs, `ANTHROPIC_SOCKS_PROXY_PORT="http": not a port number`) {
		t.Errorf("bad env port: exit %d stderr %q", code, errs)
	}
}

func TestGlobalFlagsAfterSubcommand(t *testing.T) {
	settings := writeFile(t, "s.json", validSettings)
	log := filepath.Join(t.TempDir(), "a.jsonl")
	p := startProxy(t, nil, "proxy", "--http-port", "0", "--socks-port", "0", "--settings", settings, "--log-file", log)
	get(t, p.httpAddr, "http://denied.example.com/")
	p.stop(t)
	if b, _ := os.ReadFile(log); !strings.Contains(string(b), `"host":"denied.example.com"`) {
		t.Errorf("--log-file after the subcommand was ignored: %q", b)
	}
}

package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// wasmCacheHome is the XDG_CACHE_HOME every end-to-end run shares, so python.wasm is compiled (and its
// snapshot taken) once across test runs, not once per test.
func wasmCacheHome(t *testing.T) string {
	t.Helper()
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	p := filepath.Join(d, "srt-test", "xdg")
	if err := os.MkdirAll(p, 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

type wasmResult struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
}

// wasmRun runs bin/srt with args in dir (or a temp dir), stdin from stdin.
func wasmRun(t *testing.T, dir string, env []string, stdin string, args ...string) wasmResult {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	cmd := exec.Command(srtBin, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"),
		"XDG_CACHE_HOME=" + wasmCacheHome(t)}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := wasmResult{out.String(), errb.String(), 0, time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

func wasmSettings(t *testing.T, allowed []string, denyRead, allowWrite []string) string {
	t.Helper()
	s := map[string]any{
		"network":    map[string]any{"allowedDomains": nonNil(allowed), "deniedDomains": []string{}},
		"filesystem": map[string]any{"denyRead": nonNil(denyRead), "allowWrite": nonNil(allowWrite), "denyWrite": []string{}},
	}
	b, _ := json.Marshal(s)
	return writeFile(t, "settings.json", string(b))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestWasmPythonBasics(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "script.py"), []byte("import sys\nprint('args', sys.argv[1:])\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "where.py"), []byte("import sys\nprint(sys.argv, __file__)\n"), 0o644)
	settings := wasmSettings(t, nil, nil, nil)
	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantOut  string // regexp
		wantErr  string // regexp
	}{
		{"hello", "", []string{"-c", "print('hello world')"}, 0, `^hello world\n$`, `^$`},
		{"script with args", "", []string{"script.py", "a b", "--c"}, 0, `^args \['a b', '--c'\]\n$`, `^$`},
		{"script argv0 and __file__", "", []string{"./where.py", "x"}, 0, `^\['\./where\.py', 'x'\] ` + regexp.QuoteMeta(resolved(t, dir)) + `/where\.py\n$`, `^$`},
		{"stdin", "print(6*7)\n", nil, 0, `^42\n$`, `^$`},
		{"dash stdin", "import sys\nprint(sys.argv)\n", []string{"-", "x"}, 0, `^\['-', 'x'\]\n$`, `^$`},
		{"exit code", "", []string{"-c", "raise SystemExit(3)"}, 3, `^$`, `^$`},
		{"sys.exit msg", "", []string{"-c", "import sys; sys.exit('bye')"}, 1, `^$`, `^bye\n$`},
		{"traceback", "", []string{"-c", "1/0"}, 1, `^$`, `(?s)Traceback.*ZeroDivisionError: division by zero\n$`},
		{"-m", "", []string{"-m", "json.tool", "--help"}, 0, `usage:`, `^$`},
		{"-u -I -E", "", []string{"-u", "-I", "-E", "-c", "import sys; print(sys.flags.isolated, sys.flags.ignore_environment)"}, 0, `^1 1\n$`, `^$`},
		{"cwd", "", []string{"-c", "import os; print(os.getcwd())"}, 0, "^" + regexp.QuoteMeta(resolved(t, dir)) + `\n$`, `^$`},
		{"run flags then args", "", []string{"--timeout", "30s", "--env", "A=1", "-c", "import os; print(os.environ['A'])"}, 0, `^1\n$`, `^$`},
		{"program flags stay", "", []string{"-c", "import sys; print(sys.argv)", "--timeout", "1s"}, 0, `^\['-c', '--timeout', '1s'\]\n$`, `^$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := wasmRun(t, dir, nil, tt.stdin, append([]string{"-s", settings, "wasm", "python"}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.wantCode, r.stderr)
			}
			if !regexp.MustCompile(tt.wantOut).MatchString(r.stdout) {
				t.Errorf("stdout %q does not match %q", r.stdout, tt.wantOut)
			}
			if !regexp.MustCompile(tt.wantErr).MatchString(r.stderr) {
				t.Errorf("stderr %q does not match %q", r.stderr, tt.wantErr)
			}
		})
	}
}

func resolved(t *testing.T, p string) string {
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestWasmPythonEnvironment(t *testing.T) {
	t.Setenv("SRT_TEST_COPY", "copied")
	settings := wasmSettings(t, nil, nil, nil)
	script := `
import os, json, tempfile
env = dict(os.environ)
tmp = env["TMPDIR"]
with open(os.path.join(tmp, "f"), "w") as f: f.write("x")
print(json.dumps(env, sort_keys=True))
print(tempfile.gettempdir() == tmp)
`
	r := wasmRun(t, "", []string{"SRT_TEST_COPY=copied", "SECRET_TOKEN=nope"}, "",
		"-s", settings, "wasm", "python", "--env", "K=V", "--env", "SRT_TEST_COPY", "-c", script)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	var env map[string]string
	if err := json.Unmarshal([]byte(lines[0]), &env); err != nil {
		t.Fatal(err)
	}
	keys := []string{}
	for k := range env {
		keys = append(keys, k)
	}
	want := map[string]bool{"K": true, "SRT_TEST_COPY": true, "SANDBOX_RUNTIME": true, "HOME": true, "TMPDIR": true}
	for k := range env {
		if !want[k] {
			t.Errorf("unexpected variable %s in %v", k, keys)
		}
	}
	if env["K"] != "V" || env["SRT_TEST_COPY"] != "copied" || env["SANDBOX_RUNTIME"] != "1" {
		t.Errorf("env %v", env)
	}
	if lines[1] != "True" {
		t.Errorf("tempfile.gettempdir() is not TMPDIR: %q", r.stdout)
	}
	if _, err := os.Stat(env["TMPDIR"]); !os.IsNotExist(err) {
		t.Errorf("TMPDIR %s not removed after the run (%v)", env["TMPDIR"], err)
	}
	// --keep-tmp keeps it and says where.
	r = wasmRun(t, "", nil, "", "-s", settings, "wasm", "python", "--keep-tmp", "-c",
		"import os; open(os.environ['TMPDIR'] + '/kept', 'w').write('k')")
	m := regexp.MustCompile(`srt: kept TMPDIR (\S+)`).FindStringSubmatch(r.stderr)
	if r.code != 0 || m == nil {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	defer os.RemoveAll(m[1])
	if b, err := os.ReadFile(filepath.Join(m[1], "kept")); err != nil || string(b) != "k" {
		t.Errorf("kept file: %q %v", b, err)
	}
}

func TestWasmPythonStdlib(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "w")
	os.Mkdir(w, 0o755)
	settings := wasmSettings(t, nil, nil, []string{w})
	script := `
import json, csv, io, sqlite3, zlib, hashlib, decimal, re, datetime, zoneinfo
assert json.loads(json.dumps({"a": [1, 2]})) == {"a": [1, 2]}
rows = list(csv.reader(io.StringIO("a,b\n1,2\n"))); assert rows == [["a", "b"], ["1", "2"]]
m = sqlite3.connect(":memory:"); m.execute("create table t(x)"); m.execute("insert into t values (41)")
assert m.execute("select x+1 from t").fetchone()[0] == 42
f = sqlite3.connect("w/db.sqlite"); f.execute("create table t(x)"); f.execute("insert into t values (7)"); f.commit(); f.close()
assert sqlite3.connect("w/db.sqlite").execute("select x from t").fetchone()[0] == 7
assert zlib.decompress(zlib.compress(b"x" * 1000)) == b"x" * 1000
assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf")
assert str(decimal.Decimal("0.1") + decimal.Decimal("0.2")) == "0.3"
assert re.sub(r"(\d+)", r"<\1>", "a1b22") == "a<1>b<22>"
d = datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone.utc)
print(d.astimezone(zoneinfo.ZoneInfo("Europe/Paris")).isoformat())
print("ok")
`
	r := wasmRun(t, dir, nil, "", "-s", settings, "wasm", "python", "-c", script)
	if r.code != 0 || !strings.HasSuffix(r.stdout, "ok\n") {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "2024-01-01T13:00:00+01:00") {
		t.Errorf("zoneinfo: %q", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(w, "db.sqlite")); err != nil {
		t.Errorf("sqlite file under allowWrite: %v", err)
	}
}

const canary = "SRT-CANARY-7f3a9c"

// stopBound is how long a run that a limit must stop may take before a test calls it "not stopped". It is
// far above any plausible delay on a loaded machine and far below what the programs would take unstopped:
// make test asserts no wall-clock times (how fast the stop is, is measured by make bench).
const stopBound = 30 * time.Second

// TestWasmPythonAttacks runs every script in testdata/attacks/python against a prepared layout: every
// attempt must be blocked, the canary in denyRead files never printed, and nothing written outside w/.
func TestWasmPythonAttacks(t *testing.T) {
	runWasmAttacks(t, "python", ".py", nil)
}

// runWasmAttacks runs every script testdata/attacks/RUNTIME/[a-z]*EXT with `srt wasm RUNTIME SCRIPT
// CACHEDIR` in a prepared layout (see testdata/attacks/python/_common.py); prepare, if set, adds to it.
func runWasmAttacks(t *testing.T, runtime, ext string, prepare func(root string)) {
	scripts, _ := filepath.Glob("../../testdata/attacks/" + runtime + "/[a-z]*" + ext)
	if len(scripts) == 0 {
		t.Fatal("no attack scripts")
	}
	backend := "wasm-python"
	if runtime == "js" {
		backend = "wasm-js"
	}
	for _, script := range scripts {
		script, _ := filepath.Abs(script)
		name := strings.TrimSuffix(filepath.Base(script), ext)
		t.Run(name, func(t *testing.T) {
			root := resolved(t, t.TempDir())
			for _, d := range []string{"secret", "w/.git/hooks"} {
				os.MkdirAll(filepath.Join(root, d), 0o755)
			}
			os.WriteFile(filepath.Join(root, "secret/key"), []byte(canary), 0o644)
			os.WriteFile(filepath.Join(root, "secretfile"), []byte(canary), 0o644)
			os.WriteFile(filepath.Join(root, "ro.txt"), []byte("ro"), 0o644)
			os.WriteFile(filepath.Join(root, "w/.git/config"), []byte("[core]\n"), 0o644)
			os.Symlink("../secret/key", filepath.Join(root, "w/link"))
			if prepare != nil {
				prepare(root)
			}
			before := listTree(t, root)
			settings := wasmSettings(t, nil, []string{"secret", "secretfile"}, []string{"w"})
			logFile := filepath.Join(t.TempDir(), "audit.jsonl")
			cache := filepath.Join(wasmCacheHome(t), "srt", "wazero")
			r := wasmRun(t, root, nil, "", "-s", settings, "--log-file", logFile, "wasm", runtime, script, cache)
			t.Logf("%s\n%s", r.stdout, r.stderr)
			if r.code != 0 || !strings.HasSuffix(r.stdout, "done\n") {
				t.Fatalf("exit %d", r.code)
			}
			if strings.Contains(r.stdout, "ESCAPED") {
				t.Errorf("escape:\n%s", r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, canary) {
				t.Errorf("denyRead content disclosed")
			}
			for p := range listTree(t, root) {
				if !before[p] && !strings.HasPrefix(p, "w/") && p != "w" {
					t.Errorf("created outside allowWrite: %s", p)
				}
			}
			for p := range before {
				if _, err := os.Lstat(filepath.Join(root, p)); err != nil && !strings.HasPrefix(p, "w/") {
					t.Errorf("removed outside allowWrite: %s", p)
				}
			}
			for _, p := range []string{"w/.git/hooks/post-checkout", "w/.bashrc", "w/.vscode"} {
				if _, err := os.Lstat(filepath.Join(root, p)); err == nil {
					t.Errorf("mandatory path %s was created", p)
				}
			}
			if b, _ := os.ReadFile(filepath.Join(root, "ro.txt")); string(b) != "ro" {
				t.Errorf("ro.txt changed: %q", b)
			}
			if b, _ := os.ReadFile(filepath.Join(root, "w/.git/config")); string(b) != "[core]\n" {
				t.Errorf("w/.git/config changed: %q", b)
			}
			if strings.Contains(r.stdout, "BLOCKED") {
				log, _ := os.ReadFile(logFile)
				if !strings.Contains(string(log), `"backend":"`+backend+`"`) || !strings.Contains(string(log), `"action":"deny"`) {
					t.Errorf("denials not in the audit log:\n%s", log)
				}
			}
		})
	}
}

func listTree(t *testing.T, root string) map[string]bool {
	m := map[string]bool{}
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if rel, _ := filepath.Rel(root, p); rel != "." {
			m[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	return m
}

func TestWasmPythonLimits(t *testing.T) {
	settings := wasmSettings(t, nil, nil, nil)
	t.Run("sleep", func(t *testing.T) {
		r := wasmRun(t, "", nil, "", "-s", settings, "wasm", "python", "-c",
			"import time; t = time.monotonic(); time.sleep(0.2); print(time.monotonic() - t >= 0.2)")
		if r.code != 0 || r.stdout != "True\n" || r.elapsed < 200*time.Millisecond {
			t.Errorf("exit %d stdout %q stderr %q in %v", r.code, r.stdout, r.stderr, r.elapsed)
		}
	})
	for _, tc := range []struct{ name, code string }{
		{"busy loop", "while True: pass"},
		{"sleep 100", "import time; time.sleep(100)"},
		{"select", "import select; select.select([], [], [], 100)"},
	} {
		t.Run("timeout "+tc.name, func(t *testing.T) {
			r := wasmRun(t, "", nil, "", "-s", settings, "--timeout", "1s", "wasm", "python", "-c", tc.code)
			if r.code != 124 || r.stderr != "srt: time limit 1s exceeded\n" {
				t.Errorf("exit %d stderr %q", r.code, r.stderr)
			}
			if r.elapsed > stopBound { // not a timing assertion: the program itself would run for 100 s or forever
				t.Errorf("took %v for a 1s limit: the run was not stopped", r.elapsed)
			}
		})
	}
	t.Run("timeout as run flag", func(t *testing.T) {
		r := wasmRun(t, "", nil, "", "-s", settings, "wasm", "python", "--timeout", "500ms", "-c", "while True: pass")
		if r.code != 124 || !strings.Contains(r.stderr, "srt: time limit 500ms exceeded") {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
	})
	t.Run("supervised child keeps the other limits", func(t *testing.T) {
		// With --timeout the guest runs in a child srt; the other limits and run flags must reach it.
		r := wasmRun(t, "", nil, "", "-s", settings, "--max-output", "64", "wasm", "python", "--timeout", "30s",
			"--memory", "64MiB", "--env", "A=from-env", "-u", "-c", "import os\nprint(os.environ['A'])\nbytearray(10**9)")
		if r.code != 1 || !strings.HasPrefix(r.stdout, "from-env\n") || !strings.Contains(r.stderr, "srt: output truncated") {
			t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("memory", func(t *testing.T) {
		r := wasmRun(t, "", nil, "", "-s", settings, "wasm", "python", "--memory", "64MiB", "-c", "bytearray(10**9)")
		if !(r.code == 1 && strings.Contains(r.stderr, "MemoryError")) &&
			!(r.code == 137 && strings.Contains(r.stderr, "out of memory")) {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
		r = wasmRun(t, "", nil, "", "-s", settings, "wasm", "python", "--memory", "64MiB", "-c",
			"l = []\nwhile True: l.append(bytearray(10**6))")
		if !(r.code == 1 && strings.Contains(r.stderr, "MemoryError")) &&
			!(r.code == 137 && strings.Contains(r.stderr, "out of memory")) {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
	})
	t.Run("max-output", func(t *testing.T) {
		r := wasmRun(t, "", nil, "", "-s", settings, "wasm", "python", "--max-output", "1KiB", "-c",
			"import sys\nfor i in range(100000): print('flood', i)")
		if r.code != 0 || len(r.stdout) != 1024 || strings.Count(r.stderr, "srt: output truncated") != 1 {
			t.Errorf("exit %d, %d bytes stdout, stderr %q", r.code, len(r.stdout), r.stderr)
		}
	})
}

func TestWasmPythonRunFlagErrors(t *testing.T) {
	settings := wasmSettings(t, nil, nil, nil)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--timeout"}, "flag needs an argument: --timeout"},
		{[]string{"--timeout", "abc", "-c", "1"}, `--timeout "abc"`},
		{[]string{"--mount", "nope", "-c", "1"}, `--mount "nope"`},
		{[]string{"--mount", "/tmp:/.srt/x", "-c", "1"}, "reserved"},
		{[]string{"--memory", "lots", "-c", "1"}, `--memory "lots"`},
	} {
		r := wasmRun(t, "", nil, "", append([]string{"-s", settings, "wasm", "python"}, tc.args...)...)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("%v: exit %d stderr %q", tc.args, r.code, r.stderr)
		}
	}
	r := wasmRun(t, "", nil, "", "wasm", "python", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "--max-output") {
		t.Errorf("--help: exit %d %q", r.code, r.stdout)
	}
}

func TestWasmPythonMount(t *testing.T) {
	data := t.TempDir()
	os.WriteFile(filepath.Join(data, "in.txt"), []byte("mounted"), 0o644)
	settings := wasmSettings(t, nil, nil, []string{data})
	r := wasmRun(t, "", nil, "", "-s", settings, "wasm", "python", "--mount", data+":/data:ro", "-c", `
print(open("/data/in.txt").read())
try:
    open("/data/out.txt", "w")
except OSError as e:
    print("ro", e.errno)
`)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "mounted\nro ") {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = wasmRun(t, "", nil, "", "-s", settings, "wasm", "python", "--mount", data+":/data", "-c",
		`open("/data/out.txt", "w").write("w")`)
	if b, err := os.ReadFile(filepath.Join(data, "out.txt")); r.code != 0 || string(b) != "w" {
		t.Errorf("rw mount: exit %d %q %v %s", r.code, b, err, r.stderr)
	}
}

// echoUpstream is a loopback HTTP server that echoes method and body.
func echoUpstream(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.Path, b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestWasmPythonNetwork(t *testing.T) {
	srv := echoUpstream(t)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	settings := wasmSettings(t, []string{"localhost"}, nil, nil)
	script := fmt.Sprintf(`
import urllib.request, http.client, socket, select, selectors
port = %d
print(urllib.request.urlopen("http://localhost:%%d/get" %% port).read().decode())
print(urllib.request.urlopen(urllib.request.Request("http://localhost:%%d/post" %% port, data=b"payload")).read().decode())
c = http.client.HTTPConnection("localhost", port, timeout=5)
c.request("POST", "/hc", body=b"body2"); print(c.getresponse().read().decode())
s = socket.create_connection(("localhost", port), timeout=5)
s.sendall(b"GET /raw HTTP/1.0\r\nHost: x\r\n\r\n")
print("select", select.select([s], [], [], 5)[0] == [s])
sel = selectors.DefaultSelector(); sel.register(s, selectors.EVENT_READ); print("selectors", len(sel.select(5)))
data = s.makefile("rb").read(); print("raw", data.split(b"\r\n")[0].decode(), data.endswith(b"GET /raw "))
s2 = socket.socket(); s2.settimeout(0.3); s2.connect(("localhost", port))
try:
    s2.recv(10)
except TimeoutError:
    print("recv timeout")
ai = socket.getaddrinfo("localhost", port)[0]; print("gai", ai[4][0])
for url in ("http://example.com/", "http://denied.invalid:8080/"):
    try:
        urllib.request.urlopen(url, timeout=5)
    except Exception as e:
        print("denied", type(e).__name__, e)
try:
    socket.create_connection(("example.com", 443))
except OSError as e:
    print("oserror", type(e).__mro__[1].__name__, e)
`, port)
	logFile := filepath.Join(t.TempDir(), "audit.jsonl")
	r := wasmRun(t, "", nil, "", "-s", settings, "--log-file", logFile, "wasm", "python", "-c", script)
	if r.code != 0 {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"GET /get \n", "POST /post payload\n", "POST /hc body2\n", "select True\n",
		"selectors 1\n", "raw HTTP/1.0 200 OK True\n", "recv timeout\n", "gai localhost\n",
		"blocked by network allowlist", "example.com:80", "denied.invalid:8080", "example.com:443"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	log, _ := os.ReadFile(logFile)
	if !regexp.MustCompile(`"action":"deny","kind":"network","host":"example.com","port":80.*"backend":"wasm-python"`).Match(log) ||
		!regexp.MustCompile(`"action":"allow","kind":"network","host":"localhost".*"backend":"wasm-python"`).Match(log) {
		t.Errorf("audit log:\n%s", log)
	}
}

// testCA writes a CA certificate (PEM) to a file and returns a TLS server certificate for localhost signed by it.
func testCA(t *testing.T) (string, tls.Certificate) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "srt test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caFile := writeFile(t, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})))
	return caFile, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func tlsUpstream(t *testing.T, cert tls.Certificate) int {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "TLS %s %s %s", r.Method, r.URL.Path, b)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

func TestWasmPythonHTTPS(t *testing.T) {
	caFile, cert := testCA(t)
	port := tlsUpstream(t, cert)
	settings := wasmSettings(t, []string{"localhost"}, nil, nil)
	script := fmt.Sprintf(`
import ssl, urllib.request, http.client, socket
url = "https://localhost:%d/x"
print(urllib.request.urlopen(url, timeout=5).read().decode())
ctx = ssl.create_default_context()
c = http.client.HTTPSConnection("localhost", %d, context=ctx, timeout=5)
c.request("POST", "/p", body=b"sec"); print(c.getresponse().read().decode())
s = ctx.wrap_socket(socket.create_connection(("localhost", %d)), server_hostname="localhost")
s.sendall(b"GET /w HTTP/1.0\r\n\r\n"); print(s.recv(4096).split(b"\r\n")[0].decode())
`, port, port, port)
	r := wasmRun(t, "", []string{"SSL_CERT_FILE=" + caFile}, "", "-s", settings, "wasm", "python", "-c", script)
	if r.code != 0 || !strings.Contains(r.stdout, "TLS GET /x \n") || !strings.Contains(r.stdout, "TLS POST /p sec\n") ||
		!strings.Contains(r.stdout, "HTTP/1.0 200 OK\n") {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}

	// Without the test CA the certificate is not trusted: ssl.SSLCertVerificationError, as in CPython.
	script = fmt.Sprintf(`
import ssl, urllib.request, socket
try:
    urllib.request.urlopen("https://localhost:%d/x", timeout=5)
except urllib.error.URLError as e:
    print(type(e.reason).__name__, isinstance(e.reason, ssl.SSLError), e.reason)
ctx = ssl.create_default_context()
try:
    ctx.wrap_socket(socket.create_connection(("localhost", %d)), server_hostname="localhost")
except ssl.SSLCertVerificationError as e:
    print("verify failed", e.verify_message != "")
ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("localhost", %d)), server_hostname="localhost")
s.sendall(b"GET /n HTTP/1.0\r\n\r\n"); print("unverified", s.recv(4096).split(b"\r\n")[0].decode())
`, port, port, port)
	r = wasmRun(t, "", []string{"SSL_CERT_FILE=" + writeFile(t, "empty.pem", "")}, "", "-s", settings, "wasm", "python", "-c", script)
	if r.code != 0 || !strings.Contains(r.stdout, "SSLCertVerificationError True") ||
		!strings.Contains(r.stdout, "CERTIFICATE_VERIFY_FAILED") || !strings.Contains(r.stdout, "verify failed True") ||
		!strings.Contains(r.stdout, "unverified HTTP/1.0 200 OK") {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestWasmPythonGuestCA checks the roots a guest's SSL context names (cafile, capath, cadata): they are
// what the host verifies against, as OpenSSL would, and pinning one CA rejects a server of another.
func TestWasmPythonGuestCA(t *testing.T) {
	caFile, cert := testCA(t)
	otherCA, _ := testCA(t)
	port := tlsUpstream(t, cert)
	settings := wasmSettings(t, []string{"localhost"}, nil, nil)
	noCerts := writeFile(t, "nocerts.pem", "not a certificate\n")
	capath := filepath.Dir(caFile)
	script := fmt.Sprintf(`
import ssl, socket, urllib.request
CA, OTHER, NOCERTS, CAPATH, PORT = %q, %q, %q, %q, %d
def get(ctx, name):
    try:
        s = ctx.wrap_socket(socket.create_connection(("localhost", PORT)), server_hostname="localhost")
        s.sendall(b"GET /" + name.encode() + b" HTTP/1.0\r\n\r\n")
        print(name, s.recv(4096).split(b"\r\n")[0].decode())
    except ssl.SSLCertVerificationError as e:
        print(name, "verify failed")
get(ssl.create_default_context(), "default")
get(ssl.create_default_context(cafile=CA), "cafile")
get(ssl.create_default_context(capath=CAPATH), "capath")
get(ssl.create_default_context(cadata=open(CA).read()), "cadata-pem")
get(ssl.create_default_context(cadata=ssl.PEM_cert_to_DER_cert(open(CA).read())), "cadata-der")
get(ssl.create_default_context(cafile=OTHER), "pinned-other")
ctx = ssl.create_default_context(cafile=OTHER); ctx.load_default_certs()
get(ctx, "other-and-defaults")
print("stats", ssl.create_default_context(cafile=CA).cert_store_stats()["x509_ca"])
r = urllib.request.urlopen("https://localhost:%%d/u" %% PORT, context=ssl.create_default_context(cafile=CA), timeout=5)
print("urllib", r.read().decode())
for bad in (NOCERTS, CAPATH + "/missing.pem"):
    try:
        ssl.create_default_context(cafile=bad)
    except (ssl.SSLError, FileNotFoundError) as e:
        print("bad", type(e).__name__)
import os
s = socket.create_connection(("localhost", PORT))
fd = os.open("/.srt/net/tlsroots/%%d" %% s._id, os.O_WRONLY)
try:
    os.write(fd, b"only\n" + b"x" * (9 << 20))
except OSError:
    print("roots too big")
`, caFile, otherCA, noCerts, capath, port)
	// srt's own roots (SSL_CERT_FILE) do not include the test CA.
	r := wasmRun(t, "", []string{"SSL_CERT_FILE=" + writeFile(t, "empty.pem", "")}, "", "-s", settings, "wasm", "python", "-c", script)
	want := []string{"default verify failed", "cafile HTTP/1.0 200 OK", "capath HTTP/1.0 200 OK",
		"cadata-pem HTTP/1.0 200 OK", "cadata-der HTTP/1.0 200 OK", "pinned-other verify failed",
		"other-and-defaults verify failed", "stats 1", "urllib TLS GET /u ", "bad SSLError", "bad FileNotFoundError",
		"roots too big"}
	if got := strings.Split(strings.TrimSpace(r.stdout), "\n"); r.code != 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, got, want, r.stderr)
	}

	// srt's roots trust the test CA; a context pinned to another CA still rejects the server, and one that
	// adds the defaults to it accepts it.
	script = fmt.Sprintf(`
import ssl, socket
for name, ctx in (("pinned", ssl.create_default_context(cafile=%q)), ("defaults", ssl.create_default_context())):
    try:
        ctx.wrap_socket(socket.create_connection(("localhost", %d)), server_hostname="localhost")
        print(name, "ok")
    except ssl.SSLCertVerificationError:
        print(name, "verify failed")
ctx = ssl.create_default_context(cafile=%q); ctx.load_default_certs()
ctx.wrap_socket(socket.create_connection(("localhost", %d)), server_hostname="localhost"); print("both ok")
`, otherCA, port, otherCA, port)
	r = wasmRun(t, "", []string{"SSL_CERT_FILE=" + caFile}, "", "-s", settings, "wasm", "python", "-c", script)
	if r.code != 0 || r.stdout != "pinned verify failed\ndefaults ok\nboth ok\n" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestWasmPythonAsyncio checks socket.socketpair (made by the host in memory) and asyncio on top of it:
// the event loop, timers, streams to an allowed host by name (no resolver thread: WASI has none), TLS by
// the host, and a denied host.
func TestWasmPythonAsyncio(t *testing.T) {
	plain := echoUpstream(t).Listener.Addr().(*net.TCPAddr).Port
	caFile, cert := testCA(t)
	tlsPort := tlsUpstream(t, cert)
	settings := wasmSettings(t, []string{"localhost"}, nil, nil)
	script := fmt.Sprintf(`
import asyncio, select, socket, ssl
print("host", socket.gethostname())
a, b = socket.socketpair()
a.sendall(b"ping"); print("pair", b.recv(10), select.select([a], [], [], 0)[0] == [])
b.sendall(b"pong"); print("pair", select.select([a], [], [], 5)[0] == [a], a.recv(10))
a.close(); print("eof", b.recv(10))
pairs = []
try:
    while len(pairs) < 1000:
        pairs.append(socket.socketpair())
except OSError as e:
    print("limit", len(pairs) > 100, "too many open connections" in str(e))
for x, y in pairs:
    x.close(); y.close()
socket.socketpair(); print("again")

async def get(port, **kw):
    r, w = await asyncio.open_connection("localhost", port, **kw)
    w.write(b"GET /a HTTP/1.0\r\nHost: localhost\r\n\r\n")
    await w.drain()
    body = (await r.read()).split(b"\r\n\r\n", 1)[1].decode()
    w.close()
    await w.wait_closed()
    return body

async def main():
    print("gather", await asyncio.gather(*(asyncio.sleep(0.01 * i, result=i) for i in range(3))))
    print("plain", await get(%d))
    print("tls", await get(%d, ssl=ssl.create_default_context(cafile=%q)))
    try:
        await asyncio.open_connection("example.com", 80)
    except OSError as e:
        print("denied", "blocked by network allowlist" in str(e))
    try:
        await get(%d, ssl=True)  # the test CA is not among srt's roots
    except ssl.SSLCertVerificationError:
        print("tls verify failed")
asyncio.run(main())
`, plain, tlsPort, caFile, tlsPort)
	r := wasmRun(t, "", []string{"SSL_CERT_FILE=" + writeFile(t, "empty.pem", "")}, "", "-s", settings, "wasm", "python", "-c", script)
	want := "host srt-sandbox\npair b'ping' True\npair True b'pong'\neof b''\nlimit True True\nagain\n" +
		"gather [0, 1, 2]\nplain GET /a \ntls TLS GET /a \n" +
		"denied True\ntls verify failed\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, want, r.stderr)
	}
}

// TestWasmPythonRequests uses Debian's pure-Python requests and urllib3, mounted read-only.
func TestWasmPythonRequests(t *testing.T) {
	const dist = "/usr/lib/python3/dist-packages"
	if _, err := os.Stat(filepath.Join(dist, "requests", "__init__.py")); err != nil {
		if os.Getenv("SRT_REQUIRE_TOOLS") != "" {
			t.Fatal("python3-requests is required (SRT_REQUIRE_TOOLS is set) but not installed")
		}
		t.Skip("skipping: this test mounts Debian's requests and urllib3, and python3-requests is not installed (apt-get install python3-requests)")
	}
	caFile, cert := testCA(t)
	port := tlsUpstream(t, cert)
	plain := echoUpstream(t).Listener.Addr().(*net.TCPAddr).Port
	settings := wasmSettings(t, []string{"localhost"}, nil, nil)
	script := fmt.Sprintf(`
import sys; sys.path.append("/deb")
import requests
r = requests.get("https://localhost:%d/req", timeout=5); print(r.status_code, r.text)
r = requests.post("http://localhost:%d/form", data={"a": "1"}, timeout=5); print(r.status_code, r.text)
try:
    requests.get("http://example.com/", timeout=5)
except requests.exceptions.ConnectionError as e:
    print("denied", "blocked by network allowlist" in str(e))
`, port, plain)
	// requests verifies against its own CA bundle (certifi, Debian's system bundle) unless told otherwise,
	// as under CPython: REQUESTS_CA_BUNDLE names the test CA, which the guest reads and hands to the host.
	r := wasmRun(t, "", []string{"SSL_CERT_FILE=" + caFile}, "", "-s", settings, "wasm", "python",
		"--mount", dist+":/deb:ro", "--env", "REQUESTS_CA_BUNDLE="+caFile, "-c", script)
	if r.code != 0 || !strings.Contains(r.stdout, "200 TLS GET /req \n") || !strings.Contains(r.stdout, "200 POST /form a=1\n") ||
		!strings.Contains(r.stdout, "denied True") {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestWasmPythonFirstRun uses an empty cache: the one-time progress line appears with --debug (stderr is
// not a terminal here), the cache directory is private, and the second run is quiet.
func TestWasmPythonFirstRun(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles python.wasm (several seconds)")
	}
	xdg := t.TempDir()
	settings := wasmSettings(t, nil, nil, nil)
	env := []string{"XDG_CACHE_HOME=" + xdg}
	r := wasmRun(t, "", env, "", "-s", settings, "--debug", "wasm", "python", "-c", "print(1)")
	if r.code != 0 || r.stdout != "1\n" ||
		!regexp.MustCompile(`^srt: preparing python runtime \(one-time\) … done in \d+\.\ds\n$`).MatchString(r.stderr) {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	fi, err := os.Stat(filepath.Join(xdg, "srt", "wazero"))
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("cache dir: %v %v", fi.Mode(), err)
	}
	r = wasmRun(t, "", env, "", "-s", settings, "--debug", "wasm", "python", "-c", "print(2)")
	if r.code != 0 || r.stdout != "2\n" || r.stderr != "" {
		t.Errorf("second run: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// Without --debug and without a terminal, the first run is quiet too.
	r = wasmRun(t, "", []string{"XDG_CACHE_HOME=" + t.TempDir()}, "", "-s", settings, "wasm", "python", "-c", "print(3)")
	if r.code != 0 || r.stdout != "3\n" || r.stderr != "" {
		t.Errorf("quiet first run: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestWasmPythonExternalProxies: with httpProxyPort or socksProxyPort the guest's connections go through
// that proxy (here a separate `srt proxy` whose allow-list is the only one that permits the upstream).
func TestWasmPythonExternalProxies(t *testing.T) {
	port := echoUpstream(t).Listener.Addr().(*net.TCPAddr).Port
	allowAll := wasmSettings(t, []string{"localhost"}, nil, nil)
	p := startProxy(t, nil, "--settings", allowAll, "proxy", "--http-port", "0", "--socks-port", "0")
	defer p.stop(t)
	for _, tc := range []struct{ key, addr string }{{"httpProxyPort", p.httpAddr}, {"socksProxyPort", p.socksAddr}} {
		t.Run(tc.key, func(t *testing.T) {
			_, ps, _ := net.SplitHostPort(tc.addr)
			// The run's own settings allow nothing: only the external proxy decides.
			settings := writeFile(t, "s.json", fmt.Sprintf(`{"network":{"allowedDomains":[],"deniedDomains":[],%q:%s},
"filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]}}`, tc.key, ps))
			r := wasmRun(t, "", nil, "", "-s", settings, "wasm", "python", "-c", fmt.Sprintf(`
import urllib.request
print(urllib.request.urlopen("http://localhost:%d/ext").read().decode())
try:
    urllib.request.urlopen("http://example.com/")
except Exception as e:
    print("denied", "blocked by network allowlist" in str(e))
`, port))
			if r.code != 0 || r.stdout != "GET /ext \ndenied True\n" {
				t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
		})
	}
}

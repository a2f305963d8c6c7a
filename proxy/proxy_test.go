package proxy_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/srt-sandbox/srt/host/policy"
	"github.com/srt-sandbox/srt/proxy"
)

// fakeResolver answers for a few test names and records every lookup; other names go to the system
// resolver (only "localhost" is used, which /etc/hosts answers).
type fakeResolver struct {
	mu      sync.Mutex
	names   map[string][]netip.Addr
	lookups []string
}

func (r *fakeResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	r.lookups = append(r.lookups, host)
	addrs, ok := r.names[host]
	r.mu.Unlock()
	if ok {
		return addrs, nil
	}
	return net.DefaultResolver.LookupNetIP(ctx, network, host)
}

func (r *fakeResolver) calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lookups...)
}

type events struct {
	mu sync.Mutex
	ev []policy.Event
}

func (e *events) Record(ev policy.Event) {
	e.mu.Lock()
	e.ev = append(e.ev, ev)
	e.mu.Unlock()
}

func (e *events) find(action policy.Action, host string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range e.ev {
		if ev.Action == action && ev.Host == host {
			return true
		}
	}
	return false
}

type fixture struct {
	upstream  *httptest.Server
	upPort    int
	httpAddr  string
	socksAddr string
	resolver  *fakeResolver
	events    *events
	gotHost   chan string
}

const settingsJSON = `{"network":{"allowedDomains":["localhost","127.0.0.1","rebind.test","*.rebind.test","closed.test"],
 "deniedDomains":["evil.localhost.test"]},"filesystem":{"denyRead":[],"allowWrite":[],"denyWrite":[]}}`

func start(t *testing.T, opts proxy.Options) *fixture {
	t.Helper()
	f := &fixture{
		resolver: &fakeResolver{names: map[string][]netip.Addr{
			"rebind.test":       {netip.MustParseAddr("127.0.0.1")},
			"inner.rebind.test": {netip.MustParseAddr("10.1.2.3")},
			"closed.test":       {netip.MustParseAddr("192.0.2.1")}, // TEST-NET-1, never answers
		}},
		events:  &events{},
		gotHost: make(chan string, 16),
	}
	f.upstream = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case f.gotHost <- r.Host:
		default:
		}
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "posted %s", b)
			return
		}
		fmt.Fprint(w, "hello from upstream")
	}))
	t.Cleanup(f.upstream.Close)
	f.upPort = f.upstream.Listener.Addr().(*net.TCPAddr).Port

	s, _, err := policy.Parse("test.json", []byte(settingsJSON))
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.New(s, policy.Env{})
	if err != nil {
		t.Fatal(err)
	}
	gate := proxy.NewGate(pol, proxy.GateOptions{Recorder: f.events, Resolver: f.resolver, DialTimeout: 2 * time.Second})
	hl := listen(t)
	sl := listen(t)
	h := proxy.NewHTTP(gate, opts)
	s5 := proxy.NewSOCKS(gate, opts)
	go h.Serve(hl)
	go s5.Serve(sl)
	t.Cleanup(func() { h.Close(); s5.Close() })
	f.httpAddr, f.socksAddr = hl.Addr().String(), sl.Addr().String()
	return f
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// needTool skips when a required client is missing, saying why; SRT_REQUIRE_TOOLS=1 (set by CI) turns the
// skip into a failure so that CI cannot pass without running these tests.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("SRT_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s is required (SRT_REQUIRE_TOOLS is set) but not found: %v", name, err)
		}
		t.Skipf("skipping: this test uses %s as a real client and it is not installed (apt-get install %s)", name, name)
	}
}

type curlResult struct {
	stdout, stderr string
	code           int
}

func curl(t *testing.T, args ...string) curlResult {
	t.Helper()
	needTool(t, "curl")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "curl", append([]string{"-sS", "--max-time", "10", "--noproxy", ""}, args...)...)
	cmd.Env = append(os.Environ(), "http_proxy=", "https_proxy=", "HTTP_PROXY=", "HTTPS_PROXY=", "ALL_PROXY=", "all_proxy=", "NO_PROXY=", "no_proxy=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running curl: %v", err)
	}
	return curlResult{out.String(), errb.String(), code}
}

func TestHTTPProxyAllowedPlain(t *testing.T) {
	f := start(t, proxy.Options{})
	url := fmt.Sprintf("http://localhost:%d/x", f.upPort)
	r := curl(t, "-x", f.httpAddr, "-H", "Host: evil.example", url)
	if r.code != 0 || r.stdout != "hello from upstream" {
		t.Fatalf("curl = %d %q %q, want 0 and upstream body", r.code, r.stdout, r.stderr)
	}
	if got, want := <-f.gotHost, fmt.Sprintf("localhost:%d", f.upPort); got != want {
		t.Errorf("upstream saw Host %q, want %q (Host must come from the URL)", got, want)
	}
	if !f.events.find(policy.ActionAllow, "localhost") {
		t.Error("no allow event recorded")
	}
}

func TestHTTPProxyPost(t *testing.T) {
	f := start(t, proxy.Options{})
	r := curl(t, "-x", f.httpAddr, "--data-binary", "abc", fmt.Sprintf("http://127.0.0.1:%d/", f.upPort))
	if r.code != 0 || r.stdout != "posted abc" {
		t.Fatalf("curl = %d %q %q", r.code, r.stdout, r.stderr)
	}
}

func TestHTTPProxyDeniedPlain(t *testing.T) {
	f := start(t, proxy.Options{})
	r := curl(t, "-i", "-x", f.httpAddr, "http://denied.example.com/")
	for _, want := range []string{"HTTP/1.1 403 Forbidden", "X-Proxy-Error: blocked-by-allowlist", "Content-Type: text/plain", "\r\n\r\nConnection blocked by network allowlist"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("response lacks %q:\n%s", want, r.stdout)
		}
	}
	if !f.events.find(policy.ActionDeny, "denied.example.com") {
		t.Error("no deny event recorded")
	}
	if calls := f.resolver.calls(); len(calls) != 0 {
		t.Errorf("denied request caused DNS lookups %v", calls)
	}
}

func TestHTTPProxyConnect(t *testing.T) {
	f := start(t, proxy.Options{})
	r := curl(t, "-p", "-x", f.httpAddr, fmt.Sprintf("http://localhost:%d/", f.upPort))
	if r.code != 0 || r.stdout != "hello from upstream" {
		t.Fatalf("allowed CONNECT: curl = %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = curl(t, "-p", "-x", f.httpAddr, "https://denied.example.com/")
	if !strings.Contains(r.stderr, "CONNECT tunnel failed, response 403") {
		t.Errorf("denied CONNECT: stderr %q, want CONNECT tunnel failed, response 403", r.stderr)
	}
}

func TestHTTPProxyDNSRebinding(t *testing.T) {
	f := start(t, proxy.Options{})
	// rebind.test is allowed by name but resolves to 127.0.0.1, which only "localhost"/"127.0.0.1" allow —
	// both are allowed here, so use a name resolving to a private address nobody allowed.
	r := curl(t, "-i", "-x", f.httpAddr, "http://inner.rebind.test/")
	if !strings.Contains(r.stdout, "403 Forbidden") || !strings.Contains(r.stdout, "blocked-by-allowlist") {
		t.Errorf("plain request to a name resolving to 10.1.2.3: got %q", r.stdout)
	}
	r = curl(t, "-p", "-x", f.httpAddr, "http://inner.rebind.test/")
	if !strings.Contains(r.stderr, "response 403") {
		t.Errorf("CONNECT to a name resolving to 10.1.2.3: stderr %q", r.stderr)
	}
	r = curl(t, "--socks5-hostname", f.socksAddr, "http://inner.rebind.test/")
	if r.code != 97 {
		t.Errorf("SOCKS to a name resolving to 10.1.2.3: curl exit %d, want 97", r.code)
	}
}

func TestHTTPProxyUpstreamFailure(t *testing.T) {
	f := start(t, proxy.Options{})
	l := listen(t)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := curl(t, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-x", f.httpAddr, fmt.Sprintf("http://127.0.0.1:%d/", port))
	if r.stdout != "502" {
		t.Errorf("closed upstream port: status %q, want 502", r.stdout)
	}
	r = curl(t, "-p", "-x", f.httpAddr, fmt.Sprintf("http://127.0.0.1:%d/", port))
	if !strings.Contains(r.stderr, "response 502") {
		t.Errorf("CONNECT to closed port: stderr %q, want response 502", r.stderr)
	}
}

// raw sends req on a fresh connection to addr and returns the first response line.
func raw(t *testing.T, addr, req string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, req)
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line)
}

func TestHTTPProxyMalformed(t *testing.T) {
	f := start(t, proxy.Options{})
	tests := []struct{ name, req, want string }{
		{"garbage", "GARBAGE\r\n\r\n", "400"},
		{"origin-form", "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", "400"},
		{"connect without port", "CONNECT localhost HTTP/1.1\r\nHost: localhost\r\n\r\n", "400"},
		{"connect bad port", "CONNECT localhost:99999 HTTP/1.1\r\nHost: localhost\r\n\r\n", "400"},
		{"ftp scheme", "GET ftp://localhost/ HTTP/1.1\r\nHost: localhost\r\n\r\n", "400"},
		{"bad host", "GET http://exa%20mple.com/ HTTP/1.1\r\nHost: x\r\n\r\n", "4"},
		{"huge header", "GET http://localhost/ HTTP/1.1\r\nX: " + strings.Repeat("a", 2<<20) + "\r\n\r\n", "431"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := raw(t, f.httpAddr, tt.req)
			fields := strings.Fields(got)
			if len(fields) < 2 || !strings.HasPrefix(fields[1], tt.want) {
				t.Errorf("status line %q, want status %s…", got, tt.want)
			}
		})
	}
	// The proxy is still up.
	if r := curl(t, "-x", f.httpAddr, fmt.Sprintf("http://localhost:%d/", f.upPort)); r.code != 0 {
		t.Fatalf("proxy broken after malformed requests: %v", r)
	}
}

func TestHTTPProxyAuthToken(t *testing.T) {
	f := start(t, proxy.Options{AuthToken: "s3cret"})
	url := fmt.Sprintf("http://localhost:%d/", f.upPort)
	if r := curl(t, "-o", "/dev/null", "-w", "%{http_code}", "-x", f.httpAddr, url); r.stdout != "407" {
		t.Errorf("no credentials: %q, want 407", r.stdout)
	}
	if r := curl(t, "-o", "/dev/null", "-w", "%{http_code}", "-x", f.httpAddr, "-U", "srt:wrong", url); r.stdout != "407" {
		t.Errorf("wrong token: %q, want 407", r.stdout)
	}
	if r := curl(t, "-x", f.httpAddr, "-U", "srt:s3cret", url); r.stdout != "hello from upstream" {
		t.Errorf("right token: %+v", r)
	}
	if r := curl(t, "-p", "-x", f.httpAddr, url); !strings.Contains(r.stderr, "407") {
		t.Errorf("CONNECT without token: %+v", r)
	}
	if r := curl(t, "-p", "-x", f.httpAddr, "-U", "srt:s3cret", url); r.stdout != "hello from upstream" {
		t.Errorf("CONNECT with token: %+v", r)
	}
	if r := curl(t, "-x", "socks5h://srt:s3cret@"+f.socksAddr, url); r.stdout != "hello from upstream" {
		t.Errorf("SOCKS with token: %+v", r)
	}
	if r := curl(t, "-x", "socks5h://srt:nope@"+f.socksAddr, url); r.code == 0 {
		t.Errorf("SOCKS with wrong token succeeded: %+v", r)
	}
	if got := socksGreeting(t, f.socksAddr, 0x00); !bytes.Equal(got, []byte{5, 0xff}) {
		t.Errorf("SOCKS no-auth offer with a token configured: % x, want 05 ff", got)
	}
}

func TestSOCKSAllowed(t *testing.T) {
	f := start(t, proxy.Options{})
	r := curl(t, "--socks5-hostname", f.socksAddr, fmt.Sprintf("http://localhost:%d/", f.upPort))
	if r.code != 0 || r.stdout != "hello from upstream" {
		t.Fatalf("curl = %+v", r)
	}
	r = curl(t, "--socks5", f.socksAddr, fmt.Sprintf("http://127.0.0.1:%d/", f.upPort))
	if r.code != 0 || r.stdout != "hello from upstream" {
		t.Fatalf("IP literal via SOCKS: curl = %+v", r)
	}
}

func TestSOCKSDeniedWithoutDNS(t *testing.T) {
	f := start(t, proxy.Options{})
	r := curl(t, "--socks5-hostname", f.socksAddr, "http://denied.example.com/")
	if r.code != 97 {
		t.Errorf("curl exit %d (%s), want 97", r.code, r.stderr)
	}
	if calls := f.resolver.calls(); len(calls) != 0 {
		t.Errorf("denied SOCKS name was looked up: %v", calls)
	}
	if !f.events.find(policy.ActionDeny, "denied.example.com") {
		t.Error("no deny event")
	}
	// Raw check of the reply bytes.
	if got := socksConnect(t, f.socksAddr, 0x01, "denied.example.com", 80); got[1] != 0x02 {
		t.Errorf("denied CONNECT reply % x, want 05 02", got)
	}
}

// socksGreeting offers the given auth methods and returns the server's choice.
func socksGreeting(t *testing.T, addr string, methods ...byte) []byte {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write(append([]byte{5, byte(len(methods))}, methods...))
	buf := make([]byte, 2)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatalf("reading method choice: %v", err)
	}
	return buf
}

// socksConnect sends a request with command cmd for host:port (no auth) and returns the reply's first bytes.
func socksConnect(t *testing.T, addr string, cmd byte, host string, port int) []byte {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write([]byte{5, 1, 0})
	choice := make([]byte, 2)
	if _, err := io.ReadFull(c, choice); err != nil || choice[1] != 0 {
		t.Fatalf("greeting: % x %v", choice, err)
	}
	req := []byte{5, cmd, 0, 3, byte(len(host))}
	req = append(req, host...)
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	c.Write(req)
	reply := make([]byte, 4)
	if _, err := io.ReadFull(c, reply); err != nil {
		t.Fatalf("reading reply: %v", err)
	}
	return reply
}

func TestSOCKSProtocol(t *testing.T) {
	f := start(t, proxy.Options{})
	tests := []struct {
		name string
		cmd  byte
		host string
		want byte
	}{
		{"bind", 0x02, "localhost", 0x07},
		{"udp associate", 0x03, "localhost", 0x07},
		{"bind to denied name", 0x02, "denied.example.com", 0x07},
		{"unknown command", 0x09, "localhost", 0x07},
		{"connect rebinding", 0x01, "inner.rebind.test", 0x02},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := socksConnect(t, f.socksAddr, tt.cmd, tt.host, f.upPort)
			if got[0] != 5 || got[1] != tt.want {
				t.Errorf("reply % x, want 05 %02x", got[:2], tt.want)
			}
		})
	}
	for _, m := range []byte{0x01, 0x02, 0x80} {
		if got := socksGreeting(t, f.socksAddr, m); !bytes.Equal(got, []byte{5, 0xff}) {
			t.Errorf("offer %#x only: % x, want 05 ff", m, got)
		}
	}
	// SOCKS4 and garbage are dropped, and the proxy keeps working.
	for _, junk := range []string{"\x04\x01\x00\x50\x7f\x00\x00\x01\x00", "GET / HTTP/1.1\r\n\r\n", "\x05"} {
		c, err := net.Dial("tcp", f.socksAddr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(3 * time.Second))
		io.WriteString(c, junk)
		if tcp, ok := c.(*net.TCPConn); ok {
			tcp.CloseWrite()
		}
		io.ReadAll(c)
		c.Close()
	}
	if r := curl(t, "--socks5-hostname", f.socksAddr, fmt.Sprintf("http://localhost:%d/", f.upPort)); r.code != 0 {
		t.Fatalf("SOCKS proxy broken after junk: %+v", r)
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
		defer upstream.Close()
		port := upstream.Listener.Addr().(*net.TCPAddr).Port
		s, _, _ := policy.Parse("t", []byte(settingsJSON))
		pol, _ := policy.New(s, policy.Env{})
		gate := proxy.NewGate(pol, proxy.GateOptions{})
		hl, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		sl, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		h := proxy.NewHTTP(gate, proxy.Options{})
		s5 := proxy.NewSOCKS(gate, proxy.Options{})
		go h.Serve(hl)
		go s5.Serve(sl)
		// Open tunnels and idle connections that Close must end: a CONNECT tunnel left open, a SOCKS tunnel
		// left open, a client that sends half a greeting and a keep-alive plain request.
		c1, _ := net.Dial("tcp", hl.Addr().String())
		fmt.Fprintf(c1, "CONNECT 127.0.0.1:%d HTTP/1.1\r\nHost: x\r\n\r\n", port)
		bufio.NewReader(c1).ReadString('\n')
		c2, _ := net.Dial("tcp", sl.Addr().String())
		c2.Write([]byte{5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, byte(port >> 8), byte(port)})
		io.ReadFull(c2, make([]byte, 12))
		c3, _ := net.Dial("tcp", sl.Addr().String())
		c3.Write([]byte{5})
		tr := &http.Transport{Proxy: http.ProxyURL(mustURL("http://" + hl.Addr().String()))}
		resp, err := (&http.Client{Transport: tr}).Get("http://127.0.0.1:" + strconv.Itoa(port) + "/")
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
		h.Close()
		s5.Close()
		tr.CloseIdleConnections()
		for _, c := range []net.Conn{c1, c2, c3} {
			c.SetDeadline(time.Now().Add(2 * time.Second))
			io.ReadAll(c) // returns when the proxy closed its side
			c.Close()
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before, %d after Close\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

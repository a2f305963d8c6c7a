package policy

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// patternSeeds are the interesting domain patterns of the spec, valid and invalid.
var patternSeeds = []string{
	"localhost", "LOCALHOST", "localhost:8080", "example.com", "EXAMPLE.COM", "*.example.com", "*.EXAMPLE.com",
	"*.co.uk", "1.2.3.4", "1.2.3.4:80", "example.com:443", "*.example.com:8443", "[::1]", "[::1]:8080",
	"[2001:db8::1]:443", "[::ffff:127.0.0.1]", "a_b-c.example.com",
	"", "*", "*.", "*.com", "*example.com", "ex*ample.com", "a.*.com", "not-a-domain", "http://example.com",
	"example.com/path", ".example.com", "example.com.", "a..b", "::1", "[::1", "[::1]x", "[1.2.3.4]",
	"[fe80::1%eth0]", "example.com:0", "example.com:65536", "example.com:", "example.com:http", "*.1.2.3",
	"*.1.2.3.4", "exa mple.com", "\u212aube.example.com", "example.com:0443", "[::1]:", "[]", "[:]:1",
}

// hostOf returns the host part of an accepted pattern, as a request would name it.
func hostOf(p Pattern) string {
	s := p.String()
	if strings.HasPrefix(s, "[") {
		return s[:strings.IndexByte(s, ']')+1]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[:i]
	}
	return s
}

func FuzzParsePattern(f *testing.F) {
	for _, s := range patternSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePattern(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "Invalid domain pattern ") {
				t.Fatalf("ParsePattern(%q) error %q lacks the standard prefix", s, err)
			}
			if p != (Pattern{}) {
				t.Fatalf("ParsePattern(%q) returned %+v with an error", s, p)
			}
			return
		}
		if got := p.String(); got != s {
			t.Fatalf("ParsePattern(%q).String() = %q", s, got)
		}
		again, err := ParsePattern(p.String())
		if err != nil || again != p {
			t.Fatalf("round trip of %q: %+v, %v; want %+v", s, again, err, p)
		}
		if p.port < 0 || p.port > 65535 {
			t.Fatalf("ParsePattern(%q).port = %d", s, p.port)
		}
		if p.wildcard && (p.addr.IsValid() || !strings.Contains(p.name, ".")) {
			t.Fatalf("ParsePattern(%q) = %+v: a wildcard must be a name of two labels or more", s, p)
		}
		if p.addr.IsValid() == (p.name != "") {
			t.Fatalf("ParsePattern(%q) = %+v: want exactly one of name and addr", s, p)
		}
		if p.addr.Is4In6() || p.addr.Zone() != "" {
			t.Fatalf("ParsePattern(%q).addr = %s, want unmapped and unzoned", s, p.addr)
		}

		port := p.port
		if port == 0 {
			port = 443
		}
		if p.wildcard {
			sub := "x." + p.name
			if !p.matches(mustTarget(t, sub), port) {
				t.Fatalf("%q does not match %q", s, sub)
			}
			if p.matches(mustTarget(t, p.name), port) {
				t.Fatalf("%q matches its own apex %q", s, p.name)
			}
			return
		}
		host := hostOf(p)
		tg, err := parseTarget(host)
		if err != nil {
			t.Fatalf("pattern %q accepted but its host %q is not a valid request host: %v", s, host, err)
		}
		if !p.matches(tg, port) {
			t.Fatalf("%q does not match its own host %q on port %d", s, host, port)
		}
		if p.port != 0 && p.matches(tg, p.port%65535+1) {
			t.Fatalf("%q matches %q on port %d", s, host, p.port%65535+1)
		}
		pol := &Policy{allowed: []Pattern{p}}
		if d := pol.DecideNetwork(host, port); !d.Allowed() || d.Rule != s {
			t.Fatalf("allowedDomains [%q]: DecideNetwork(%q, %d) = %s", s, host, port, d)
		}
		pol = &Policy{allowed: []Pattern{p}, denied: []Pattern{p}}
		if d := pol.DecideNetwork(host, port); d.Allowed() {
			t.Fatalf("allowed and denied %q: DecideNetwork(%q, %d) = %s", s, host, port, d)
		}
	})
}

// refMatches is an independent restatement of the matching rules for p (already parsed) and a request.
func refMatches(p Pattern, host string, port int) bool {
	if p.port != 0 && p.port != port {
		return false
	}
	h := host
	if len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return p.addr.IsValid() && a.Unmap() == p.addr
	}
	h = strings.TrimSuffix(h, ".")
	var b strings.Builder
	for i := 0; i < len(h); i++ {
		c := h[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	h = b.String()
	if p.wildcard {
		return strings.HasSuffix(h, "."+p.name)
	}
	return p.name != "" && h == p.name
}

func FuzzDecideNetwork(f *testing.F) {
	seeds := []struct {
		allow, deny, host string
		port              int
	}{
		{"*.example.com", "bad.example.com", "bad.example.com", 443},
		{"*.example.com", "bad.example.com", "BAD.example.com.", 443},
		{"api.example.com", "*.example.com", "api.example.com", 443},
		{"example.com", "example.com:80", "example.com", 80},
		{"example.com", "example.com:80", "example.com", 443},
		{"93.184.216.34", "[::ffff:93.184.216.34]", "93.184.216.34", 443},
		{"[::1]", "[::1]:22", "0:0::1", 22},
		{"localhost", "*.evil.com", "localhost", 8080},
		{"*.evil.com", "x.evil.com", "\u212a.evil.com", 443},
		{"*.example.com", "", "a.example.com.evil.com", 443},
		{"127.0.0.1", "", "::ffff:127.0.0.1", 80},
		{"*.example.com", "", "fe80::1%eth0", 443},
		{"*.example.com", "", "64:ff9b::7f00:1", 443},
		{"*.example.com", "", "", 0},
		{"*.example.com", "", "a.example.com", 65536},
	}
	for _, s := range seeds {
		f.Add(s.allow, s.deny, s.host, s.port)
	}
	f.Fuzz(func(t *testing.T, allow, deny, host string, port int) {
		p := &Policy{}
		var dp Pattern
		hasDeny := false
		if a, err := ParsePattern(allow); err == nil {
			p.allowed = append(p.allowed, a)
		}
		if d, err := ParsePattern(deny); err == nil {
			p.denied = append(p.denied, d)
			dp, hasDeny = d, true
		}
		d := p.DecideNetwork(host, port)
		if d.Host != host || d.Port != port || d.Kind != KindNetwork {
			t.Fatalf("DecideNetwork(%q, %d) = %+v: request fields not echoed", host, port, d)
		}
		if d.Allowed() {
			if hasDeny && refMatches(dp, host, port) {
				t.Fatalf("deny %q, allow %q: DecideNetwork(%q, %d) = %s", deny, allow, host, port, d)
			}
			if port < 1 || port > 65535 {
				t.Fatalf("DecideNetwork(%q, %d) allowed an invalid port", host, port)
			}
			if d.Rule != allow || !refMatches(p.allowed[0], host, port) {
				t.Fatalf("allow %q: DecideNetwork(%q, %d) = %s, but the allow rule does not match", allow, host, port, d)
			}
			if d.Err() != nil {
				t.Fatalf("allowed decision has Err() = %v", d.Err())
			}
		} else {
			if !errors.Is(d.Err(), ErrDenied) {
				t.Fatalf("denied decision Err() = %v, want ErrDenied", d.Err())
			}
		}
		if hasDeny && refMatches(dp, host, port) && port >= 1 && port <= 65535 && d.Rule != deny {
			if _, err := parseTarget(host); err == nil {
				t.Fatalf("deny %q matches %q:%d, but the decision names rule %q: %s", deny, host, port, d.Rule, d)
			}
		}

		// The resolved-address check never panics, and never allows what the deny list names.
		h := host
		if len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
			h = h[1 : len(h)-1]
		}
		if ip, err := netip.ParseAddr(h); err == nil {
			if da := p.DecideAddr(host, port, ip); da.Allowed() && !d.Allowed() {
				t.Fatalf("DecideAddr(%q, %d, %s) = %s, but the name is denied: %s", host, port, ip, da, d)
			}
			// A name allowed only by a wildcard, resolving to ip.
			q := &Policy{allowed: append([]Pattern{mustPattern(t, "*.fuzz.example")}, p.allowed...), denied: p.denied}
			da := q.DecideAddr("a.fuzz.example", port, ip)
			if da.Allowed() && hasDeny && dp.addr.IsValid() && dp.addr == ip.Unmap().WithZone("") && (dp.port == 0 || dp.port == port) {
				t.Fatalf("deny %q: DecideAddr(%s, %d) = %s", deny, ip, port, da)
			}
			if da.Allowed() && isInternal(ip) && len(p.allowed) == 0 {
				t.Fatalf("no rule names %s: DecideAddr = %s, want deny for an internal address", ip, da)
			}
		}
	})
}

func FuzzParseSettings(f *testing.F) {
	f.Add([]byte(minimalSettings))
	f.Add([]byte(settingsJSON(`"allowUnixSockets": ["/run/docker.sock"], "httpProxyPort": 3128, "mitmProxy": {}`,
		`"allowGitConfig": true`, `"srt": {"limits": {"timeout": "2s", "memory": "512MiB", "maxOutput": "1MiB", "pids": 10}}`)))
	f.Add([]byte(`{"network": {"allowedDomains": ["*.com"], "deniedDomains": [1]}, "filesystem": {"denyRead": [""]}}`))
	f.Add([]byte(minimalSettings + "}"))
	f.Add([]byte(""))
	f.Add([]byte("[]"))
	f.Add([]byte(`{"network": {"allowedDomains": [], "deniedDomains": [], "httpProxyPort": 1e3}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, warnings, err := Parse("fuzz.json", data)
		for _, w := range warnings {
			if w == "" || strings.Contains(w, "\n") {
				t.Fatalf("warning %q is not one line", w)
			}
		}
		if err != nil {
			if s != nil {
				t.Fatalf("Parse returned settings %+v and error %v", s, err)
			}
			var se *SettingsError
			if !errors.As(err, &se) {
				t.Fatalf("Parse error %T %v does not wrap *SettingsError", err, err)
			}
			if se.File != "fuzz.json" || len(se.Problems) == 0 {
				t.Fatalf("SettingsError = %+v, want the file and at least one problem", se)
			}
			if !strings.Contains(err.Error(), `"fuzz.json"`) {
				t.Fatalf("Error() = %q does not name the file", err)
			}
			return
		}
		if s == nil {
			t.Fatalf("Parse(%q) = nil settings and nil error", data)
		}
		if s.File != "fuzz.json" {
			t.Fatalf("File = %q", s.File)
		}
		// Whatever Parse accepts, New compiles.
		if _, err := New(s, Env{Home: "/nonexistent-fuzz-home", WorkDir: "/nonexistent-fuzz-work"}); err != nil {
			t.Fatalf("Parse accepted %q but New failed: %v", data, err)
		}
	})
}

package policy

import (
	"fmt"
	"strings"
	"testing"
)

// mustPattern parses s or fails the test.
func mustPattern(t *testing.T, s string) Pattern {
	t.Helper()
	p, err := ParsePattern(s)
	if err != nil {
		t.Fatalf("ParsePattern(%q): %v", s, err)
	}
	return p
}

// mustTarget normalises a request host or fails the test.
func mustTarget(t *testing.T, host string) target {
	t.Helper()
	tg, err := parseTarget(host)
	if err != nil {
		t.Fatalf("parseTarget(%q): %v", host, err)
	}
	return tg
}

func TestParsePatternValid(t *testing.T) {
	tests := []struct {
		in       string
		name     string // want p.name
		addr     string // want p.addr ("" = invalid)
		wildcard bool
		port     int
	}{
		{in: "localhost", name: "localhost"},
		{in: "LOCALHOST", name: "localhost"},
		{in: "localhost:8080", name: "localhost", port: 8080},
		{in: "example.com", name: "example.com"},
		{in: "Example.COM", name: "example.com"},
		{in: "a.b.example.com", name: "a.b.example.com"},
		{in: "foo-bar_baz.example.com", name: "foo-bar_baz.example.com"},
		{in: "*.example.com", name: "example.com", wildcard: true},
		{in: "*.EXAMPLE.com", name: "example.com", wildcard: true},
		{in: "*.co.uk", name: "co.uk", wildcard: true},
		{in: "1.2.3.4", addr: "1.2.3.4"},
		{in: "1.2.3.4:80", addr: "1.2.3.4", port: 80},
		{in: "example.com:443", name: "example.com", port: 443},
		{in: "example.com:1", name: "example.com", port: 1},
		{in: "example.com:65535", name: "example.com", port: 65535},
		{in: "*.example.com:8443", name: "example.com", wildcard: true, port: 8443},
		{in: "[::1]", addr: "::1"},
		{in: "[::1]:8080", addr: "::1", port: 8080},
		{in: "[2001:db8::1]:443", addr: "2001:db8::1", port: 443},
		{in: "[2001:DB8::1]", addr: "2001:db8::1"},
		{in: "[::ffff:127.0.0.1]", addr: "127.0.0.1"}, // IPv4-mapped is unmapped
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p := mustPattern(t, tt.in)
			if got, want := p.String(), tt.in; got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
			if got, want := p.name, tt.name; got != want {
				t.Errorf("name = %q, want %q", got, want)
			}
			gotAddr := ""
			if p.addr.IsValid() {
				gotAddr = p.addr.String()
			}
			if got, want := gotAddr, tt.addr; got != want {
				t.Errorf("addr = %q, want %q", got, want)
			}
			if got, want := p.wildcard, tt.wildcard; got != want {
				t.Errorf("wildcard = %v, want %v", got, want)
			}
			if got, want := p.port, tt.port; got != want {
				t.Errorf("port = %d, want %d", got, want)
			}
		})
	}
}

func TestParsePatternInvalid(t *testing.T) {
	tests := []struct {
		in  string
		why string // substring of the error
	}{
		{"", "empty"},
		{"*", "wildcard"},
		{"*.", ""},
		{"*.com", "at least two labels"},
		{"*.localhost", "at least two labels"},
		{"*example.com", "wildcard"},
		{"ex*ample.com", "wildcard"},
		{"a.*.com", "wildcard"},
		{"example.*", "wildcard"},
		{"*.*.example.com", "one wildcard"},
		{"**.example.com", "wildcard"},
		{"not-a-domain", "at least one dot"},
		{"http://example.com", "not a URL"},
		{"https://example.com:443", "not a URL"},
		{"example.com/path", "not a URL or path"},
		{"/etc/passwd", "not a URL or path"},
		{".example.com", "start or end"},
		{"example.com.", "start or end"},
		{"a..b", "empty label"},
		{"::1", "brackets"},
		{"2001:db8::1", "brackets"},
		{"[::1", "missing ']'"},
		{"[::1]x", "after ']'"},
		{"[::1]:", "invalid port"},
		{"[1.2.3.4]", "IPv6"},
		{"[example.com]", "IPv6"},
		{"[fe80::1%eth0]", "IPv6"},
		{"example.com:0", "out of range"},
		{"example.com:65536", "out of range"},
		{"example.com:99999", "out of range"},
		{"example.com:123456", "invalid port"},
		{"example.com:", "invalid port"},
		{"example.com:http", "invalid port"},
		{"example.com:-1", "invalid port"},
		{"example.com:+80", "invalid port"},
		{"example.com: 80", "invalid port"},
		{"*.1.2.3.4", "IP"},
		{"*.1.2.3", "IP"},
		{"*.0.1", "IP"},
		{"*.1.2.3.4:80", "IP"},
		{"exa mple.com", "invalid character"},
		{" example.com", "invalid character"},
		{"example.com ", "invalid character"},
		{"exam\x00ple.com", "invalid character"},
		{"exämple.com", "invalid character"},
		{"\u212aexample.com", "invalid character"}, // KELVIN SIGN lower-cases to ASCII 'k' under Unicode rules
		{"\u0130example.com", "invalid character"}, // LATIN CAPITAL I WITH DOT lower-cases to ASCII 'i'
		{strings.Repeat("a", 64) + ".com", "label too long"},
		{strings.Repeat("a.", 127) + "com", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePattern(tt.in)
			if err == nil {
				t.Fatalf("ParsePattern(%q) = %+v, want error", tt.in, p)
			}
			msg := err.Error()
			if want := fmt.Sprintf("Invalid domain pattern %q: ", tt.in); !strings.HasPrefix(msg, want) {
				t.Errorf("error = %q, want prefix %q", msg, want)
			}
			if !strings.Contains(msg, tt.why) {
				t.Errorf("error = %q, want it to contain %q", msg, tt.why)
			}
			if got, want := p, (Pattern{}); got != want {
				t.Errorf("pattern on error = %+v, want zero", got)
			}
		})
	}
}

func TestPatternMatches(t *testing.T) {
	tests := []struct {
		pattern string
		host    string
		port    int
		want    bool
	}{
		// Wildcards.
		{"*.example.com", "a.example.com", 443, true},
		{"*.example.com", "a.b.example.com", 443, true},
		{"*.example.com", "A.EXAMPLE.COM", 443, true},
		{"*.example.com", "a.example.com.", 443, true},
		{"*.example.com", "example.com", 443, false},
		{"*.example.com", "example.com.", 443, false},
		{"*.example.com", "malicious-example.com", 443, false},
		{"*.example.com", "aexample.com", 443, false},
		{"*.example.com", "example.com.evil.com", 443, false},
		{"*.example.com", "a.example.com.evil.com", 443, false},
		{"*.example.com", "a.example.co", 443, false},
		{"*.EXAMPLE.COM", "a.example.com", 80, true},
		{"*.co.uk", "bbc.co.uk", 443, true},
		{"*.co.uk", "co.uk", 443, false},
		{"*.example.com", "1.2.3.4", 443, false},

		// Exact names are exact.
		{"example.com", "example.com", 443, true},
		{"example.com", "EXAMPLE.com", 443, true},
		{"example.com", "example.com.", 443, true},
		{"example.com", "a.example.com", 443, false},
		{"example.com", "example.co", 443, false},
		{"example.com", "example.com.evil.com", 443, false},
		{"example.com", "xexample.com", 443, false},
		{"localhost", "localhost", 80, true},
		{"localhost", "LOCALHOST.", 80, true},
		{"localhost", "a.localhost", 80, false},
		{"localhost", "127.0.0.1", 80, false},

		// Port scope.
		{"example.com:443", "example.com", 443, true},
		{"example.com:443", "example.com", 80, false},
		{"*.example.com:8443", "a.example.com", 8443, true},
		{"*.example.com:8443", "a.example.com", 443, false},
		{"example.com", "example.com", 1, true},
		{"example.com", "example.com", 65535, true},
		{"1.2.3.4:80", "1.2.3.4", 80, true},
		{"1.2.3.4:80", "1.2.3.4", 81, false},
		{"[::1]:8080", "::1", 8080, true},
		{"[::1]:8080", "::1", 8081, false},

		// IP literals, compared as addresses.
		{"1.2.3.4", "1.2.3.4", 443, true},
		{"1.2.3.4", "1.2.3.5", 443, false},
		{"1.2.3.4", "[1.2.3.4]", 443, true},
		{"1.2.3.4", "::ffff:1.2.3.4", 443, true},
		{"1.2.3.4", "[::ffff:1.2.3.4]", 443, true},
		{"127.0.0.1", "::ffff:127.0.0.1", 443, true},
		{"127.0.0.1", "::ffff:7f00:1", 443, true},
		{"[::ffff:127.0.0.1]", "127.0.0.1", 443, true},
		{"[::1]", "::1", 443, true},
		{"[::1]", "[::1]", 443, true},
		{"[::1]", "0:0::1", 443, true},
		{"[::1]", "0:0:0:0:0:0:0:1", 443, true},
		{"[::1]", "127.0.0.1", 443, false},
		{"[::1]", "localhost", 443, false},
		{"[2001:db8::1]:443", "2001:DB8:0::1", 443, true},
		{"[2001:db8::1]:443", "[2001:db8::0:1]", 443, true},
		{"[2001:db8::1]:443", "2001:db8::2", 443, false},
		{"[2001:db8::1]", "2001:db8::1", 443, true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"/"+tt.host, func(t *testing.T) {
			p := mustPattern(t, tt.pattern)
			if got := p.matches(mustTarget(t, tt.host), tt.port); got != tt.want {
				t.Errorf("%q matches %q port %d = %v, want %v", tt.pattern, tt.host, tt.port, got, tt.want)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in      string
		name    string
		addr    string
		wantErr bool
	}{
		{in: "example.com", name: "example.com"},
		{in: "EXAMPLE.com.", name: "example.com"},
		{in: "localhost", name: "localhost"},
		{in: "intranet", name: "intranet"}, // single-label hosts are valid targets
		{in: "1.2.3.4", addr: "1.2.3.4"},
		{in: "[::1]", addr: "::1"},
		{in: "::ffff:10.0.0.1", addr: "10.0.0.1"},
		{in: "", wantErr: true},
		{in: ".", wantErr: true},
		{in: "example.com..", wantErr: true},
		{in: ".example.com", wantErr: true},
		{in: "exa mple.com", wantErr: true},
		{in: "fe80::1%eth0", wantErr: true},
		{in: "[fe80::1%eth0]", wantErr: true},
		{in: "example.com:443", wantErr: true},
		{in: "http://example.com", wantErr: true},
		{in: "\u212a.example.com", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseTarget(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseTarget(%q) = %+v, want error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseTarget(%q): %v", tt.in, err)
			}
			if got.name != tt.name {
				t.Errorf("name = %q, want %q", got.name, tt.name)
			}
			gotAddr := ""
			if got.addr.IsValid() {
				gotAddr = got.addr.String()
			}
			if gotAddr != tt.addr {
				t.Errorf("addr = %q, want %q", gotAddr, tt.addr)
			}
		})
	}
}

package policy

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// netPolicy compiles a policy with only network rules.
func netPolicy(t *testing.T, allowed, denied []string) *Policy {
	t.Helper()
	s := &Settings{Network: NetworkSettings{AllowedDomains: allowed, DeniedDomains: denied}}
	p, err := New(s, Env{Home: "/home/test", WorkDir: "/work"})
	if err != nil {
		t.Fatalf("New(allowed=%q, denied=%q): %v", allowed, denied, err)
	}
	return p
}

func TestDecideNetwork(t *testing.T) {
	type rules struct{ allowed, denied []string }
	common := rules{
		allowed: []string{"example.com", "*.github.com", "api.example.org", "localhost", "93.184.216.34",
			"[2001:db8::1]:443", "*.example.net:8443", "10.0.0.5", "[::1]:8080", "127.0.0.1:5432"},
		denied: []string{"*.evil.github.com", "gist.github.com:443", "secret.github.com"},
	}
	tests := []struct {
		name       string
		rules      rules
		host       string
		port       int
		want       Action
		wantRule   string
		wantReason string // substring
	}{
		// Allow list.
		{"exact allowed", common, "example.com", 443, ActionAllow, "example.com", "allowedDomains"},
		{"exact allowed upper case", common, "EXAMPLE.COM", 443, ActionAllow, "example.com", "allowedDomains"},
		{"exact allowed trailing dot", common, "example.com.", 80, ActionAllow, "example.com", "allowedDomains"},
		{"exact is exact", common, "www.example.com", 443, ActionDeny, "", "not in allowedDomains"},
		{"not listed", common, "example.org", 443, ActionDeny, "", "not in allowedDomains"},
		{"wildcard allowed", common, "api.github.com", 443, ActionAllow, "*.github.com", "allowedDomains"},
		{"wildcard does not cover apex", common, "github.com", 443, ActionDeny, "", "not in allowedDomains"},
		{"wildcard suffix trick", common, "evilgithub.com", 443, ActionDeny, "", "not in allowedDomains"},
		{"wildcard as prefix trick", common, "api.github.com.evil.com", 443, ActionDeny, "", "not in allowedDomains"},
		{"port-scoped allow, right port", common, "a.example.net", 8443, ActionAllow, "*.example.net:8443", "allowedDomains"},
		{"port-scoped allow, wrong port", common, "a.example.net", 443, ActionDeny, "", "not in allowedDomains"},
		{"localhost", common, "localhost", 3000, ActionAllow, "localhost", "allowedDomains"},

		// Deny wins.
		{"wildcard deny beats wildcard allow", common, "x.evil.github.com", 443, ActionDeny, "*.evil.github.com", "deniedDomains"},
		{"exact deny beats wildcard allow", common, "secret.github.com", 443, ActionDeny, "secret.github.com", "deniedDomains"},
		{"exact deny upper case", common, "SECRET.github.com.", 443, ActionDeny, "secret.github.com", "deniedDomains"},
		{"port-scoped deny, its port", common, "gist.github.com", 443, ActionDeny, "gist.github.com:443", "deniedDomains"},
		{"port-scoped deny, other port", common, "gist.github.com", 22, ActionAllow, "*.github.com", "allowedDomains"},
		{"wildcard deny beats exact allow",
			rules{allowed: []string{"api.example.com"}, denied: []string{"*.example.com"}},
			"api.example.com", 443, ActionDeny, "*.example.com", "deniedDomains"},
		{"exact deny beats exact allow",
			rules{allowed: []string{"example.com"}, denied: []string{"example.com"}},
			"example.com", 443, ActionDeny, "example.com", "deniedDomains"},
		{"port-scoped deny beats unscoped allow",
			rules{allowed: []string{"example.com"}, denied: []string{"example.com:80"}},
			"example.com", 80, ActionDeny, "example.com:80", "deniedDomains"},
		{"IP deny beats IP allow",
			rules{allowed: []string{"93.184.216.34"}, denied: []string{"93.184.216.34"}},
			"93.184.216.34", 443, ActionDeny, "93.184.216.34", "deniedDomains"},
		{"IPv6 deny matches mapped spelling",
			rules{allowed: []string{"1.2.3.4"}, denied: []string{"[::ffff:1.2.3.4]"}},
			"1.2.3.4", 443, ActionDeny, "[::ffff:1.2.3.4]", "deniedDomains"},

		// IP literals.
		{"public literal listed", common, "93.184.216.34", 443, ActionAllow, "93.184.216.34", "allowedDomains"},
		{"public literal not listed", common, "93.184.216.35", 443, ActionDeny, "", "not in allowedDomains"},
		{"public IPv6 listed with port", common, "[2001:db8::1]", 443, ActionAllow, "[2001:db8::1]:443", "allowedDomains"},
		{"public IPv6 listed, unbracketed", common, "2001:db8:0::1", 443, ActionAllow, "[2001:db8::1]:443", "allowedDomains"},
		{"public IPv6 listed, wrong port", common, "2001:db8::1", 80, ActionDeny, "", "not in allowedDomains"},
		{"private literal listed", common, "10.0.0.5", 22, ActionAllow, "10.0.0.5", "allowedDomains"},
		{"private literal mapped spelling", common, "::ffff:10.0.0.5", 22, ActionAllow, "10.0.0.5", "allowedDomains"},
		{"loopback literal listed with port", common, "::1", 8080, ActionAllow, "[::1]:8080", "allowedDomains"},
		{"loopback literal, wrong port", common, "::1", 8081, ActionDeny, "", "internal"},
		{"127.0.0.1 listed with port", common, "127.0.0.1", 5432, ActionAllow, "127.0.0.1:5432", "allowedDomains"},
		{"127.0.0.1 other port", common, "127.0.0.1", 22, ActionDeny, "", "internal"},
		{"localhost does not allow 127.0.0.1 literal", rules{allowed: []string{"localhost"}}, "127.0.0.1", 80, ActionDeny, "", "internal"},
		{"wildcard cannot cover a literal", rules{allowed: []string{"*.0.0.1.example.com"}}, "127.0.0.1", 80, ActionDeny, "", "internal"},

		// Invalid requests.
		{"space in host", common, "exa mple.com", 443, ActionDeny, "", "invalid host"},
		{"zone", common, "fe80::1%eth0", 443, ActionDeny, "", "scoped"},
		{"empty host", common, "", 443, ActionDeny, "", "invalid host"},
		{"host with port", common, "example.com:443", 443, ActionDeny, "", "invalid host"},
		{"URL", common, "http://example.com", 80, ActionDeny, "", "invalid host"},
		{"port 0", common, "example.com", 0, ActionDeny, "", "invalid port"},
		{"port -1", common, "example.com", -1, ActionDeny, "", "invalid port"},
		{"port 65536", common, "example.com", 65536, ActionDeny, "", "invalid port"},
		{"kelvin sign", rules{allowed: []string{"kube.example.com"}}, "\u212aube.example.com", 443, ActionDeny, "", "invalid host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := netPolicy(t, tt.rules.allowed, tt.rules.denied)
			d := p.DecideNetwork(tt.host, tt.port)
			if got, want := d.Action, tt.want; got != want {
				t.Errorf("DecideNetwork(%q, %d).Action = %s, want %s (%s)", tt.host, tt.port, got, want, d)
			}
			if got, want := d.Rule, tt.wantRule; got != want {
				t.Errorf("Rule = %q, want %q", got, want)
			}
			if !strings.Contains(d.Reason, tt.wantReason) {
				t.Errorf("Reason = %q, want it to contain %q", d.Reason, tt.wantReason)
			}
			if got, want := d.Allowed(), tt.want == ActionAllow; got != want {
				t.Errorf("Allowed() = %v, want %v", got, want)
			}
			if got, want := d.Kind, KindNetwork; got != want {
				t.Errorf("Kind = %q, want %q", got, want)
			}
			if got, want := d.Host, tt.host; got != want {
				t.Errorf("Host = %q, want %q", got, want)
			}
			if got, want := d.Port, tt.port; got != want {
				t.Errorf("Port = %d, want %d", got, want)
			}
		})
	}
}

func TestDecideNetworkInternalLiterals(t *testing.T) {
	literals := []string{
		"127.0.0.1", "127.1.2.3", "0.0.0.0", "0.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255",
		"192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.254",
		"::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "[fe80::1]", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
		"64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::127.0.0.1", "2002:7f00:1::", "2002:a9fe:a9fe::1",
		"ff02::1",
	}
	for _, lit := range literals {
		t.Run(lit, func(t *testing.T) {
			// Not listed: denied as internal, even when every name is allowed by wildcards.
			p := netPolicy(t, []string{"*.example.com", "localhost"}, nil)
			d := p.DecideNetwork(lit, 443)
			if got, want := d.Action, ActionDeny; got != want {
				t.Fatalf("DecideNetwork(%q) = %s, want %s", lit, d, want)
			}
			if !strings.Contains(d.Reason, "internal") {
				t.Errorf("Reason = %q, want it to mention internal", d.Reason)
			}
			if !isInternal(netip.MustParseAddr(strings.Trim(lit, "[]"))) {
				t.Errorf("isInternal(%s) = false, want true", lit)
			}

			// Listed as that exact literal: allowed.
			bare := strings.Trim(lit, "[]")
			pat := bare
			if netip.MustParseAddr(bare).Is6() {
				pat = "[" + bare + "]"
			}
			p = netPolicy(t, []string{pat}, nil)
			if d := p.DecideNetwork(lit, 443); !d.Allowed() {
				t.Errorf("with %q allowed: DecideNetwork(%q) = %s, want allow", pat, lit, d)
			}
		})
	}
}

func TestIsInternalPublic(t *testing.T) {
	for _, s := range []string{"93.184.216.34", "8.8.8.8", "100.128.0.1", "172.32.0.1", "2001:db8::1",
		"2606:4700::1111", "64:ff9b::808:808", "2002:808:808::", "::ffff:8.8.8.8"} {
		if isInternal(netip.MustParseAddr(s)) {
			t.Errorf("isInternal(%s) = true, want false", s)
		}
	}
}

func TestDecideNetworkNoPolicy(t *testing.T) {
	var nilPolicy *Policy
	zero := &Policy{}
	empty := netPolicy(t, nil, nil)
	newNil, err := New(nil, Env{Home: "/home/test", WorkDir: "/work"})
	if err != nil {
		t.Fatalf("New(nil): %v", err)
	}
	hosts := []string{"example.com", "localhost", "93.184.216.34", "127.0.0.1", "::1", "a.b.c.d"}
	for name, p := range map[string]*Policy{"nil": nilPolicy, "zero": zero, "empty": empty, "New(nil)": newNil} {
		for _, h := range hosts {
			for _, port := range []int{80, 443} {
				if d := p.DecideNetwork(h, port); d.Allowed() {
					t.Errorf("%s policy: DecideNetwork(%q, %d) = %s, want deny", name, h, port, d)
				}
			}
		}
	}
	if got, want := nilPolicy.DecideNetwork("example.com", 443).Reason, "no policy"; got != want {
		t.Errorf("nil policy Reason = %q, want %q", got, want)
	}
	if got := nilPolicy.DecideAddr("example.com", 443, netip.MustParseAddr("93.184.216.34")); got.Allowed() {
		t.Errorf("nil policy DecideAddr = %s, want deny", got)
	}
}

func TestDecideAddr(t *testing.T) {
	type rules struct{ allowed, denied []string }
	named := rules{allowed: []string{"*.example.com", "example.org"}}
	withLocalhost := rules{allowed: []string{"*.example.com", "localhost"}}
	withLocalhostPort := rules{allowed: []string{"*.example.com", "localhost:3000"}}
	withPrivate := rules{allowed: []string{"*.example.com", "10.0.0.5", "[fd00::5]:8443", "127.0.0.1:5432"}}
	withDeniedIP := rules{allowed: []string{"*.example.com"}, denied: []string{"93.184.216.34", "[2001:db8::bad]"}}
	tests := []struct {
		name  string
		rules rules
		host  string
		port  int
		ip    string
		want  Action
		rule  string
	}{
		{"public", named, "a.example.com", 443, "93.184.216.34", ActionAllow, ""},
		{"public IPv6", named, "a.example.com", 443, "2606:4700::1111", ActionAllow, ""},
		{"public mapped", named, "a.example.com", 443, "::ffff:93.184.216.34", ActionAllow, ""},
		{"rebind to 127.0.0.1", named, "a.example.com", 443, "127.0.0.1", ActionDeny, ""},
		{"rebind to 127.9.9.9", named, "a.example.com", 443, "127.9.9.9", ActionDeny, ""},
		{"rebind to 10.x", named, "a.example.com", 443, "10.1.2.3", ActionDeny, ""},
		{"rebind to 192.168.x", named, "example.org", 443, "192.168.0.1", ActionDeny, ""},
		{"rebind to metadata", named, "a.example.com", 80, "169.254.169.254", ActionDeny, ""},
		{"rebind to ::1", named, "a.example.com", 443, "::1", ActionDeny, ""},
		{"rebind to mapped loopback", named, "a.example.com", 443, "::ffff:127.0.0.1", ActionDeny, ""},
		{"rebind to 0.0.0.0", named, "a.example.com", 443, "0.0.0.0", ActionDeny, ""},
		{"rebind to ::", named, "a.example.com", 443, "::", ActionDeny, ""},
		{"rebind to fe80 with zone", named, "a.example.com", 443, "fe80::1%eth0", ActionDeny, ""},
		{"rebind to NAT64 loopback", named, "a.example.com", 443, "64:ff9b::7f00:1", ActionDeny, ""},
		{"rebind to 6to4 loopback", named, "a.example.com", 443, "2002:7f00:1::", ActionDeny, ""},
		{"rebind to CGNAT", named, "a.example.com", 443, "100.64.1.1", ActionDeny, ""},

		{"localhost allows loopback", withLocalhost, "a.example.com", 443, "127.0.0.1", ActionAllow, "localhost"},
		{"localhost allows ::1", withLocalhost, "localhost", 8080, "::1", ActionAllow, "localhost"},
		{"localhost allows mapped loopback", withLocalhost, "localhost", 8080, "::ffff:127.0.0.1", ActionAllow, "localhost"},
		{"localhost does not allow private", withLocalhost, "a.example.com", 443, "10.0.0.1", ActionDeny, ""},
		{"localhost does not allow link-local", withLocalhost, "a.example.com", 443, "169.254.169.254", ActionDeny, ""},
		{"localhost:3000 right port", withLocalhostPort, "localhost", 3000, "127.0.0.1", ActionAllow, "localhost:3000"},
		{"localhost:3000 wrong port", withLocalhostPort, "a.example.com", 3001, "127.0.0.1", ActionDeny, ""},
		{"localhost:3000 other name", withLocalhostPort, "a.example.com", 3000, "::1", ActionAllow, "localhost:3000"},

		{"private address listed", withPrivate, "db.example.com", 5432, "10.0.0.5", ActionAllow, "10.0.0.5"},
		{"private address listed, mapped", withPrivate, "db.example.com", 5432, "::ffff:10.0.0.5", ActionAllow, "10.0.0.5"},
		{"other private address", withPrivate, "db.example.com", 5432, "10.0.0.6", ActionDeny, ""},
		{"ULA listed, right port", withPrivate, "db.example.com", 8443, "fd00::5", ActionAllow, "[fd00::5]:8443"},
		{"ULA listed, wrong port", withPrivate, "db.example.com", 443, "fd00::5", ActionDeny, ""},
		{"loopback port-scoped, right port", withPrivate, "db.example.com", 5432, "127.0.0.1", ActionAllow, "127.0.0.1:5432"},
		{"loopback port-scoped, wrong port", withPrivate, "db.example.com", 5433, "127.0.0.1", ActionDeny, ""},
		{"loopback listed but resolved ::1", withPrivate, "db.example.com", 5432, "::1", ActionDeny, ""},

		{"denied IP literal", withDeniedIP, "a.example.com", 443, "93.184.216.34", ActionDeny, "93.184.216.34"},
		{"denied IP literal, mapped", withDeniedIP, "a.example.com", 443, "::ffff:93.184.216.34", ActionDeny, "93.184.216.34"},
		{"denied IPv6 literal", withDeniedIP, "a.example.com", 443, "2001:db8::bad", ActionDeny, "[2001:db8::bad]"},
		{"other public address", withDeniedIP, "a.example.com", 443, "93.184.216.35", ActionAllow, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := netPolicy(t, tt.rules.allowed, tt.rules.denied)
			if d := p.DecideNetwork(tt.host, tt.port); !d.Allowed() {
				t.Fatalf("test setup: DecideNetwork(%q, %d) = %s, want allow", tt.host, tt.port, d)
			}
			d := p.DecideAddr(tt.host, tt.port, netip.MustParseAddr(tt.ip))
			if got, want := d.Action, tt.want; got != want {
				t.Errorf("DecideAddr(%q, %d, %s) = %s, want %s", tt.host, tt.port, tt.ip, d, want)
			}
			if got, want := d.Rule, tt.rule; got != want {
				t.Errorf("Rule = %q, want %q", got, want)
			}
			if !strings.Contains(d.Reason, "resolved to") {
				t.Errorf("Reason = %q, want it to say what the host resolved to", d.Reason)
			}
			if got, want := d.Host, tt.host; got != want {
				t.Errorf("Host = %q, want %q", got, want)
			}
		})
	}
}

// DecideAddr decides the name again, so a name the policy does not allow (because the caller skipped
// DecideNetwork, or the policy was replaced in between) reaches no address, public or not.
func TestDecideAddrRechecksName(t *testing.T) {
	public := netip.MustParseAddr("93.184.216.34")
	p := netPolicy(t, []string{"*.example.com", "93.184.216.34"}, []string{"bad.example.com"})
	tests := []struct {
		name   string
		p      *Policy
		host   string
		port   int
		reason string
	}{
		{"zero policy", &Policy{}, "a.example.com", 443, "not in allowedDomains"},
		{"nil policy", nil, "a.example.com", 443, "no policy"},
		{"name not allowed", p, "other.com", 443, "not in allowedDomains"},
		{"name denied", p, "bad.example.com", 443, "matches deniedDomains"},
		{"invalid name", p, "a b.example.com", 443, "invalid host"},
		{"invalid port", p, "a.example.com", 0, "invalid port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.p.DecideAddr(tt.host, tt.port, public)
			if d.Allowed() {
				t.Fatalf("DecideAddr(%q, %d, %s) = %s, want deny", tt.host, tt.port, public, d)
			}
			if !strings.Contains(d.Reason, tt.reason) {
				t.Errorf("Reason = %q, want it to contain %q", d.Reason, tt.reason)
			}
			if want := tt.p.DecideNetwork(tt.host, tt.port); d != want {
				t.Errorf("DecideAddr = %+v, want the name decision %+v", d, want)
			}
		})
	}
	if d := p.DecideAddr("a.example.com", 443, public); !d.Allowed() {
		t.Errorf("allowed name to a public address: %s, want allow", d)
	}
}

func TestDecisionErr(t *testing.T) {
	p := netPolicy(t, []string{"example.com"}, []string{"bad.example.com"})

	if err := p.DecideNetwork("example.com", 443).Err(); err != nil {
		t.Errorf("allowed decision: Err() = %v, want nil", err)
	}

	tests := []struct {
		host     string
		port     int
		hostPort string
	}{
		{"evil.com", 443, "evil.com:443"},
		{"bad.example.com", 80, "bad.example.com:80"},
		{"::1", 8080, "[::1]:8080"},
	}
	for _, tt := range tests {
		d := p.DecideNetwork(tt.host, tt.port)
		err := d.Err()
		if err == nil {
			t.Fatalf("DecideNetwork(%q, %d).Err() = nil, want error", tt.host, tt.port)
		}
		var de *DenialError
		if !errors.As(err, &de) {
			t.Fatalf("Err() = %T, want *DenialError", err)
		}
		if !errors.Is(err, ErrDenied) {
			t.Errorf("errors.Is(%v, ErrDenied) = false, want true", err)
		}
		if errors.Is(err, errors.New("denied by policy")) {
			t.Errorf("errors.Is matches an unrelated error")
		}
		if got, want := *de, (DenialError{Kind: KindNetwork, Host: tt.host, Port: tt.port, Rule: d.Rule, Reason: d.Reason}); got != want {
			t.Errorf("DenialError = %+v, want %+v", got, want)
		}
		msg := err.Error()
		for _, want := range []string{"blocked by network allowlist", tt.hostPort, d.Reason} {
			if !strings.Contains(msg, want) {
				t.Errorf("Error() = %q, want it to contain %q", msg, want)
			}
		}
		if !strings.Contains(d.String(), tt.hostPort) {
			t.Errorf("String() = %q, want it to contain %q", d.String(), tt.hostPort)
		}
	}
}

func TestDecisionEvent(t *testing.T) {
	p := netPolicy(t, []string{"*.example.com"}, nil)
	before := time.Now()
	d := p.DecideNetwork("a.example.com", 443)
	e := d.Event("x")
	if e.Time.Before(before) || e.Time.After(time.Now()) {
		t.Errorf("Time = %v, want now", e.Time)
	}
	e.Time = time.Time{}
	want := Event{Action: ActionAllow, Kind: KindNetwork, Host: "a.example.com", Port: 443, Rule: "*.example.com",
		Reason: "matches allowedDomains", Backend: "x"}
	if e != want {
		t.Errorf("Event = %+v, want %+v", e, want)
	}

	attrs := map[string]string{}
	for _, a := range d.Event("x").Attrs() {
		attrs[a.Key] = a.Value.String()
	}
	wantAttrs := map[string]string{"action": "allow", "kind": "network", "host": "a.example.com", "port": "443",
		"rule": "*.example.com", "reason": "matches allowedDomains", "backend": "x"}
	if len(attrs) != len(wantAttrs) {
		t.Errorf("Attrs = %v, want %v", attrs, wantAttrs)
	}
	for k, v := range wantAttrs {
		if attrs[k] != v {
			t.Errorf("Attrs[%q] = %q, want %q", k, attrs[k], v)
		}
	}
}

func TestRecorder(t *testing.T) {
	var got []Event
	var r Recorder = RecorderFunc(func(e Event) { got = append(got, e) })
	r.Record(Event{Host: "h"})
	Discard.Record(Event{Host: "ignored"})
	if len(got) != 1 || got[0].Host != "h" {
		t.Errorf("recorded %+v, want one event for h", got)
	}
}

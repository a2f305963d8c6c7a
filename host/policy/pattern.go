package policy

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Pattern is one parsed entry of allowedDomains or deniedDomains.
//
// Accepted forms: "localhost"; an exact name with at least one dot ("example.com"); a wildcard "*.X" where X
// has at least two labels ("*.example.com"); an IPv4 literal ("10.0.0.5"); an IPv6 literal in brackets
// ("[::1]"). Any of them may end in ":PORT", which scopes the rule to that port.
type Pattern struct {
	raw      string
	name     string     // lower-case name without "*." (empty for literals)
	addr     netip.Addr // valid for IP literals
	wildcard bool
	port     int // 0 = any port
}

// String returns the pattern as written.
func (p Pattern) String() string { return p.raw }

const patternHelp = `must be "localhost", a domain such as "example.com", a wildcard such as "*.example.com", ` +
	`an IP address (IPv6 in brackets), optionally followed by ":PORT"; overly broad patterns like "*" or "*.com" ` +
	`are not allowed, and the wildcard may only stand at the start`

// ParsePattern parses a domain pattern. The error says why a pattern is invalid.
func ParsePattern(s string) (Pattern, error) {
	p, err := parsePattern(s)
	if err != nil {
		return Pattern{}, fmt.Errorf("Invalid domain pattern %q: %v; %s", s, err, patternHelp)
	}
	return p, nil
}

func parsePattern(s string) (Pattern, error) {
	p := Pattern{raw: s}
	if s == "" {
		return p, errors.New("empty")
	}
	if strings.Contains(s, "://") || strings.Contains(s, "/") {
		return p, errors.New("a domain pattern is not a URL or path")
	}
	host := s
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return p, errors.New("missing ']'")
		}
		host = s[1:end]
		rest := s[end+1:]
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return p, errors.New("brackets must hold an IPv6 address")
		}
		p.addr = a.Unmap()
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return p, errors.New("unexpected text after ']'")
			}
			port, err := parsePort(rest[1:])
			if err != nil {
				return p, err
			}
			p.port = port
		}
		return p, nil
	}
	switch strings.Count(s, ":") {
	case 0:
	case 1:
		i := strings.IndexByte(s, ':')
		port, err := parsePort(s[i+1:])
		if err != nil {
			return p, err
		}
		host, p.port = s[:i], port
	default:
		return p, errors.New("IPv6 addresses must be written in brackets, e.g. [::1]")
	}
	host = lowerASCII(host)
	if host == "localhost" {
		p.name = host
		return p, nil
	}
	if rest, ok := strings.CutPrefix(host, "*."); ok {
		if strings.Contains(rest, "*") {
			return p, errors.New("only one wildcard, at the start, is allowed")
		}
		if err := checkName(rest); err != nil {
			return p, err
		}
		if !strings.Contains(rest, ".") {
			return p, errors.New("a wildcard must cover at least two labels (*.example.com, not *.com)")
		}
		if _, err := netip.ParseAddr(rest); err == nil || allDigits(rest[strings.LastIndexByte(rest, '.')+1:]) {
			return p, errors.New("wildcards do not apply to IP addresses")
		}
		p.name, p.wildcard = rest, true
		return p, nil
	}
	if strings.Contains(host, "*") {
		return p, errors.New("the wildcard may only stand at the start, as in *.example.com")
	}
	if a, err := netip.ParseAddr(host); err == nil {
		p.addr = a.Unmap()
		return p, nil
	}
	if err := checkName(host); err != nil {
		return p, err
	}
	if !strings.Contains(host, ".") {
		return p, errors.New("a domain needs at least one dot")
	}
	p.name = host
	return p, nil
}

func parsePort(s string) (int, error) {
	if s == "" || len(s) > 5 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("invalid port %q", s)
	}
	n, _ := strconv.Atoi(s)
	if n < 1 || n > 65535 {
		return 0, fmt.Errorf("port %d out of range 1-65535", n)
	}
	return n, nil
}

// checkName reports whether s (lower case) is a dotted DNS name: no empty labels, no leading or trailing dot,
// letters, digits, '-' and '_' only.
func checkName(s string) error {
	if s == "" {
		return errors.New("empty name")
	}
	if strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return errors.New("a name may not start or end with '.'")
	}
	if len(s) > 253 {
		return errors.New("name too long")
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" {
			return errors.New("empty label")
		}
		if len(label) > 63 {
			return errors.New("label too long")
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("invalid character %q", c)
			}
		}
	}
	return nil
}

// target is a normalised request host: either a name or an IP literal.
type target struct {
	name string     // lower case, no trailing dot; empty for literals
	addr netip.Addr // valid for literals
}

// parseTarget normalises a host as it appears in a request: brackets removed, lower case, one trailing dot
// removed, IPv4-mapped IPv6 unmapped. It fails for anything that is neither a plain DNS name nor an IP literal.
func parseTarget(host string) (target, error) {
	h := host
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	if a, err := netip.ParseAddr(h); err == nil {
		if a.Zone() != "" {
			return target{}, errors.New("scoped IPv6 addresses are not allowed")
		}
		return target{addr: a.Unmap()}, nil
	}
	h = lowerASCII(strings.TrimSuffix(h, "."))
	if h == "localhost" {
		return target{name: h}, nil
	}
	if err := checkName(h); err != nil {
		return target{}, fmt.Errorf("invalid host %q: %v", host, err)
	}
	return target{name: h}, nil
}

// matches reports whether p covers the target on port.
func (p Pattern) matches(t target, port int) bool {
	if p.port != 0 && p.port != port {
		return false
	}
	if p.addr.IsValid() || t.addr.IsValid() {
		return p.addr.IsValid() && t.addr.IsValid() && p.addr == t.addr
	}
	if p.wildcard {
		return len(t.name) > len(p.name) && strings.HasSuffix(t.name, p.name) && t.name[len(t.name)-len(p.name)-1] == '.'
	}
	return p.name == t.name
}

// lowerASCII lower-cases ASCII letters only. DNS names are case-insensitive in ASCII alone; Unicode case
// mapping would turn U+212A KELVIN SIGN into 'k' and U+0130 into 'i', so a non-ASCII host would pass
// checkName as an ASCII name it is not.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// allDigits reports whether s is a non-empty run of ASCII digits. No top-level domain is all-numeric, so a
// name ending in such a label is an IP address in disguise ("1.2.3" is 1.2.0.3 to inet_aton).
func allDigits(s string) bool {
	return s != "" && strings.TrimLeft(s, "0123456789") == ""
}

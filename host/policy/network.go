package policy

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"time"
)

// Decision is the answer to one question put to a Policy.
type Decision struct {
	Action Action
	Kind   Kind
	Host   string
	Port   int
	Path   string
	Op     string
	Rule   string // the pattern or path rule that decided; empty when nothing matched
	Reason string
}

// Allowed reports whether the decision allows the request.
func (d Decision) Allowed() bool { return d.Action == ActionAllow }

// Err returns nil for an allowing decision and a *DenialError otherwise.
func (d Decision) Err() error {
	if d.Allowed() {
		return nil
	}
	return &DenialError{Kind: d.Kind, Host: d.Host, Port: d.Port, Path: d.Path, Op: d.Op, Rule: d.Rule, Reason: d.Reason}
}

// Event turns the decision into an audit event attributed to backend.
func (d Decision) Event(backend string) Event {
	return Event{Time: time.Now(), Action: d.Action, Kind: d.Kind, Host: d.Host, Port: d.Port, Path: d.Path,
		Op: d.Op, Rule: d.Rule, Reason: d.Reason, Backend: backend}
}

func (d Decision) String() string {
	what := d.Path
	if d.Kind == KindNetwork {
		what = net.JoinHostPort(d.Host, strconv.Itoa(d.Port))
	}
	s := fmt.Sprintf("%s %s %s", d.Action, d.Kind, what)
	if d.Rule != "" {
		s += " rule=" + d.Rule
	}
	if d.Reason != "" {
		s += " (" + d.Reason + ")"
	}
	return s
}

func netDecision(a Action, host string, port int, rule, reason string) Decision {
	return Decision{Action: a, Kind: KindNetwork, Host: host, Port: port, Rule: rule, Reason: reason}
}

// DecideNetwork decides a connection request to host:port before any name resolution.
//
// The order is sandbox-runtime's: a deniedDomains match denies; otherwise an allowedDomains match allows;
// otherwise the request is denied. Matching is case-insensitive and ignores one trailing dot. An IP literal in
// a loopback, private, link-local or otherwise internal range is denied unless the allow list names that
// literal itself. A nil or zero Policy denies everything.
func (p *Policy) DecideNetwork(host string, port int) Decision {
	if port < 1 || port > 65535 {
		return netDecision(ActionDeny, host, port, "", "invalid port")
	}
	t, err := parseTarget(host)
	if err != nil {
		return netDecision(ActionDeny, host, port, "", err.Error())
	}
	if p == nil {
		return netDecision(ActionDeny, host, port, "", "no policy")
	}
	for _, d := range p.denied {
		if d.matches(t, port) {
			return netDecision(ActionDeny, host, port, d.raw, "matches deniedDomains")
		}
	}
	for _, a := range p.allowed {
		if a.matches(t, port) {
			return netDecision(ActionAllow, host, port, a.raw, "matches allowedDomains")
		}
	}
	if t.addr.IsValid() && isInternal(t.addr) {
		return netDecision(ActionDeny, host, port, "", "internal address not explicitly allowed")
	}
	return netDecision(ActionDeny, host, port, "", "not in allowedDomains")
}

// DecideAddr decides whether a connection to host:port, already allowed by DecideNetwork, may go to ip, the
// address host resolved to. It stops DNS rebinding: a name may reach a loopback, private or link-local
// address only if the allow list names that address (or, for loopback, "localhost") on that port. The deny
// list applies to the address as well. host:port is decided again first, so a name this policy does not allow
// (the policy may have been replaced since, or DecideNetwork skipped) never reaches any address.
func (p *Policy) DecideAddr(host string, port int, ip netip.Addr) Decision {
	if d := p.DecideNetwork(host, port); !d.Allowed() {
		return d
	}
	ip = ip.Unmap().WithZone("")
	where := fmt.Sprintf("%s resolved to %s", host, ip)
	t := target{addr: ip}
	for _, d := range p.denied {
		if d.matches(t, port) {
			return netDecision(ActionDeny, host, port, d.raw, where+", which matches deniedDomains")
		}
	}
	if !isInternal(ip) {
		return netDecision(ActionAllow, host, port, "", where)
	}
	for _, a := range p.allowed {
		if a.matches(t, port) {
			return netDecision(ActionAllow, host, port, a.raw, where+", which is explicitly allowed")
		}
		if (ip.IsLoopback() || ip.IsUnspecified()) && a.name == "localhost" && !a.wildcard && (a.port == 0 || a.port == port) {
			return netDecision(ActionAllow, host, port, a.raw, where+", loopback allowed by localhost")
		}
	}
	return netDecision(ActionDeny, host, port, "", where+", an internal address that is not explicitly allowed")
}

var (
	sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")
	nat64Prefix        = netip.MustParsePrefix("64:ff9b::/96")
	sixToFourPrefix    = netip.MustParsePrefix("2002::/16")
	thisNetwork        = netip.MustParsePrefix("0.0.0.0/8")
	nat64Local         = netip.MustParsePrefix("64:ff9b:1::/48")
	ipv4Compatible     = netip.MustParsePrefix("::/96")
	broadcast          = netip.MustParseAddr("255.255.255.255")
)

// isInternal reports whether a reaches the host itself or its local networks: loopback, unspecified, private
// (RFC 1918, fc00::/7), link-local, multicast, broadcast, shared address space, and internal IPv4 embedded in
// IPv4-compatible, NAT64 or 6to4 addresses.
func isInternal(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsUnspecified() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsMulticast() ||
		sharedAddressSpace.Contains(a) || thisNetwork.Contains(a) || a == broadcast {
		return true
	}
	if a.Is6() {
		b := a.As16()
		if ipv4Compatible.Contains(a) {
			return isInternal(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
		}
		if nat64Local.Contains(a) {
			return true // local-use NAT64 (RFC 8215): a translator on the local network
		}
		if nat64Prefix.Contains(a) {
			return isInternal(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
		}
		if sixToFourPrefix.Contains(a) {
			return isInternal(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
		}
	}
	return false
}

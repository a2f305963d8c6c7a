package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/srt-sandbox/srt/host/policy"
)

// Resolver looks up a host's addresses. *net.Resolver satisfies it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// GateOptions configures a Gate. The zero value is usable.
type GateOptions struct {
	Recorder    policy.Recorder // audit events; nil drops them
	Resolver    Resolver        // nil: net.DefaultResolver
	DialTimeout time.Duration   // 0: 30s
}

// Gate is where both proxies ask the policy: it decides names, resolves allowed names, re-checks the
// resolved addresses (no DNS rebinding to internal addresses) and dials. A Gate with a nil policy denies
// everything. It is safe for concurrent use.
type Gate struct {
	pol      atomic.Pointer[policy.Policy]
	rec      policy.Recorder
	resolver Resolver
	timeout  time.Duration

	mu    sync.Mutex
	conns map[net.Conn]struct{} // upstream connections, closed by CloseAll
}

// NewGate returns a Gate that asks p.
func NewGate(p *policy.Policy, opts GateOptions) *Gate {
	g := &Gate{rec: opts.Recorder, resolver: opts.Resolver, timeout: opts.DialTimeout, conns: map[net.Conn]struct{}{}}
	if g.rec == nil {
		g.rec = policy.Discard
	}
	if g.resolver == nil {
		g.resolver = net.DefaultResolver
	}
	if g.timeout == 0 {
		g.timeout = 30 * time.Second
	}
	g.pol.Store(p)
	return g
}

// SetPolicy replaces the policy for requests that start from now on.
func (g *Gate) SetPolicy(p *policy.Policy) { g.pol.Store(p) }

// Policy returns the current policy.
func (g *Gate) Policy() *policy.Policy { return g.pol.Load() }

// Decide asks the policy about host:port and records the decision.
func (g *Gate) Decide(host string, port int, backend string) policy.Decision {
	d := g.pol.Load().DecideNetwork(host, port)
	g.rec.Record(d.Event(backend))
	return d
}

// Resolve returns the addresses host may be reached at on port. host must already be allowed by Decide.
// Addresses the policy refuses are dropped (and recorded); if none is left the error is a *policy.DenialError.
func (g *Gate) Resolve(ctx context.Context, host string, port int, backend string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a.Unmap()}, nil // a literal was decided by Decide already
	}
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	addrs, err := g.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", host, err)
	}
	p := g.pol.Load()
	var ok []netip.Addr
	var first policy.Decision
	for _, a := range addrs {
		d := p.DecideAddr(host, port, a)
		if d.Allowed() {
			ok = append(ok, a.Unmap())
			continue
		}
		if first.Action == "" {
			first = d
		}
		g.rec.Record(d.Event(backend))
	}
	if len(ok) == 0 {
		if first.Action == "" {
			return nil, fmt.Errorf("resolving %s: no addresses", host)
		}
		return nil, first.Err()
	}
	return ok, nil
}

// Dial connects to one of addrs on port, in order, and tracks the connection until it is closed.
func (g *Gate) Dial(ctx context.Context, addrs []netip.Addr, port int) (net.Conn, error) {
	d := net.Dialer{Timeout: g.timeout}
	var errs []error
	for _, a := range addrs {
		c, err := d.DialContext(ctx, "tcp", netip.AddrPortFrom(a, uint16(port)).String())
		if err == nil {
			return g.track(c), nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, errors.New("no address to dial")
	}
	return nil, errors.Join(errs...)
}

// DialHost decides, resolves and dials host:port in one step.
func (g *Gate) DialHost(ctx context.Context, hostport, backend string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("invalid port in %q", hostport)
	}
	if d := g.Decide(host, port, backend); !d.Allowed() {
		return nil, d.Err()
	}
	addrs, err := g.Resolve(ctx, host, port, backend)
	if err != nil {
		return nil, err
	}
	return g.Dial(ctx, addrs, port)
}

// CloseAll closes every upstream connection the gate opened that is still open.
func (g *Gate) CloseAll() {
	g.mu.Lock()
	conns := g.conns
	g.conns = map[net.Conn]struct{}{}
	g.mu.Unlock()
	for c := range conns {
		c.(*trackedConn).Conn.Close()
	}
}

func (g *Gate) track(c net.Conn) net.Conn {
	t := &trackedConn{Conn: c, g: g}
	g.mu.Lock()
	g.conns[t] = struct{}{}
	g.mu.Unlock()
	return t
}

// trackedConn removes itself from its gate when closed. It keeps CloseWrite/CloseRead so tunnels can
// half-close.
type trackedConn struct {
	net.Conn
	g    *Gate
	once sync.Once
}

func (t *trackedConn) Close() error {
	t.once.Do(func() {
		t.g.mu.Lock()
		delete(t.g.conns, t)
		t.g.mu.Unlock()
	})
	return t.Conn.Close()
}

func (t *trackedConn) CloseWrite() error {
	if c, ok := t.Conn.(interface{ CloseWrite() error }); ok {
		return c.CloseWrite()
	}
	return nil
}

func (t *trackedConn) CloseRead() error {
	if c, ok := t.Conn.(interface{ CloseRead() error }); ok {
		return c.CloseRead()
	}
	return nil
}

func errorsIsDenied(err error) bool { return errors.Is(err, policy.ErrDenied) }

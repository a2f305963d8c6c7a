package proxy

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"

	socks5 "github.com/armon/go-socks5"
)

// handshakeTimeout bounds how long a SOCKS client may take to send its greeting and request; the upstream
// dial has its own timeout on top.
const handshakeTimeout = 10 * time.Second

// SOCKS is the filtering SOCKS5 proxy. Create it with NewSOCKS.
//
// It speaks SOCKS5 only, with "no authentication" (or, with Options.AuthToken, username/password only),
// and CONNECT only: BIND and UDP ASSOCIATE get reply 05 07. The policy is asked about the requested name
// before it is resolved, so a denied name never reaches DNS.
type SOCKS struct {
	gate *Gate
	srv  *socks5.Server

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	lns    map[net.Listener]struct{}
	closed bool
	wg     sync.WaitGroup
}

// NewSOCKS returns a SOCKS5 proxy that asks gate about every request.
func NewSOCKS(gate *Gate, opts Options) *SOCKS {
	s := &SOCKS{gate: gate, conns: map[net.Conn]struct{}{}, lns: map[net.Listener]struct{}{}}
	conf := &socks5.Config{
		Rules:    socksRules{gate},
		Resolver: noResolver{}, // resolution happens in Rules, after the policy check
		Dial:     socksDial(gate),
		Logger:   discardLogger(opts.Logger),
	}
	if opts.AuthToken != "" {
		conf.Credentials = tokenCredentials(sha256.Sum256([]byte(opts.AuthToken)))
	} else {
		conf.AuthMethods = []socks5.Authenticator{socks5.NoAuthAuthenticator{}}
	}
	srv, err := socks5.New(conf)
	if err != nil {
		panic("proxy: go-socks5 rejected a static configuration: " + err.Error())
	}
	s.srv = srv
	return s
}

// Serve accepts SOCKS5 connections on l until l fails or Close is called (then it returns net.ErrClosed).
func (s *SOCKS) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		l.Close()
		return net.ErrClosed
	}
	s.lns[l] = struct{}{}
	s.mu.Unlock()
	for {
		c, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			delete(s.lns, l)
			s.mu.Unlock()
			if closed {
				return net.ErrClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return err
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return net.ErrClosed
		}
		hc := &handshakeConn{Conn: c}
		s.conns[hc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		_ = c.SetDeadline(time.Now().Add(handshakeTimeout + s.gate.timeout))
		go func() {
			defer s.wg.Done()
			_ = s.srv.ServeConn(hc)
			hc.Close()
			s.mu.Lock()
			delete(s.conns, hc)
			s.mu.Unlock()
		}()
	}
}

// Close stops every listener passed to Serve, closes all client and upstream connections and waits for
// their goroutines to end.
func (s *SOCKS) Close() error {
	s.mu.Lock()
	s.closed = true
	for l := range s.lns {
		l.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.gate.CloseAll()
	s.wg.Wait()
	return nil
}

// handshakeConn clears the handshake deadline when the server sends its reply to the request (the only
// write of 10 bytes or more before the tunnel starts: version 5, a reply code, RSV, an address).
type handshakeConn struct {
	net.Conn
	once sync.Once
}

func (c *handshakeConn) Write(p []byte) (int, error) {
	if len(p) >= 10 && p[0] == socksVersion {
		c.once.Do(func() { _ = c.Conn.SetDeadline(time.Time{}) })
	}
	return c.Conn.Write(p)
}

func (c *handshakeConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// noResolver leaves names unresolved so go-socks5 does not look them up before the rules run.
type noResolver struct{}

func (noResolver) Resolve(ctx context.Context, name string) (context.Context, net.IP, error) {
	return ctx, nil, nil
}

type tokenCredentials [32]byte

func (t tokenCredentials) Valid(_, password string) bool {
	sum := sha256.Sum256([]byte(password))
	return subtle.ConstantTimeCompare(sum[:], t[:]) == 1
}

type ctxKey struct{}

// route is what Rules found out for Dial: where to connect, or why not.
type route struct {
	addrs []netip.Addr
	port  int
	err   error
}

type socksRules struct{ gate *Gate }

func (r socksRules) Allow(ctx context.Context, req *socks5.Request) (context.Context, bool) {
	if req.Command != socks5.ConnectCommand {
		return ctx, true // go-socks5 answers BIND and ASSOCIATE with 05 07
	}
	host := req.DestAddr.FQDN
	if host == "" {
		host = req.DestAddr.IP.String()
	}
	port := req.DestAddr.Port
	if d := r.gate.Decide(host, port, BackendSOCKS); !d.Allowed() {
		return ctx, false
	}
	addrs, err := r.gate.Resolve(ctx, host, port, BackendSOCKS)
	if err != nil && errorsIsDenied(err) {
		return ctx, false // resolved to an address the policy refuses: 05 02 as for a denied name
	}
	return context.WithValue(ctx, ctxKey{}, route{addrs: addrs, port: port, err: err}), true
}

func socksDial(g *Gate) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		rt, ok := ctx.Value(ctxKey{}).(route)
		if !ok {
			return nil, errors.New("srt: SOCKS dial without a policy decision") // cannot happen: fail closed
		}
		if rt.err != nil {
			return nil, rt.err
		}
		return g.Dial(ctx, rt.addrs, rt.port)
	}
}

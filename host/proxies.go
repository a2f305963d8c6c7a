package host

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"syscall"

	"github.com/srt-sandbox/srt/host/policy"
	"github.com/srt-sandbox/srt/proxy"
)

// ProxyOptions configures StartProxies. The zero value listens on 127.0.0.1, on any free ports.
type ProxyOptions struct {
	Listen    string // address to listen on; "" = 127.0.0.1
	HTTPPort  int    // 0 = any free port
	SOCKSPort int    // 0 = any free port
	AuthToken string // optional; see proxy.Options
	Recorder  policy.Recorder
	Resolver  proxy.Resolver
	Logger    *slog.Logger
}

// Proxies is a running pair of filtering proxies sharing one policy.
type Proxies struct {
	gate      *proxy.Gate
	http      *proxy.HTTP
	socks     *proxy.SOCKS
	httpAddr  *net.TCPAddr
	socksAddr *net.TCPAddr
}

// ListenError reports that a proxy could not listen; for a port in use it says how to choose another.
type ListenError struct {
	Proxy string // "HTTP" or "SOCKS5"
	Addr  string
	Flag  string // the flag that chooses the port
	Env   string // the environment variable that chooses the port
	Err   error
}

func (e *ListenError) Error() string {
	if errors.Is(e.Err, syscall.EADDRINUSE) {
		return fmt.Sprintf("%s proxy: address %s is already in use (is another srt proxy or sandbox running?); "+
			"choose another port with %s or %s, or 0 for any free port", e.Proxy, e.Addr, e.Flag, e.Env)
	}
	return fmt.Sprintf("%s proxy: listening on %s: %v", e.Proxy, e.Addr, e.Err)
}

func (e *ListenError) Unwrap() error { return e.Err }

// StartProxies listens and serves both proxies. Both listeners are ready when it returns.
func StartProxies(pol *policy.Policy, opts ProxyOptions) (*Proxies, error) {
	listen := opts.Listen
	if listen == "" {
		listen = "127.0.0.1"
	}
	hl, err := net.Listen("tcp", net.JoinHostPort(listen, strconv.Itoa(opts.HTTPPort)))
	if err != nil {
		return nil, &ListenError{Proxy: "HTTP", Addr: net.JoinHostPort(listen, strconv.Itoa(opts.HTTPPort)),
			Flag: "--http-port", Env: "ANTHROPIC_HTTP_PROXY_PORT", Err: err}
	}
	sl, err := net.Listen("tcp", net.JoinHostPort(listen, strconv.Itoa(opts.SOCKSPort)))
	if err != nil {
		hl.Close()
		return nil, &ListenError{Proxy: "SOCKS5", Addr: net.JoinHostPort(listen, strconv.Itoa(opts.SOCKSPort)),
			Flag: "--socks-port", Env: "ANTHROPIC_SOCKS_PROXY_PORT", Err: err}
	}
	gate := proxy.NewGate(pol, proxy.GateOptions{Recorder: opts.Recorder, Resolver: opts.Resolver})
	popts := proxy.Options{AuthToken: opts.AuthToken, Logger: opts.Logger}
	p := &Proxies{
		gate:      gate,
		http:      proxy.NewHTTP(gate, popts),
		socks:     proxy.NewSOCKS(gate, popts),
		httpAddr:  hl.Addr().(*net.TCPAddr),
		socksAddr: sl.Addr().(*net.TCPAddr),
	}
	go p.http.Serve(hl)
	go p.socks.Serve(sl)
	return p, nil
}

// HTTPAddr is the HTTP proxy's listening address.
func (p *Proxies) HTTPAddr() *net.TCPAddr { return p.httpAddr }

// SOCKSAddr is the SOCKS5 proxy's listening address.
func (p *Proxies) SOCKSAddr() *net.TCPAddr { return p.socksAddr }

// SetPolicy replaces the policy for requests that start from now on.
func (p *Proxies) SetPolicy(pol *policy.Policy) { p.gate.SetPolicy(pol) }

// Close stops both proxies and closes every connection they hold.
func (p *Proxies) Close() error {
	return errors.Join(p.http.Close(), p.socks.Close())
}

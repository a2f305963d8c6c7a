package proxy

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/elazarl/goproxy"

	"github.com/srt-sandbox/srt/host/policy"
)

// Options configures a proxy. The zero value is usable.
type Options struct {
	// AuthToken, when set, must be presented by clients: as the password of HTTP Basic
	// Proxy-Authorization (any user name) or of SOCKS5 username/password authentication.
	AuthToken string
	// Logger receives the libraries' diagnostics at debug level; nil discards them.
	Logger *slog.Logger
}

// BackendHTTP and BackendSOCKS name the proxies in audit events.
const (
	BackendHTTP  = "http-proxy"
	BackendSOCKS = "socks-proxy"
)

// HTTP is the filtering HTTP proxy. Create it with NewHTTP.
type HTTP struct {
	gate  *Gate
	opts  Options
	gp    *goproxy.ProxyHttpServer
	tr    *http.Transport
	srv   *http.Server
	token [32]byte
}

// NewHTTP returns an HTTP proxy that asks gate about every request.
func NewHTTP(gate *Gate, opts Options) *HTTP {
	h := &HTTP{gate: gate, opts: opts}
	if opts.AuthToken != "" {
		h.token = sha256.Sum256([]byte(opts.AuthToken))
	}
	// The upstream transport: no proxy from the environment, certificates verified, every dial through the
	// gate (which re-checks resolved addresses), bodies passed through untouched.
	h.tr = &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return gate.DialHost(ctx, addr, BackendHTTP)
		},
		ForceAttemptHTTP2:   true,
		DisableCompression:  true,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 30 * time.Second,
	}
	gp := goproxy.NewProxyHttpServer()
	gp.Tr = h.tr
	gp.ConnectDial = nil
	gp.ConnectDialWithReq = func(req *http.Request, network, addr string) (net.Conn, error) {
		return h.dialConnect(req, addr)
	}
	gp.KeepAcceptEncoding = true
	gp.Verbose = false
	gp.Logger = discardLogger(opts.Logger)
	gp.NonproxyHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "srt HTTP proxy: not a proxy request (use an absolute URL or CONNECT)", http.StatusBadRequest)
	})
	gp.ConnectionErrHandler = func(w io.Writer, ctx *goproxy.ProxyCtx, err error) {
		resp := textResponse(ctx.Req, http.StatusBadGateway, "srt HTTP proxy: "+err.Error())
		if errors.Is(err, policy.ErrDenied) {
			resp = deniedResponse(ctx.Req)
		}
		resp.Close = true
		_ = resp.Write(w)
	}
	gp.OnRequest().HandleConnectFunc(h.handleConnect)
	gp.OnRequest().DoFunc(h.handleRequest)
	h.gp = gp
	h.srv = &http.Server{
		Handler:           gp,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	return h
}

// Serve accepts proxy connections on l until Close. It returns http.ErrServerClosed after Close.
func (h *HTTP) Serve(l net.Listener) error { return h.srv.Serve(l) }

// ServeHTTP serves one proxy request; HTTP can be mounted in another server.
func (h *HTTP) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.gp.ServeHTTP(w, r) }

// Close stops accepting, closes client connections and every open upstream connection and tunnel.
func (h *HTTP) Close() error {
	err := h.srv.Close()
	h.tr.CloseIdleConnections()
	h.gate.CloseAll()
	return err
}

func (h *HTTP) authorized(r *http.Request) bool {
	if h.opts.AuthToken == "" {
		return true
	}
	v := r.Header.Get("Proxy-Authorization")
	scheme, cred, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return false
	}
	_, pass, ok := strings.Cut(string(raw), ":")
	sum := sha256.Sum256([]byte(pass))
	return ok && subtle.ConstantTimeCompare(sum[:], h.token[:]) == 1
}

func authRequired(req *http.Request) *http.Response {
	resp := textResponse(req, http.StatusProxyAuthRequired, "srt HTTP proxy: authentication required")
	resp.Header.Set("Proxy-Authenticate", `Basic realm="srt"`)
	return resp
}

func (h *HTTP) handleConnect(hostport string, ctx *goproxy.ProxyCtx) (*goproxy.ConnectAction, string) {
	reject := func(resp *http.Response) (*goproxy.ConnectAction, string) {
		resp.Close = true
		ctx.Resp = resp
		return goproxy.RejectConnect, hostport
	}
	if !h.authorized(ctx.Req) {
		return reject(authRequired(ctx.Req))
	}
	host, port, err := splitHostPort(hostport, 0)
	if err != nil {
		return reject(textResponse(ctx.Req, http.StatusBadRequest, "srt HTTP proxy: CONNECT needs host:port: "+err.Error()))
	}
	if d := h.gate.Decide(host, port, BackendHTTP); !d.Allowed() {
		return reject(deniedResponse(ctx.Req))
	}
	return goproxy.OkConnect, net.JoinHostPort(host, strconv.Itoa(port))
}

// dialConnect resolves and dials an allowed CONNECT target; Decide already ran in handleConnect.
func (h *HTTP) dialConnect(req *http.Request, hostport string) (net.Conn, error) {
	host, port, err := splitHostPort(hostport, 0)
	if err != nil {
		return nil, err
	}
	addrs, err := h.gate.Resolve(req.Context(), host, port, BackendHTTP)
	if err != nil {
		return nil, err
	}
	return h.gate.Dial(req.Context(), addrs, port)
}

func (h *HTTP) handleRequest(req *http.Request, ctx *goproxy.ProxyCtx) (*http.Request, *http.Response) {
	if !h.authorized(req) {
		return req, authRequired(req)
	}
	defPort := 80
	switch req.URL.Scheme {
	case "http":
	case "https":
		defPort = 443
	default:
		return req, textResponse(req, http.StatusBadRequest, "srt HTTP proxy: unsupported scheme "+strconv.Quote(req.URL.Scheme))
	}
	host, port, err := splitHostPort(req.URL.Host, defPort)
	if err != nil {
		return req, textResponse(req, http.StatusBadRequest, "srt HTTP proxy: invalid host: "+err.Error())
	}
	if d := h.gate.Decide(host, port, BackendHTTP); !d.Allowed() {
		return req, deniedResponse(req)
	}
	goproxy.RemoveProxyHeaders(ctx, req)
	req.Host = req.URL.Host // the Host header is the URL's host: no Host spoofing past the policy
	resp, err := h.tr.RoundTrip(req)
	if err != nil {
		if errors.Is(err, policy.ErrDenied) {
			return req, deniedResponse(req)
		}
		return req, textResponse(req, http.StatusBadGateway, "srt HTTP proxy: upstream: "+err.Error())
	}
	return req, resp
}

// splitHostPort splits "host:port" or, when defPort > 0, a bare "host". Brackets are removed from IPv6.
func splitHostPort(s string, defPort int) (string, int, error) {
	host, portStr, err := net.SplitHostPort(s)
	if err != nil {
		if defPort == 0 || strings.Count(s, ":") > 0 && !strings.HasPrefix(s, "[") {
			return "", 0, err
		}
		host = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
		return host, defPort, nilIfHost(host)
	}
	if portStr == "" && defPort > 0 {
		return host, defPort, nilIfHost(host)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, errors.New("invalid port " + strconv.Quote(portStr))
	}
	return host, port, nilIfHost(host)
}

func nilIfHost(host string) error {
	if host == "" {
		return errors.New("missing host")
	}
	return nil
}

type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.l.Debug(strings.TrimSpace(string(p)))
	return len(p), nil
}

// discardLogger adapts an optional slog.Logger to the *log.Logger the libraries want.
func discardLogger(l *slog.Logger) *log.Logger {
	if l == nil {
		return log.New(io.Discard, "", 0)
	}
	return log.New(slogWriter{l}, "", 0)
}

package proxy

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/srt-sandbox/srt/host/policy"
)

// DialConnect opens a tunnel to host:port through the HTTP proxy at proxyAddr (CONNECT). A denial by the
// proxy (403 with X-Proxy-Error: blocked-by-allowlist) is a *policy.DenialError; token, if set, is sent as
// Basic Proxy-Authorization. The returned connection carries the tunnel's bytes; ctx bounds the set-up.
//
//	c, err := proxy.DialConnect(ctx, "127.0.0.1:8080", "example.com", 443, "")
func DialConnect(ctx context.Context, proxyAddr, host string, port int, token string) (net.Conn, error) {
	c, stop, err := dialProxy(ctx, proxyAddr)
	if err != nil {
		return nil, err
	}
	defer stop()
	target := net.JoinHostPort(host, strconv.Itoa(port))
	req := "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n"
	if token != "" {
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("srt:"+token)) + "\r\n"
	}
	if _, err := c.Write([]byte(req + "\r\n")); err != nil {
		c.Close()
		return nil, fmt.Errorf("proxy %s: %w", proxyAddr, err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("proxy %s: %w", proxyAddr, err)
	}
	if resp.StatusCode != http.StatusOK {
		c.Close()
		if resp.StatusCode == http.StatusForbidden && resp.Header.Get(denialHeader) == denialMarker {
			return nil, &policy.DenialError{Kind: policy.KindNetwork, Host: host, Port: port,
				Reason: "denied by the proxy"}
		}
		if resp.StatusCode == http.StatusBadGateway {
			return nil, fmt.Errorf("connection to %s refused or unreachable (proxy: %s)", target, resp.Status)
		}
		return nil, fmt.Errorf("connection to %s failed (proxy: %s)", target, resp.Status)
	}
	if ctx.Err() != nil {
		c.Close()
		return nil, ctx.Err()
	}
	c.SetDeadline(time.Time{})
	if br.Buffered() > 0 {
		return &bufferedConn{Conn: c, r: br}, nil
	}
	return c, nil
}

// dialProxy connects to the proxy; until stop is called, ctx ending interrupts any read or write on the
// connection (the hand-shake).
func dialProxy(ctx context.Context, proxyAddr string) (net.Conn, func() bool, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", proxyAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to the proxy %s: %w", proxyAddr, err)
	}
	return c, context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) }), nil
}

type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (b *bufferedConn) Read(p []byte) (int, error) { return b.r.Read(p) }

// DialSOCKS5 opens a connection to host:port through the SOCKS5 proxy at proxyAddr, sending the name (the
// proxy resolves it). A denial (reply 02, "not allowed by ruleset") is a *policy.DenialError; token, if set,
// is sent with username/password authentication.
//
//	c, err := proxy.DialSOCKS5(ctx, "127.0.0.1:1080", "example.com", 443, "")
func DialSOCKS5(ctx context.Context, proxyAddr, host string, port int, token string) (net.Conn, error) {
	if len(host) > 255 {
		return nil, fmt.Errorf("SOCKS5: host name too long")
	}
	c, stop, err := dialProxy(ctx, proxyAddr)
	if err != nil {
		return nil, err
	}
	defer stop()
	fail := func(err error) (net.Conn, error) {
		c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("SOCKS5 proxy %s: %w", proxyAddr, err)
	}
	method := byte(0x00)
	if token != "" {
		method = 0x02
	}
	if _, err := c.Write([]byte{socksVersion, 1, method}); err != nil {
		return fail(err)
	}
	var b [4]byte
	if _, err := io.ReadFull(c, b[:2]); err != nil {
		return fail(err)
	}
	if b[0] != socksVersion || b[1] != method {
		return fail(fmt.Errorf("authentication method %#x refused", method))
	}
	if token != "" {
		msg := append([]byte{1, 3, 's', 'r', 't', byte(len(token))}, token...)
		if _, err := c.Write(msg); err != nil {
			return fail(err)
		}
		if _, err := io.ReadFull(c, b[:2]); err != nil {
			return fail(err)
		}
		if b[1] != 0 {
			return fail(fmt.Errorf("authentication failed"))
		}
	}
	req := append([]byte{socksVersion, 1, 0, 3, byte(len(host))}, host...)
	req = append(req, byte(port>>8), byte(port))
	if _, err := c.Write(req); err != nil {
		return fail(err)
	}
	if _, err := io.ReadFull(c, b[:4]); err != nil {
		return fail(err)
	}
	if b[1] != 0 {
		c.Close()
		if b[1] == socksRuleFailure {
			return nil, &policy.DenialError{Kind: policy.KindNetwork, Host: host, Port: port,
				Reason: "denied by the proxy"}
		}
		return nil, fmt.Errorf("connection to %s failed (SOCKS5 reply %#02x)",
			net.JoinHostPort(host, strconv.Itoa(port)), b[1])
	}
	var skip int
	switch b[3] {
	case 1:
		skip = 4 + 2
	case 4:
		skip = 16 + 2
	case 3:
		if _, err := io.ReadFull(c, b[:1]); err != nil {
			return fail(err)
		}
		skip = int(b[0]) + 2
	default:
		return fail(fmt.Errorf("bad address type %d", b[3]))
	}
	if _, err := io.ReadFull(c, make([]byte, skip)); err != nil {
		return fail(err)
	}
	if ctx.Err() != nil {
		c.Close()
		return nil, ctx.Err()
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"time"
)

// route is how a client reaches the upstream: directly, or through one of a target's proxies.
type route struct {
	kind  routeKind
	proxy string // proxy address; "" for direct
}

type routeKind int

const (
	direct routeKind = iota
	viaConnect
	viaSOCKS5
)

// dialer opens connections to dst ("host:port") along a route. Every connection has a deadline of
// timeout from its dial.
type dialer struct {
	route   route
	timeout time.Duration
}

// dial returns a connection on which bytes go to dst, and a reader for it that may hold bytes
// already read.
func (d dialer) dial(dst string) (net.Conn, *bufio.Reader, error) {
	addr := dst
	if d.route.kind != direct {
		addr = d.route.proxy
	}
	conn, err := net.DialTimeout("tcp", addr, d.timeout)
	if err != nil {
		return nil, nil, err
	}
	conn.SetDeadline(time.Now().Add(d.timeout))
	br := bufio.NewReader(conn)
	switch d.route.kind {
	case viaConnect:
		err = httpConnect(conn, br, dst)
	case viaSOCKS5:
		err = socks5Connect(conn, br, dst)
	}
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, br, nil
}

// httpConnect asks an HTTP proxy for a tunnel to dst.
func httpConnect(conn net.Conn, br *bufio.Reader, dst string) error {
	if _, err := fmt.Fprintf(conn, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", dst, dst); err != nil {
		return fmt.Errorf("CONNECT: %w", err)
	}
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		return fmt.Errorf("CONNECT: reading response: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("CONNECT: %s", resp.Status)
	}
	return nil
}

// socks5Connect does a SOCKS5 handshake without authentication and a CONNECT to dst (an IPv4 address
// or a domain name) in two round trips, as curl does.
func socks5Connect(conn net.Conn, br *bufio.Reader, dst string) error {
	host, portStr, err := net.SplitHostPort(dst)
	if err != nil {
		return err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return fmt.Errorf("port %q: %w", portStr, err)
	}
	if _, err := conn.Write([]byte{5, 1, 0}); err != nil { // version 5, 1 method: no authentication
		return fmt.Errorf("SOCKS5 greeting: %w", err)
	}
	var sel [2]byte
	if _, err := io.ReadFull(br, sel[:]); err != nil {
		return fmt.Errorf("SOCKS5 greeting: %w", err)
	}
	if sel != [2]byte{5, 0} {
		return fmt.Errorf("SOCKS5 greeting: server chose %v, want no authentication", sel)
	}

	req := []byte{5, 1, 0} // version 5, CONNECT, reserved
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is4() {
		req = append(append(req, 1), ip.AsSlice()...)
	} else {
		if len(host) > 255 {
			return fmt.Errorf("SOCKS5: host name %q too long", host)
		}
		req = append(append(req, 3, byte(len(host))), host...)
	}
	req = binary.BigEndian.AppendUint16(req, uint16(port))
	if _, err := conn.Write(req); err != nil {
		return fmt.Errorf("SOCKS5 CONNECT: %w", err)
	}

	var head [5]byte // version, reply, reserved, address type, first address byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return fmt.Errorf("SOCKS5 CONNECT: reading reply: %w", err)
	}
	if head[1] != 0 {
		return fmt.Errorf("SOCKS5 CONNECT refused: reply code %d", head[1])
	}
	var rest int // bound address bytes after the first, and the port
	switch head[3] {
	case 1:
		rest = 3 + 2
	case 4:
		rest = 15 + 2
	case 3:
		rest = int(head[4]) + 2
	default:
		return fmt.Errorf("SOCKS5 CONNECT: reply address type %d", head[3])
	}
	if _, err := br.Discard(rest); err != nil {
		return fmt.Errorf("SOCKS5 CONNECT: reading reply: %w", err)
	}
	return nil
}

// get sends a GET for path on a fresh connection from br/conn and returns the response, whose body
// the caller must drain and close.
func get(conn net.Conn, br *bufio.Reader, host, path string) (*http.Response, error) {
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host); err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: reading response: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return resp, nil
}

// oneShotOp returns an operation that opens a connection along d's route, sends one GET / on it,
// reads the whole response and closes the connection.
func oneShotOp(d dialer, dst string) func() error {
	return func() error {
		conn, br, err := d.dial(dst)
		if err != nil {
			return err
		}
		defer conn.Close()
		resp, err := get(conn, br, dst, "/")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return fmt.Errorf("reading body: %w", err)
		}
		return nil
	}
}

// streamOnce opens one connection along d's route, asks for n bytes and returns the rate at which
// the body arrived, in MB/s (10^6 bytes), timed from the request to the last byte.
func streamOnce(d dialer, dst string, n int64) (float64, error) {
	conn, br, err := d.dial(dst)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	start := time.Now()
	resp, err := get(conn, br, dst, "/stream?bytes="+strconv.FormatInt(n, 10))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	got, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return 0, fmt.Errorf("after %d of %d bytes: %w", got, n, err)
	}
	if got != n {
		return 0, fmt.Errorf("got %d of %d bytes", got, n)
	}
	return float64(n) / 1e6 / time.Since(start).Seconds(), nil
}

// httpClientOp returns an operation that GETs url (absolute-form through proxy if it is not "") with
// a keep-alive client sized for workers, and the function that closes the client's connections.
func httpClientOp(proxy, target string, workers int, timeout time.Duration) (op func() error, closeIdle func()) {
	tr := &http.Transport{
		MaxIdleConns:        2 * workers,
		MaxIdleConnsPerHost: 2 * workers,
		DisableCompression:  true,
		DialContext:         (&net.Dialer{Timeout: timeout}).DialContext,
	}
	if proxy != "" {
		tr.Proxy = http.ProxyURL(&url.URL{Scheme: "http", Host: proxy})
	}
	client := &http.Client{Transport: tr, Timeout: timeout}
	return func() error {
		resp, err := client.Get(target)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return fmt.Errorf("reading body: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			return errors.New(resp.Status)
		}
		return nil
	}, tr.CloseIdleConnections
}

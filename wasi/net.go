package wasi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/sys"

	"github.com/srt-sandbox/srt/host/policy"
)

// The guest's network is a set of virtual files below /.srt/net (see the package documentation):
//
//	tcp/HOST:PORT   open O_RDWR: a TCP connection to HOST:PORT through srt's dialer (the proxies)
//	starttls/ID/NAME   open: the host performs a TLS handshake on connection ID (server name NAME, verified
//	                   against the system roots or SSL_CERT_FILE); the guest keeps using ID's descriptor
//	starttlsi/ID/NAME  the same without certificate verification (the guest asked for CERT_NONE)
//	pair            open O_RDWR: one end of a new pair of connected sockets (in memory, for socketpair)
//	pair/ID         open O_RDWR: the other end of pair ID (once)
//	tlsroots/ID     open O_WRONLY, write "system\n" or "only\n" then PEM certificates, close: the roots the
//	                next starttls on ID verifies against (the guest's cafile/cadata; "system": srt's too)
//	error           the reason the last open above failed: "KIND\tMESSAGE"
//	poll            write "TIMEOUT_MS ID,ID,…", read "ID,ID,…" of the connections that are readable
//
// A connection's st_ino is its ID.

const maxBuffered = 256 << 10

type netState struct {
	ctx   context.Context
	dial  func(ctx context.Context, host string, port int) (net.Conn, error)
	tls   *tls.Config
	mu    sync.Mutex
	conns map[uint64]*conn
	peers map[uint64]*conn            // the other ends of pairs, by the ID of the end the guest opened first
	pools map[[32]byte]*x509.CertPool // guest trust roots by digest of what tlsroots received
	// rootsPending counts the bytes written to tlsroots files not closed yet.
	rootsPending int
	nextID       uint64
	last         string
	change       chan struct{} // closed and replaced on every readiness change
}

func newNetState(ctx context.Context, dial func(context.Context, string, int) (net.Conn, error), tc *tls.Config) *netState {
	n := &netState{ctx: ctx, dial: dial, tls: tc, conns: map[uint64]*conn{}, change: make(chan struct{})}
	go func() {
		<-ctx.Done()
		n.closeAll()
	}()
	return n
}

func (n *netState) closeAll() {
	n.mu.Lock()
	cs := n.conns
	n.conns = map[uint64]*conn{}
	n.mu.Unlock()
	for _, c := range cs {
		c.c.Close()
	}
}

func (n *netState) notify() {
	n.mu.Lock()
	close(n.change)
	n.change = make(chan struct{})
	n.mu.Unlock()
}

func (n *netState) setErr(kind, msg string) {
	n.mu.Lock()
	n.last = kind + "\t" + msg
	n.mu.Unlock()
}

// open serves OpenFile for names below /.srt/net.
func (n *netState) open(rel string, flag experimentalsys.Oflag) (experimentalsys.File, experimentalsys.Errno) {
	switch rel {
	case "error":
		n.mu.Lock()
		s := n.last
		n.mu.Unlock()
		return &memFile{data: []byte(s)}, 0
	case "poll":
		return &pollFile{n: n}, 0
	}
	if rel == "pair" {
		if n.full() {
			return nil, experimentalsys.EIO
		}
		return n.pair(), 0
	}
	kind, addr, ok := strings.Cut(rel, "/")
	if ok && kind == "pair" {
		id, err := strconv.ParseUint(addr, 10, 64)
		n.mu.Lock()
		peer := n.peers[id]
		delete(n.peers, id)
		n.mu.Unlock()
		if err != nil || peer == nil {
			return nil, experimentalsys.EBADF
		}
		return peer, 0
	}
	if ok && (kind == "starttls" || kind == "starttlsi") {
		return n.starttls(addr, kind == "starttls")
	}
	if ok && kind == "tlsroots" {
		id, err := strconv.ParseUint(addr, 10, 64)
		n.mu.Lock()
		c := n.conns[id]
		n.mu.Unlock()
		switch {
		case err != nil:
			return nil, experimentalsys.EINVAL
		case c == nil:
			return nil, experimentalsys.EBADF
		case flag&(experimentalsys.O_WRONLY|experimentalsys.O_RDWR) == 0:
			return nil, experimentalsys.EACCES
		}
		return &rootsFile{n: n, c: c}, 0
	}
	if !ok || kind != "tcp" {
		return nil, experimentalsys.ENOENT
	}
	if flag&experimentalsys.O_DIRECTORY != 0 {
		return nil, experimentalsys.ENOTDIR
	}
	host, portS, err := net.SplitHostPort(addr)
	port, perr := strconv.Atoi(portS)
	if err != nil || perr != nil || port <= 0 || port > 65535 || host == "" {
		n.setErr("invalid", fmt.Sprintf("invalid address %q", addr))
		return nil, experimentalsys.EINVAL
	}
	if n.dial == nil {
		n.setErr("denied", (&policy.DenialError{Kind: policy.KindNetwork, Host: host, Port: port,
			Reason: "no network for this run"}).Error())
		return nil, experimentalsys.EACCES
	}
	if n.full() {
		return nil, experimentalsys.EIO
	}
	c, err := n.dial(n.ctx, host, port)
	if err != nil {
		return nil, n.fail(host, port, err)
	}
	return n.add(c), 0
}

// maxConns caps the connections (and socket-pair ends) a run may have open at once: each holds a
// goroutine and up to maxBuffered bytes of the host's memory.
const maxConns = 256

// full reports (and records as the last error) that the run has maxConns connections open.
func (n *netState) full() bool {
	n.mu.Lock()
	full := len(n.conns) >= maxConns
	n.mu.Unlock()
	if full {
		n.setErr("error", fmt.Sprintf("srt: too many open connections (the limit is %d)", maxConns))
	}
	return full
}

// add registers a connection under a new ID.
func (n *netState) add(c net.Conn) *conn {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.nextID++
	cn := &conn{n: n, c: c, id: n.nextID}
	cn.cond = sync.NewCond(&cn.mu)
	n.conns[cn.id] = cn
	return cn
}

// pair makes two connected in-memory sockets and returns one; the other waits for pair/ID. Both read
// ahead from the start, so that a write to either end returns without waiting for the guest to read.
func (n *netState) pair() *conn {
	a, b := net.Pipe()
	ca, cb := n.add(a), n.add(b)
	for _, c := range []*conn{ca, cb} {
		c.mu.Lock()
		c.start()
		c.mu.Unlock()
	}
	n.mu.Lock()
	if n.peers == nil {
		n.peers = map[uint64]*conn{}
	}
	n.peers[ca.id] = cb
	n.mu.Unlock()
	return ca
}

// starttls upgrades connection "ID/NAME" to TLS. It must happen before the guest first reads or polls.
func (n *netState) starttls(arg string, verify bool) (experimentalsys.File, experimentalsys.Errno) {
	idS, name, ok := strings.Cut(arg, "/")
	id, err := strconv.ParseUint(idS, 10, 64)
	if !ok || err != nil || name == "" {
		return nil, experimentalsys.EINVAL
	}
	n.mu.Lock()
	c := n.conns[id]
	n.mu.Unlock()
	if c == nil {
		return nil, experimentalsys.EBADF
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pumping {
		n.setErr("tls", "TLS must start before the first read")
		return nil, experimentalsys.EINVAL
	}
	cfg := &tls.Config{}
	if n.tls != nil {
		cfg = n.tls.Clone()
	}
	cfg.ServerName = name
	cfg.InsecureSkipVerify = !verify
	if c.roots != nil {
		cfg.RootCAs = c.roots
	}
	tc := tls.Client(c.c, cfg)
	if err := tc.HandshakeContext(n.ctx); err != nil {
		var ve *tls.CertificateVerificationError
		var he x509.HostnameError
		var ua x509.UnknownAuthorityError
		var ie x509.CertificateInvalidError
		switch {
		case errors.As(err, &ve):
			n.setErr("tls-verify", ve.Err.Error())
		case errors.As(err, &he), errors.As(err, &ua), errors.As(err, &ie):
			n.setErr("tls-verify", err.Error())
		default:
			n.setErr("tls", err.Error())
		}
		return nil, experimentalsys.EIO
	}
	c.c = tc
	return &memFile{}, 0
}

func (n *netState) fail(host string, port int, err error) experimentalsys.Errno {
	hp := net.JoinHostPort(host, strconv.Itoa(port))
	var de *policy.DenialError
	switch {
	case errors.As(err, &de):
		n.setErr("denied", de.Error())
		return experimentalsys.EACCES
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		n.setErr("timeout", "connection to "+hp+" timed out")
		return experimentalsys.EINTR
	case strings.Contains(err.Error(), "refused"):
		n.setErr("refused", "connection to "+hp+" refused")
	case strings.Contains(err.Error(), "no such host"):
		n.setErr("dns", "cannot resolve "+host)
	default:
		n.setErr("error", "connection to "+hp+" failed: "+err.Error())
	}
	return experimentalsys.EIO
}

// conn is one guest connection. A pump goroutine reads ahead into buf so that readiness can be polled.
type conn struct {
	experimentalsys.UnimplementedFile
	n    *netState
	c    net.Conn
	id   uint64
	mu   sync.Mutex
	cond *sync.Cond
	buf  []byte
	err  error // read side finished (io.EOF or an error)

	pumping bool // the read-ahead goroutine runs (no TLS upgrade after that)

	roots *x509.CertPool // set through tlsroots/ID; nil: srt's roots
}

// maxRoots bounds what the guest may have written to tlsroots files not closed yet, all together
// (Debian's whole CA bundle is ~200 KB), and maxPools the pools a run keeps for reuse.
const (
	maxRoots = 8 << 20
	maxPools = 8
)

// rootsFile collects the guest's trust roots for one connection; they take effect when it is closed.
type rootsFile struct {
	experimentalsys.UnimplementedFile
	n    *netState
	c    *conn
	data []byte
}

func (r *rootsFile) IsDir() (bool, experimentalsys.Errno) { return false, 0 }
func (r *rootsFile) Stat() (sys.Stat_t, experimentalsys.Errno) {
	return sys.Stat_t{Mode: 0o200, Nlink: 1}, 0
}

func (r *rootsFile) Write(b []byte) (int, experimentalsys.Errno) {
	r.n.mu.Lock()
	full := r.n.rootsPending+len(b) > maxRoots
	if !full {
		r.n.rootsPending += len(b)
	}
	r.n.mu.Unlock()
	if full {
		return 0, experimentalsys.ERANGE
	}
	r.data = append(r.data, b...)
	return len(b), 0
}

func (r *rootsFile) Close() experimentalsys.Errno {
	if r.data == nil {
		return 0
	}
	pool, ok := r.n.rootPool(r.data)
	r.n.mu.Lock()
	r.n.rootsPending -= len(r.data)
	r.n.mu.Unlock()
	r.data = nil
	if !ok {
		return experimentalsys.EINVAL
	}
	r.c.mu.Lock()
	r.c.roots = pool
	r.c.mu.Unlock()
	return 0
}

// rootPool makes the pool that what the guest wrote to tlsroots/ID describes. The same bytes give the same
// pool within a run: a CA bundle (Debian's has ~140 certificates) is parsed once.
func (n *netState) rootPool(data []byte) (*x509.CertPool, bool) {
	key := sha256.Sum256(data)
	n.mu.Lock()
	defer n.mu.Unlock()
	if p := n.pools[key]; p != nil {
		return p, true
	}
	mode, pemData, _ := bytes.Cut(data, []byte("\n"))
	var pool *x509.CertPool
	switch string(mode) {
	case "only":
		pool = x509.NewCertPool()
	case "system":
		if n.tls != nil && n.tls.RootCAs != nil {
			pool = n.tls.RootCAs.Clone()
		} else if sp, err := x509.SystemCertPool(); err == nil {
			pool = sp
		} else {
			pool = x509.NewCertPool()
		}
	default:
		return nil, false
	}
	pool.AppendCertsFromPEM(pemData)
	if n.pools == nil || len(n.pools) >= maxPools {
		n.pools = map[[32]byte]*x509.CertPool{}
	}
	n.pools[key] = pool
	return pool, true
}

// start starts the read-ahead goroutine; c.mu is held.
func (c *conn) start() {
	if !c.pumping {
		c.pumping = true
		go c.pump()
	}
}

func (c *conn) pump() {
	b := make([]byte, 32<<10)
	for {
		c.mu.Lock()
		for len(c.buf) >= maxBuffered && c.err == nil {
			c.cond.Wait()
		}
		c.mu.Unlock()
		k, err := c.c.Read(b)
		c.mu.Lock()
		c.buf = append(c.buf, b[:k]...)
		if err != nil {
			c.err = err
		}
		c.cond.Broadcast()
		c.mu.Unlock()
		c.n.notify()
		if err != nil {
			return
		}
	}
}

func (c *conn) readable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.start()
	return len(c.buf) > 0 || c.err != nil
}

func (c *conn) Read(p []byte) (int, experimentalsys.Errno) {
	if len(p) == 0 {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.start()
	for len(c.buf) == 0 && c.err == nil {
		c.cond.Wait()
	}
	if len(c.buf) == 0 {
		return 0, 0 // EOF (errors after data are reported as EOF, like a reset socket read in Python)
	}
	k := copy(p, c.buf)
	c.buf = c.buf[k:]
	if len(c.buf) == 0 {
		c.buf = nil
	}
	c.cond.Broadcast()
	return k, 0
}

func (c *conn) Write(p []byte) (int, experimentalsys.Errno) {
	k, err := c.c.Write(p)
	if err != nil && k == 0 {
		return 0, experimentalsys.EIO
	}
	return k, 0
}

func (c *conn) Stat() (sys.Stat_t, experimentalsys.Errno) {
	return sys.Stat_t{Ino: c.id, Mode: fs.ModeCharDevice | 0o600, Nlink: 1}, 0
}
func (c *conn) IsDir() (bool, experimentalsys.Errno)    { return false, 0 }
func (c *conn) Ino() (sys.Inode, experimentalsys.Errno) { return c.id, 0 }

func (c *conn) Close() experimentalsys.Errno {
	c.n.mu.Lock()
	delete(c.n.conns, c.id)
	c.n.mu.Unlock()
	c.c.Close()
	c.mu.Lock()
	if c.err == nil {
		c.err = net.ErrClosed
	}
	c.cond.Broadcast()
	c.mu.Unlock()
	return 0
}

// pollFile answers readiness queries about connections.
type pollFile struct {
	experimentalsys.UnimplementedFile
	n       *netState
	timeout time.Duration // < 0: forever
	ids     []uint64
}

func (p *pollFile) IsDir() (bool, experimentalsys.Errno) { return false, 0 }
func (p *pollFile) Stat() (sys.Stat_t, experimentalsys.Errno) {
	return sys.Stat_t{Mode: fs.ModeCharDevice | 0o600, Nlink: 1}, 0
}

func (p *pollFile) Write(b []byte) (int, experimentalsys.Errno) {
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, experimentalsys.EINVAL
	}
	ms, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, experimentalsys.EINVAL
	}
	p.timeout = time.Duration(ms) * time.Millisecond
	p.ids = p.ids[:0]
	if len(f) > 1 {
		for _, s := range strings.Split(f[1], ",") {
			if id, err := strconv.ParseUint(s, 10, 64); err == nil {
				p.ids = append(p.ids, id)
			}
		}
	}
	return len(b), 0
}

func (p *pollFile) Read(b []byte) (int, experimentalsys.Errno) {
	var timer <-chan time.Time
	if p.timeout >= 0 {
		t := time.NewTimer(p.timeout)
		defer t.Stop()
		timer = t.C
	}
	for {
		p.n.mu.Lock()
		ch := p.n.change
		var ready []string
		for _, id := range p.ids {
			c, ok := p.n.conns[id]
			if !ok || c.readable() {
				ready = append(ready, strconv.FormatUint(id, 10))
			}
		}
		p.n.mu.Unlock()
		if len(ready) > 0 {
			return copy(b, strings.Join(ready, ",")), 0
		}
		select {
		case <-ch:
		case <-timer:
			return 0, 0
		case <-p.n.ctx.Done():
			return 0, experimentalsys.EIO
		}
	}
}

// memFile is a small read-only file.
type memFile struct {
	experimentalsys.UnimplementedFile
	data []byte
	off  int
}

func (m *memFile) IsDir() (bool, experimentalsys.Errno) { return false, 0 }
func (m *memFile) Stat() (sys.Stat_t, experimentalsys.Errno) {
	return sys.Stat_t{Mode: 0o400, Nlink: 1, Size: int64(len(m.data))}, 0
}
func (m *memFile) Read(b []byte) (int, experimentalsys.Errno) {
	k := copy(b, m.data[m.off:])
	m.off += k
	return k, 0
}
func (m *memFile) Pread(b []byte, off int64) (int, experimentalsys.Errno) {
	if off >= int64(len(m.data)) {
		return 0, 0
	}
	return copy(b, m.data[off:]), 0
}

"""srt: sockets for WASM Python through the host's virtual network files.

/.srt/net/tcp/HOST:PORT opened read-write is a TCP connection made by srt through its proxies;
/.srt/net/starttls/ID/NAME upgrades connection ID to TLS done by the host; /.srt/net/poll answers
readiness; /.srt/net/error explains the last failure.
"""
import errno as _errno
import io as _io
import os as _os
import sys as _sys

NET = "/.srt/net/"
_fd_ids = {}  # fd -> connection id
_pollfd = None


class NetworkBlockedError(ConnectionRefusedError):
    """The connection was refused by srt's network allowlist."""


def _last_error():
    try:
        fd = _os.open(NET + "error", _os.O_RDONLY)
    except OSError:
        return "error", "network error"
    try:
        s = _os.read(fd, 65536).decode("utf-8", "replace")
    finally:
        _os.close(fd)
    kind, _, msg = s.partition("\t")
    return kind, msg


def _raise_net(e, hp):
    import socket
    kind, msg = _last_error()
    if kind == "denied":
        raise NetworkBlockedError(_errno.ECONNREFUSED, msg) from None
    if kind == "refused":
        raise ConnectionRefusedError(_errno.ECONNREFUSED, msg) from None
    if kind == "timeout":
        raise TimeoutError(_errno.ETIMEDOUT, msg) from None
    if kind == "dns":
        raise socket.gaierror(socket.EAI_NONAME, msg) from None
    if kind == "tls-verify":
        import ssl
        err = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: " + msg)
        err.verify_message = msg
        err.verify_code = 1
        err.reason = "CERTIFICATE_VERIFY_FAILED"
        raise err from None
    if kind == "tls":
        import ssl
        raise ssl.SSLError(1, msg) from None
    raise OSError(e.errno or _errno.EIO, msg or ("connection to %s failed" % hp)) from None


def _open(host, port):
    hp = "%s:%d" % (host if ":" not in host else "[" + host + "]", port)
    try:
        fd = _os.open(NET + "tcp/" + hp, _os.O_RDWR)
    except OSError as e:
        _raise_net(e, hp)
    cid = _os.fstat(fd).st_ino
    _fd_ids[fd] = cid
    return fd, cid


def _socketpair(family=None, type=None, proto=0):
    """socket.socketpair: two connected sockets, made by the host (in memory)."""
    import socket as socketmod
    if family is None:
        family = getattr(socketmod, "AF_UNIX", socketmod.AF_INET)
    if type is None:
        type = socketmod.SOCK_STREAM
    try:
        fd1 = _os.open(NET + "pair", _os.O_RDWR)
    except OSError as e:
        _raise_net(e, "socketpair")
    id1 = _os.fstat(fd1).st_ino
    try:
        fd2 = _os.open(NET + "pair/%d" % id1, _os.O_RDWR)
    except OSError:
        _os.close(fd1)
        raise
    ends = []
    for fd in (fd1, fd2):
        s = socketmod.socket(family, type, proto)
        s._fd, s._id, s._peer = fd, _os.fstat(fd).st_ino, ""
        _fd_ids[fd] = s._id
        ends.append(s)
    return tuple(ends)


def _poll(ids, timeout):
    """Returns the set of ids that are readable within timeout seconds (None: forever)."""
    global _pollfd
    if not ids:
        return set()
    if _pollfd is None:
        _pollfd = _os.open(NET + "poll", _os.O_RDWR)
    ms = -1 if timeout is None else max(0, int(timeout * 1000))
    _os.write(_pollfd, ("%d %s" % (ms, ",".join(str(i) for i in ids))).encode())
    r = _os.read(_pollfd, 65536)
    return {int(x) for x in r.split(b",") if x}


def _fileno(obj):
    if isinstance(obj, int):
        return obj
    return obj.fileno()


def _select(rlist, wlist, xlist, timeout=None):
    rl = [(o, _fileno(o)) for o in rlist]
    ready = [o for o, fd in rl if fd not in _fd_ids]
    net = [(o, _fd_ids[fd]) for o, fd in rl if fd in _fd_ids]
    if net:
        ok = _poll([cid for _, cid in net], 0 if ready or wlist else timeout)
        ready += [o for o, cid in net if cid in ok]
    elif not ready and not wlist and timeout:
        import time
        time.sleep(timeout)
    return ready, list(wlist), []


class _Poll:
    def __init__(self):
        self._fds = {}

    def register(self, fd, eventmask=None):
        import select
        if eventmask is None:
            eventmask = select.POLLIN | select.POLLPRI | select.POLLOUT
        self._fds[_fileno(fd)] = eventmask

    def modify(self, fd, eventmask):
        fd = _fileno(fd)
        if fd not in self._fds:
            raise FileNotFoundError(_errno.ENOENT, "not registered")
        self._fds[fd] = eventmask

    def unregister(self, fd):
        del self._fds[_fileno(fd)]

    def poll(self, timeout=None):
        import select
        if timeout is not None:
            timeout = None if timeout < 0 else timeout / 1000.0
        out, net = [], []
        for fd, mask in self._fds.items():
            ev = mask & (select.POLLOUT | select.POLLWRNORM)
            if fd in _fd_ids:
                if ev:
                    out.append((fd, ev))
                elif mask & (select.POLLIN | select.POLLPRI | select.POLLRDNORM):
                    net.append(fd)
            elif mask:
                out.append((fd, mask & (select.POLLIN | select.POLLOUT | select.POLLRDNORM | select.POLLWRNORM)))
        if net:
            ok = _poll([_fd_ids[fd] for fd in net], 0 if out else timeout)
            out += [(fd, select.POLLIN) for fd in net if _fd_ids[fd] in ok]
        return out


def _socket_class(_socketmod, base_timeout):
    import socket as socketmod

    class socket:
        """A TCP client socket whose connection srt makes through its proxies."""

        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if fileno is not None:
                raise OSError(_errno.ENOTSUP, "srt: socket(fileno=...) is not available in the WASM sandbox")
            self.family = socketmod.AF_INET if family == -1 else family
            self.type = socketmod.SOCK_STREAM if type == -1 else type
            self.proto = 0 if proto == -1 else proto
            if self.type & 0xF != socketmod.SOCK_STREAM:
                raise OSError(_errno.EPROTONOSUPPORT, "srt: only TCP client sockets are available in the WASM sandbox")
            self._fd = -1
            self._id = None
            self._timeout = socketmod.getdefaulttimeout()
            self._closed = False
            self._io_refs = 0
            self._peer = None
            self._server_hostname = None

        # -- connection
        def connect(self, address):
            if self._fd >= 0:
                raise OSError(_errno.EISCONN, "already connected")
            host, port = address[0], int(address[1])
            self._fd, self._id = _open(host, port)
            self._peer = (host, port)

        def connect_ex(self, address):
            try:
                self.connect(address)
            except OSError as e:
                return e.errno or _errno.EIO
            return 0

        def bind(self, address):
            raise OSError(_errno.EACCES, "srt: binding sockets is not available in the WASM sandbox")

        def listen(self, backlog=0):
            raise OSError(_errno.EACCES, "srt: listening sockets are not available in the WASM sandbox")

        def accept(self):
            raise OSError(_errno.EACCES, "srt: listening sockets are not available in the WASM sandbox")

        # -- options
        def settimeout(self, value):
            if value is not None:
                value = float(value)
                if value < 0:
                    raise ValueError("Timeout value out of range")
            self._timeout = value

        def gettimeout(self):
            return self._timeout

        def setblocking(self, flag):
            self._timeout = None if flag else 0.0

        def getblocking(self):
            return self._timeout != 0.0

        @property
        def timeout(self):
            return self._timeout

        def setsockopt(self, *args):
            pass

        def getsockopt(self, level, optname, buflen=None):
            return 0 if buflen is None else b"\0" * buflen

        def fileno(self):
            return self._fd

        def getpeername(self):
            if self._peer is None:
                raise OSError(_errno.ENOTCONN, "not connected")
            return self._peer

        def getsockname(self):
            return ("0.0.0.0", 0)

        # -- data
        def _check(self):
            if self._fd < 0:
                raise OSError(_errno.ENOTCONN if not self._closed else _errno.EBADF,
                              "not connected" if not self._closed else "Bad file descriptor")

        def _wait_readable(self):
            t = self._timeout
            if t is None:
                return
            if self._id not in _poll([self._id], t):
                if t == 0:
                    raise BlockingIOError(_errno.EAGAIN, "Resource temporarily unavailable")
                raise TimeoutError("timed out")

        def recv(self, bufsize, flags=0):
            self._check()
            self._wait_readable()
            return _os.read(self._fd, bufsize)

        def recv_into(self, buffer, nbytes=0, flags=0):
            mv = memoryview(buffer).cast("B")
            n = nbytes or len(mv)
            data = self.recv(n)
            mv[:len(data)] = data
            return len(data)

        def recvfrom(self, bufsize, flags=0):
            return self.recv(bufsize), self._peer

        def send(self, data, flags=0):
            self._check()
            return _os.write(self._fd, data)

        def sendall(self, data, flags=0):
            self._check()
            mv = memoryview(data).cast("B")
            while mv:
                n = _os.write(self._fd, mv)
                mv = mv[n:]

        def shutdown(self, how):
            self._check()

        def makefile(self, mode="r", buffering=None, *, encoding=None, errors=None, newline=None):
            if not set(mode) <= {"r", "w", "b"}:
                raise ValueError("invalid mode %r (only r, w, b allowed)" % (mode,))
            writing = "w" in mode
            reading = "r" in mode or not writing
            binary = "b" in mode
            rawmode = ("r" if reading else "") + ("w" if writing else "")
            raw = socketmod.SocketIO(self, rawmode)
            self._io_refs += 1
            if buffering is None:
                buffering = -1
            if buffering < 0:
                buffering = _io.DEFAULT_BUFFER_SIZE
            if buffering == 0:
                if not binary:
                    raise ValueError("unbuffered streams must be binary")
                return raw
            if reading and writing:
                buffer = _io.BufferedRWPair(raw, raw, buffering)
            elif reading:
                buffer = _io.BufferedReader(raw, buffering)
            else:
                buffer = _io.BufferedWriter(raw, buffering)
            if binary:
                return buffer
            text = _io.TextIOWrapper(buffer, _io.text_encoding(encoding), errors, newline)
            text.mode = mode
            return text

        def _decref_socketios(self):
            if self._io_refs > 0:
                self._io_refs -= 1
            if self._closed:
                self._real_close()

        def _real_close(self):
            if self._fd >= 0:
                _fd_ids.pop(self._fd, None)
                try:
                    _os.close(self._fd)
                except OSError:
                    pass
                self._fd = -1

        def close(self):
            self._closed = True
            if self._io_refs <= 0:
                self._real_close()

        def detach(self):
            fd, self._fd = self._fd, -1
            _fd_ids.pop(fd, None)
            self._closed = True
            return fd

        def __enter__(self):
            return self

        def __exit__(self, *args):
            self.close()

        def __del__(self):
            try:
                self.close()
            except Exception:
                pass

        def __repr__(self):
            return "<srt socket fd=%d peer=%r>" % (self._fd, self._peer)

        def __getstate__(self):
            raise TypeError("cannot pickle %r" % type(self).__name__)

    return socket


_DEFAULT_TIMEOUT = None


def _getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    import socket as socketmod
    if isinstance(port, str):
        port = {"http": 80, "https": 443}.get(port, port)
        port = int(port)
    if host is None:
        host = "localhost"
    if isinstance(host, bytes):
        host = host.decode("idna")
    fam = socketmod.AF_INET6 if ":" in host else socketmod.AF_INET
    # A placeholder: the "address" is the name itself; srt's proxy resolves it, the guest never does DNS.
    return [(fam, socketmod.SOCK_STREAM, socketmod.IPPROTO_TCP, "", (host, port or 0))]


def install():
    import socket as socketmod
    import select
    import selectors

    global _DEFAULT_TIMEOUT
    if getattr(socketmod, "_srt_installed", False):
        return
    _DEFAULT_TIMEOUT = socketmod._GLOBAL_DEFAULT_TIMEOUT
    cls = _socket_class(socketmod, None)
    socketmod._srt_installed = True
    socketmod._srt_original_socket = socketmod.socket
    socketmod.socket = cls
    socketmod.SocketType = cls

    def create_connection(address, timeout=_DEFAULT_TIMEOUT, source_address=None, *, all_errors=False):
        sock = cls(socketmod.AF_INET, socketmod.SOCK_STREAM)
        try:
            if timeout is not _DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            sock.connect((address[0], int(address[1])))
        except BaseException:
            sock.close()
            raise
        return sock

    socketmod.create_connection = create_connection
    socketmod.socketpair = _socketpair
    socketmod.getaddrinfo = _getaddrinfo
    socketmod.gethostbyname = lambda name: name
    socketmod.gethostbyname_ex = lambda name: (name, [], [name])
    socketmod.getfqdn = lambda name="": name or "srt-sandbox"
    socketmod.gethostname = lambda: "srt-sandbox"  # the native sandbox's hostname too; WASI has none
    socketmod.has_ipv6 = False
    select.select = _select
    select.poll = _Poll
    selectors.SelectSelector._select = staticmethod(_select)
    selectors.PollSelector._selector_cls = _Poll
    selectors.DefaultSelector = selectors.PollSelector
    _sys.meta_path.insert(0, _SSLFinder())
    _sys.meta_path.insert(0, _AsyncioFinder())


class _AsyncioFinder:
    """Patches asyncio's event loop as its modules load: getaddrinfo answers at once (srt's placeholder;
    the proxy resolves) instead of in a worker thread, which WASI cannot start; and TLS connections are
    made by the host (as for ssl.SSLContext.wrap_socket) instead of by ssl memory BIOs."""

    def find_spec(self, name, path=None, target=None):
        patch = {"asyncio.base_events": _patch_base_events,
                 "asyncio.selector_events": _patch_selector_events}.get(name)
        if patch is None:
            return None
        import importlib.machinery
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _PatchingLoader(spec.loader, patch)
        return spec


class _PatchingLoader:
    def __init__(self, loader, patch):
        self._loader, self._patch = loader, patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._patch(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


def _patch_base_events(base_events):
    async def getaddrinfo(self, host, port, *, family=0, type=0, proto=0, flags=0):
        return _getaddrinfo(host, port, family, type, proto, flags)

    async def getnameinfo(self, sockaddr, flags=0):
        return (str(sockaddr[0]), str(sockaddr[1]))

    base_events.BaseEventLoop.getaddrinfo = getaddrinfo
    base_events.BaseEventLoop.getnameinfo = getnameinfo


def _patch_selector_events(selector_events):
    def _make_ssl_transport(self, rawsock, protocol, sslcontext, waiter=None, *, server_side=False,
                            server_hostname=None, extra=None, server=None, **kwargs):
        import ssl
        if server_side:
            raise NotImplementedError("srt: server-side TLS is not supported in the WASM sandbox")
        if sslcontext is None:
            sslcontext = ssl.create_default_context()
        # The handshake happens here, in the host, before the transport exists (errors raise from
        # create_connection as from a blocking wrap_socket).
        tls = sslcontext.wrap_socket(rawsock, server_hostname=server_hostname)
        extra = dict(extra or {}, sslcontext=sslcontext)
        return self._make_socket_transport(tls, protocol, waiter, extra=extra, server=server)

    selector_events.BaseSelectorEventLoop._make_ssl_transport = _make_ssl_transport


class _SSLFinder:
    """Makes `import ssl` load srt's ssl module (TLS is done by the host)."""

    def find_spec(self, name, path=None, target=None):
        if name != "ssl":
            return None
        import importlib.util
        origin = _os.path.join(_os.path.dirname(__file__), "_srt_ssl.py")
        return importlib.util.spec_from_file_location("ssl", origin)


def starttls(sock, server_hostname, verify, roots=None):
    """Upgrades sock's connection to TLS done by the host. roots, if given, is (with_system, PEM bytes):
    the certificates to verify against (and srt's own roots as well if with_system)."""
    hp = "%s:%d" % (sock._peer[0], sock._peer[1])
    name = server_hostname or sock._peer[0]
    if roots is not None:
        try:
            fd = _os.open("%stlsroots/%d" % (NET, sock._id), _os.O_WRONLY)
            try:
                data = (b"system\n" if roots[0] else b"only\n") + roots[1]
                while data:
                    data = data[_os.write(fd, data):]
            finally:
                _os.close(fd)
        except OSError as e:
            _raise_net(e, hp)
    path = "%sstarttls%s/%d/%s" % (NET, "" if verify else "i", sock._id, name)
    try:
        fd = _os.open(path, _os.O_RDONLY)
    except OSError as e:
        _raise_net(e, hp)
    _os.close(fd)

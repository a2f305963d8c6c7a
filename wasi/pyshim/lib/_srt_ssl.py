"""srt's ssl module for WASM Python: TLS is done by the host (Go crypto/tls, verified against the
system roots or SSL_CERT_FILE); sockets wrapped here carry plaintext to and from the host.

Verification is on (CERT_REQUIRED/OPTIONAL) or off (CERT_NONE). Its roots are srt's (the host's system roots
or SSL_CERT_FILE) unless the context loaded its own (load_verify_locations: cafile, capath, cadata): then
those, plus srt's only if the context also loaded the defaults (load_default_certs, set_default_verify_paths,
create_default_context without CA arguments) — as with OpenSSL. A context that loaded nothing at all
verifies against srt's roots (OpenSSL would trust nothing). Client certificates are unsupported.
"""
import enum as _enum
import os as _os
import socket as _socket

import _srt_net

OPENSSL_VERSION = "OpenSSL 3.0.0 (srt host TLS, Go crypto/tls)"
OPENSSL_VERSION_INFO = (3, 0, 0, 0, 0)
OPENSSL_VERSION_NUMBER = 0x30000000
_OPENSSL_API_VERSION = OPENSSL_VERSION_INFO

HAS_SNI = True
HAS_ALPN = True
HAS_ECDH = True
HAS_NPN = False
HAS_NEVER_CHECK_COMMON_NAME = True
HAS_SSLv2 = HAS_SSLv3 = HAS_TLSv1 = HAS_TLSv1_1 = False
HAS_TLSv1_2 = HAS_TLSv1_3 = True
CHANNEL_BINDING_TYPES = []


class _IntEnum(_enum.IntEnum):
    pass


class VerifyMode(_IntEnum):
    CERT_NONE = 0
    CERT_OPTIONAL = 1
    CERT_REQUIRED = 2


CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED = VerifyMode.CERT_NONE, VerifyMode.CERT_OPTIONAL, VerifyMode.CERT_REQUIRED


class VerifyFlags(_enum.IntFlag):
    VERIFY_DEFAULT = 0
    VERIFY_CRL_CHECK_LEAF = 0x4
    VERIFY_CRL_CHECK_CHAIN = 0xC
    VERIFY_X509_STRICT = 0x20
    VERIFY_X509_TRUSTED_FIRST = 0x8000
    VERIFY_ALLOW_PROXY_CERTS = 0x40
    VERIFY_X509_PARTIAL_CHAIN = 0x80000


globals().update(VerifyFlags.__members__)


class _SSLMethod(_IntEnum):
    PROTOCOL_SSLv23 = 2
    PROTOCOL_TLS_CLIENT = 16
    PROTOCOL_TLS_SERVER = 17


PROTOCOL_TLS = PROTOCOL_SSLv23 = _SSLMethod.PROTOCOL_SSLv23
PROTOCOL_TLS_CLIENT = _SSLMethod.PROTOCOL_TLS_CLIENT
PROTOCOL_TLS_SERVER = _SSLMethod.PROTOCOL_TLS_SERVER


class Options(_enum.IntFlag):
    OP_ALL = 0x80000054
    OP_NO_SSLv2 = 0
    OP_NO_SSLv3 = 0x2000000
    OP_NO_TLSv1 = 0x4000000
    OP_NO_TLSv1_1 = 0x10000000
    OP_NO_TLSv1_2 = 0x8000000
    OP_NO_TLSv1_3 = 0x20000000
    OP_NO_COMPRESSION = 0x20000
    OP_NO_TICKET = 0x4000
    OP_NO_RENEGOTIATION = 0x40000000
    OP_CIPHER_SERVER_PREFERENCE = 0x400000
    OP_SINGLE_DH_USE = 0
    OP_SINGLE_ECDH_USE = 0
    OP_ENABLE_MIDDLEBOX_COMPAT = 0x100000
    OP_IGNORE_UNEXPECTED_EOF = 0x80


globals().update(Options.__members__)


class TLSVersion(_enum.IntEnum):
    MINIMUM_SUPPORTED = -2
    MAXIMUM_SUPPORTED = -1
    SSLv3 = 0x0300
    TLSv1 = 0x0301
    TLSv1_1 = 0x0302
    TLSv1_2 = 0x0303
    TLSv1_3 = 0x0304


class AlertDescription(_enum.IntEnum):
    ALERT_DESCRIPTION_HANDSHAKE_FAILURE = 40
    ALERT_DESCRIPTION_INTERNAL_ERROR = 80


class SSLErrorNumber(_enum.IntEnum):
    SSL_ERROR_SSL = 1
    SSL_ERROR_WANT_READ = 2
    SSL_ERROR_WANT_WRITE = 3
    SSL_ERROR_SYSCALL = 5
    SSL_ERROR_ZERO_RETURN = 6
    SSL_ERROR_EOF = 8


globals().update(SSLErrorNumber.__members__)


class SSLError(OSError):
    library = "SSL"
    reason = None

    def __str__(self):
        if len(self.args) >= 2 and isinstance(self.args[1], str):
            return self.args[1]
        return super().__str__()


class SSLZeroReturnError(SSLError):
    pass


class SSLWantReadError(SSLError):
    pass


class SSLWantWriteError(SSLError):
    pass


class SSLSyscallError(SSLError):
    pass


class SSLEOFError(SSLError):
    pass


class SSLCertVerificationError(SSLError, ValueError):
    verify_code = 1
    verify_message = ""


CertificateError = SSLCertVerificationError
socket_error = OSError


class Purpose(_enum.Enum):
    SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
    CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"


class DefaultVerifyPaths(tuple):
    cafile = None
    capath = None
    openssl_cafile_env = "SSL_CERT_FILE"
    openssl_cafile = None
    openssl_capath_env = "SSL_CERT_DIR"
    openssl_capath = None


def get_default_verify_paths():
    return DefaultVerifyPaths((None, None, "SSL_CERT_FILE", None, "SSL_CERT_DIR", None))


class SSLContext:
    sslsocket_class = None
    sslobject_class = None

    def __new__(cls, protocol=None, *args, **kwargs):
        self = object.__new__(cls)
        if protocol is None:
            protocol = PROTOCOL_TLS
        self.protocol = protocol
        client = protocol == PROTOCOL_TLS_CLIENT
        self.verify_mode = CERT_REQUIRED if client else CERT_NONE
        self._check_hostname = client
        self.options = Options.OP_ALL | Options.OP_NO_SSLv3
        self.minimum_version = TLSVersion.MINIMUM_SUPPORTED
        self.maximum_version = TLSVersion.MAXIMUM_SUPPORTED
        self.verify_flags = VerifyFlags.VERIFY_X509_TRUSTED_FIRST
        self.post_handshake_auth = False
        self.hostname_checks_common_name = False
        self.keylog_filename = None
        self.sni_callback = None
        self.security_level = 2
        self._alpn = None
        self._ca_pem = []  # PEM certificates loaded by load_verify_locations
        self._default_certs = False
        return self

    def __init__(self, protocol=None, *args, **kwargs):
        pass

    @property
    def check_hostname(self):
        return self._check_hostname

    @check_hostname.setter
    def check_hostname(self, value):
        self._check_hostname = bool(value)
        if value and self.verify_mode == CERT_NONE:
            self.verify_mode = CERT_REQUIRED

    def load_verify_locations(self, cafile=None, capath=None, cadata=None):
        if cafile is None and capath is None and cadata is None:
            raise TypeError("cafile, capath and cadata cannot be all omitted")
        found = []
        if cafile is not None:
            with open(cafile, "rb") as f:
                found += _pem_certs(f.read())
            if not found:
                raise SSLError(136, "[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found")
        if capath is not None:
            for name in sorted(_os.listdir(capath)):
                try:
                    with open(_os.path.join(capath, name), "rb") as f:
                        found += _pem_certs(f.read())
                except OSError:
                    pass
        if cadata is not None:
            if isinstance(cadata, str):
                certs = _pem_certs(cadata.encode("ascii"))
            else:
                certs = [DER_cert_to_PEM_cert(d).encode("ascii") for d in _der_certs(bytes(cadata))]
            if not certs:
                raise SSLError(136, "[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found")
            found += certs
        self._ca_pem += found

    def load_default_certs(self, purpose=Purpose.SERVER_AUTH):
        self._default_certs = True

    def set_default_verify_paths(self):
        self._default_certs = True

    def load_cert_chain(self, certfile, keyfile=None, password=None):
        raise SSLError(1, "srt: client certificates are not supported in the WASM sandbox")

    def set_ciphers(self, ciphers):
        pass

    def get_ciphers(self):
        return []

    def set_alpn_protocols(self, protocols):
        self._alpn = list(protocols)

    def set_npn_protocols(self, protocols):
        pass

    def set_ecdh_curve(self, name):
        pass

    def load_dh_params(self, path):
        pass

    def cert_store_stats(self):
        return {"x509": len(self._ca_pem), "crl": 0, "x509_ca": len(self._ca_pem)}

    def get_ca_certs(self, binary_form=False):
        return []

    def session_stats(self):
        return {}

    def wrap_socket(self, sock, server_side=False, do_handshake_on_connect=True, suppress_ragged_eofs=True,
                    server_hostname=None, session=None):
        if server_side:
            raise SSLError(1, "srt: server-side TLS is not supported in the WASM sandbox")
        if self.check_hostname and not server_hostname:
            raise ValueError("check_hostname requires server_hostname")
        if getattr(sock, "_fd", -1) < 0 or getattr(sock, "_id", None) is None:
            raise OSError(107, "srt: wrap_socket needs a connected socket")
        verify = self.verify_mode != CERT_NONE
        roots = None
        if verify and self._ca_pem:
            roots = (self._default_certs, b"".join(self._ca_pem))
        _srt_net.starttls(sock, server_hostname, verify, roots)
        return SSLSocket._create(sock, self, server_hostname)

    def wrap_bio(self, *args, **kwargs):
        raise NotImplementedError("srt: memory BIOs are not supported in the WASM sandbox")


class SSLSocket(_socket.socket):
    @classmethod
    def _create(cls, sock, context, server_hostname):
        self = cls.__new__(cls)
        self.__dict__.update(sock.__dict__)
        sock._fd = -1
        sock._closed = True
        self._io_refs = 0
        self._context = context
        self.server_hostname = server_hostname
        self.server_side = False
        self._sslobj = True
        return self

    @property
    def context(self):
        return self._context

    def do_handshake(self, block=False):
        pass

    def unwrap(self):
        raise NotImplementedError("srt: unwrap is not supported")

    def version(self):
        return "TLSv1.3"

    def cipher(self):
        return ("TLS_AES_128_GCM_SHA256", "TLSv1.3", 128)

    def shared_ciphers(self):
        return None

    def compression(self):
        return None

    def selected_alpn_protocol(self):
        return "http/1.1" if self._context._alpn else None

    def selected_npn_protocol(self):
        return None

    def pending(self):
        return 0

    def get_channel_binding(self, cb_type="tls-unique"):
        return None

    def getpeercert(self, binary_form=False):
        if binary_form:
            return None
        if self._context.verify_mode == CERT_NONE:
            return {}
        name = self.server_hostname or self._peer[0]
        kind = "IP Address" if _is_ip(name) else "DNS"
        return {"subject": ((("commonName", name),),), "subjectAltName": ((kind, name),)}

    def read(self, len=1024, buffer=None):
        if buffer is not None:
            return self.recv_into(buffer, len)
        return self.recv(len)

    def write(self, data):
        return self.send(data)


def _is_ip(name):
    import ipaddress
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def create_default_context(purpose=Purpose.SERVER_AUTH, *, cafile=None, capath=None, cadata=None):
    if purpose == Purpose.SERVER_AUTH:
        ctx = SSLContext(PROTOCOL_TLS_CLIENT)
    else:
        ctx = SSLContext(PROTOCOL_TLS_SERVER)
    if cafile or capath or cadata:
        ctx.load_verify_locations(cafile, capath, cadata)
    elif ctx.verify_mode != CERT_NONE:
        ctx.load_default_certs(purpose)
    return ctx


def _pem_certs(data):
    """The PEM certificate blocks in data (bytes), each as bytes."""
    out = []
    begin, end = b"-----BEGIN CERTIFICATE-----", b"-----END CERTIFICATE-----"
    i = data.find(begin)
    while i >= 0:
        j = data.find(end, i)
        if j < 0:
            break
        out.append(data[i:j + len(end)] + b"\n")
        i = data.find(begin, j)
    return out


def _der_certs(data):
    """Splits concatenated DER certificates (ASN.1 SEQUENCEs)."""
    out = []
    while data:
        if len(data) < 2 or data[0] != 0x30:
            raise SSLError(136, "[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found")
        n, k = data[1], 2
        if n & 0x80:
            k = 2 + (n & 0x7F)
            n = int.from_bytes(data[2:k], "big")
        if k + n > len(data):
            raise SSLError(9, "[ASN1: NOT_ENOUGH_DATA] not enough data")
        out.append(data[:k + n])
        data = data[k + n:]
    return out


def _create_unverified_context(protocol=None, *, cert_reqs=CERT_NONE, check_hostname=False,
                               purpose=Purpose.SERVER_AUTH, certfile=None, keyfile=None, cafile=None,
                               capath=None, cadata=None):
    ctx = SSLContext(protocol or PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = check_hostname
    ctx.verify_mode = cert_reqs
    if cafile or capath or cadata:
        ctx.load_verify_locations(cafile, capath, cadata)
    elif ctx.verify_mode != CERT_NONE:
        ctx.load_default_certs(purpose)
    return ctx


_create_default_https_context = create_default_context
_create_stdlib_context = _create_unverified_context


def match_hostname(cert, hostname):
    """The host verified the certificate and the name; kept for callers that check again."""
    names = [v for k, v in cert.get("subjectAltName", ()) if k in ("DNS", "IP Address")]
    if hostname not in names and not any(n.startswith("*.") and hostname.endswith(n[1:]) for n in names):
        raise CertificateError("hostname %r doesn't match %r" % (hostname, names))


def wrap_socket(sock, keyfile=None, certfile=None, server_side=False, cert_reqs=CERT_NONE,
                ssl_version=PROTOCOL_TLS, ca_certs=None, do_handshake_on_connect=True,
                suppress_ragged_eofs=True, ciphers=None):
    ctx = SSLContext(PROTOCOL_TLS_CLIENT)  # as CPython's: only ca_certs, no default roots
    ctx.check_hostname = False
    ctx.verify_mode = cert_reqs
    if ca_certs:
        ctx.load_verify_locations(ca_certs)
    return ctx.wrap_socket(sock, server_side=server_side)


def DER_cert_to_PEM_cert(der):
    import base64
    b = base64.standard_b64encode(der).decode("ascii")
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) + \
        "\n-----END CERTIFICATE-----\n"


def PEM_cert_to_DER_cert(pem):
    import base64
    s = pem.strip()
    s = s[len("-----BEGIN CERTIFICATE-----"):-len("-----END CERTIFICATE-----")]
    return base64.decodebytes(s.encode("ascii"))


def RAND_bytes(n):
    return _os.urandom(n)


def RAND_status():
    return True


def get_server_certificate(addr, ssl_version=None, ca_certs=None, timeout=None):
    raise NotImplementedError("srt: get_server_certificate is not supported")


class MemoryBIO:
    def __init__(self):
        raise NotImplementedError("srt: memory BIOs are not supported in the WASM sandbox")


class SSLObject:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("srt: SSLObject is not supported in the WASM sandbox")


class SSLSession:
    pass


SSLContext.sslsocket_class = SSLSocket
SSLContext.sslobject_class = SSLObject

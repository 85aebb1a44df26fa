"""The SSRF guard: a webhook may call only public addresses, over http or https.

Refused: loopback, private (RFC 1918, fc00::/7), link-local (169.254/16, fe80::/10, which holds
the cloud metadata address 169.254.169.254), CGNAT 100.64/10 (Alibaba's metadata address too),
unspecified, multicast, reserved and every other non-global address, also behind IPv4-mapped
IPv6; and URLs with credentials. ``WEBHOOK_ALLOWED_HOSTS`` (``host[:port]``, comma-separated)
names hosts let through anyway (an intranet receiver; the tests' loopback receiver).

How, on every attempt: the host is resolved and every address checked (a clear refusal before
any packet); then the connection is made and the address it actually reached, the socket's
peer, is checked again before a byte is sent (``GuardedAdapter``). The second check is the one
that counts: a DNS answer that changes between the two lookups (DNS rebinding) cannot slip a
private address past it, because what is checked is what was connected to. Redirects are
never followed (a 3xx is a failed attempt), so a redirect into a private range goes nowhere.
"""

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from surveys.kernel.errors import ValidationError

EXTRA_BLOCKED = tuple(
    ipaddress.ip_network(net)
    for net in ("100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10", "0.0.0.0/8")
)
DEFAULT_PORTS = {"http": 80, "https": 443}


class BlockedAddress(requests.exceptions.ConnectionError):
    """The URL leads to an address the guard refuses."""


def parse_allowed_hosts(text: str | None) -> frozenset[str]:
    """``"hooks.local, 127.0.0.1:8080"`` → {"hooks.local", "127.0.0.1:8080"} (lower case)."""
    return frozenset(part.strip().lower() for part in (text or "").split(",") if part.strip())


def is_allowed_host(host: str, port: int, allowed: Iterable[str]) -> bool:
    """Whether ``host`` (as in the URL) on ``port`` is named in WEBHOOK_ALLOWED_HOSTS."""
    host = host.strip("[]").lower()
    named = f"[{host}]" if ":" in host else host
    return any(entry in (host, named, f"{named}:{port}") for entry in allowed)


def blocked(address: str) -> bool:
    """Whether an IP address (text) is one no webhook may reach."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in EXTRA_BLOCKED if net.version == ip.version):
        return True
    return (
        not ip.is_global
        or ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_reserved
    )


def check_url_shape(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a webhook URL: http(s), a host, no credentials.

    :raises ValidationError: anything else ("url").
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError("This is not a valid URL.", fields={"url": "not a URL"}) from None
    if parts.scheme not in DEFAULT_PORTS:
        raise ValidationError("A webhook URL is http or https.", fields={"url": "http(s) only"})
    if not parts.hostname:
        raise ValidationError("A webhook URL names a host.", fields={"url": "no host"})
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValidationError(
            "A webhook URL must not carry credentials; sign with the secret instead.",
            fields={"url": "credentials in URL"},
        )
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def validate_url(url: str, allowed: Iterable[str]) -> str:
    """``url`` if it may be registered: its shape, and a literal IP address not refused.
    (A name is resolved on every attempt instead: what it resolves to may change.)

    :raises ValidationError: a bad shape or a refused address ("url").
    """
    _scheme, host, port = check_url_shape(url)
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None and blocked(str(literal)) and not is_allowed_host(host, port, allowed):
        raise ValidationError(
            "This address is private, loopback, link-local or otherwise not public.",
            fields={"url": "address not allowed"},
        )
    return url


def check_resolved(host: str, port: int, allowed: Iterable[str]) -> None:
    """Resolve ``host`` and refuse it if any address is blocked (unless it is allowed).

    :raises BlockedAddress: a refused address, or a name that does not resolve.
    """
    if is_allowed_host(host, port, allowed):
        return
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise BlockedAddress(f"cannot resolve {host}: {exc}") from None
    for info in infos:
        if blocked(info[4][0]):
            raise BlockedAddress(f"{host} resolves to {info[4][0]}, which is not public")


def _guard(conn, sock: socket.socket) -> socket.socket:
    peer = sock.getpeername()[0]
    if blocked(peer) and not is_allowed_host(conn.host, conn.port, conn.kaiku_allowed):
        sock.close()
        raise BlockedAddress(f"{conn.host} connected to {peer}, which is not public")
    return sock


class _GuardedHTTPConnection(HTTPConnection):
    kaiku_allowed: frozenset[str] = frozenset()

    def _new_conn(self) -> socket.socket:
        return _guard(self, super()._new_conn())


class _GuardedHTTPSConnection(HTTPSConnection):
    kaiku_allowed: frozenset[str] = frozenset()

    def _new_conn(self) -> socket.socket:  # before the TLS handshake
        return _guard(self, super()._new_conn())


class GuardedAdapter(HTTPAdapter):
    """An adapter whose connections check the address they reached before sending anything."""

    def __init__(self, allowed: frozenset[str], **kwargs) -> None:
        self.allowed = allowed
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        allowed = self.allowed
        http_conn = type("Conn", (_GuardedHTTPConnection,), {"kaiku_allowed": allowed})
        https_conn = type("Conn", (_GuardedHTTPSConnection,), {"kaiku_allowed": allowed})
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("Pool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type("Pool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
        }


def guarded_session(allowed: frozenset[str]) -> requests.Session:
    """A requests session that reaches only allowed addresses, ignores proxy variables and
    follows no redirect."""
    http = requests.Session()
    http.trust_env = False
    adapter = GuardedAdapter(allowed, pool_maxsize=16)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http

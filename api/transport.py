"""HTTP POST to a webhook receiver, refusing the addresses a forged URL would aim at.

A URL an administrator typed may name (or resolve to) the loopback, a private network, the
cloud's metadata address: sent from our worker, the request would reach services nobody
outside may reach (server-side request forgery). The host is resolved once, every address it
resolves to is checked, and the connection is made to the address checked (a second lookup
could answer differently: DNS rebinding). Redirects are not followed.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

EXCERPT_BYTES = 2048


class Refused(Exception):
    """The URL may not be sent to (its scheme, its host, or an address it resolves to)."""


@dataclass(frozen=True)
class Answer:
    status: int
    milliseconds: int
    excerpt: str


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def addresses_of(url: str, *, allow_private: bool) -> tuple[str, int, list[str]]:
    """The URL's host, port and the addresses it resolves to, all of them allowed; or Refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("only http and https URLs with a host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError) as error:
        raise Refused(f"the host does not resolve: {error}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not allow_private and not all(is_public(address) for address in addresses):
        raise Refused("the host resolves to a private, loopback or reserved address")
    return parts.hostname, port, addresses


def post(url: str, body: bytes, headers: dict, *, timeout: float, allow_private: bool) -> Answer:
    """POST `body`; the receiver's answer, or an OSError / Refused / HTTPException."""
    host, port, addresses = addresses_of(url, allow_private=allow_private)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedTLS if parts.scheme == "https" else _Pinned
    connection = kind(host, port, address=addresses[0], timeout=timeout)
    started = time.monotonic()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
    finally:
        connection.close()
    return Answer(response.status, round((time.monotonic() - started) * 1000), excerpt)


class _Pinned(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)

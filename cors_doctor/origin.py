"""Origins and URLs as a browser serializes them (URL Standard, Fetch `Origin` header)."""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

from cors_doctor.errors import UsageError

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Origin:
    """A tuple origin (scheme, host, port), or the opaque origin that serializes to `null`."""

    scheme: str = ""
    host: str = ""
    port: int | None = None

    @property
    def opaque(self) -> bool:
        return not self.scheme

    def serialize(self) -> str:
        if self.opaque:
            return "null"
        if self.port is None or self.port == DEFAULT_PORTS.get(self.scheme):
            return f"{self.scheme}://{self.host}"
        return f"{self.scheme}://{self.host}:{self.port}"

    def __str__(self) -> str:
        return self.serialize()


OPAQUE = Origin()


@functools.lru_cache(maxsize=4096)
def _normalize_host(host: str) -> str:
    """Lowercase, punycode-encode IDNs and canonicalize IP literals, as the URL parser does."""
    if host.startswith("[") and host.endswith("]"):
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            raise UsageError(f"invalid IPv6 address {host!r}") from None
    if ":" in host:
        # urlsplit strips the brackets of IPv6 hosts.
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            raise UsageError(f"invalid host {host!r}") from None
    try:
        return str(ipaddress.IPv4Address(host))
    except ValueError:
        pass
    if not host:
        raise UsageError("the host is empty")
    bad = set(" <>\\^|%/?#@[]\t\n\r")
    if any(ch in bad for ch in host):
        raise UsageError(f"invalid host {host!r}")
    if host.isascii():
        return host.lower()
    # The URL Standard maps hosts with UTS #46, non-transitional (straße -> xn--strae-oqa), as
    # browsers do; Python's own "idna" codec implements IDNA 2003 (straße -> strasse).
    import idna

    try:
        return str(idna.encode(host, uts46=True, transitional=False).decode("ascii"))
    except idna.IDNAError:
        raise UsageError(f"invalid host {host!r}") from None


def _split(text: str) -> tuple[SplitResult, int | None]:
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"{text!r} is not a valid URL ({exc})") from None
    return parts, port


def origin_of(url: str) -> Origin:
    """The origin of an absolute http(s) URL."""
    parts, port = _split(url)
    host = parts.hostname or ""
    return Origin(parts.scheme.lower(), _normalize_host(host), port or DEFAULT_PORTS.get(parts.scheme.lower()))


_ORIGIN_HELP = "an origin is scheme://host[:port], e.g. https://app.example.com"


def parse_origin(text: str) -> Origin:
    """Parse the page origin the user gives with --origin; refuse anything that is not one."""
    raw = text.strip()
    if raw == "null":
        return OPAQUE
    if "://" not in raw:
        raise UsageError(f"--origin {text!r} has no scheme; {_ORIGIN_HELP}")
    parts, port = _split(raw)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UsageError(f"--origin {text!r}: scheme {scheme!r} is not http or https; {_ORIGIN_HELP}")
    if parts.username is not None or parts.password is not None:
        raise UsageError(f"--origin {text!r} contains user info; {_ORIGIN_HELP}")
    if parts.path == "/":
        raise UsageError(
            f"--origin {text!r} has a trailing slash; browsers send the origin without it: "
            f"{raw.rstrip('/')} ({_ORIGIN_HELP})"
        )
    if parts.path or parts.query or parts.fragment or raw.endswith(("?", "#")):
        raise UsageError(f"--origin {text!r} has a path, query or fragment; {_ORIGIN_HELP}")
    return Origin(scheme, _normalize_host(parts.hostname or ""), port or DEFAULT_PORTS[scheme])


def normalize_url(text: str) -> str:
    """Validate an absolute http(s) target URL and return it as the browser would send it."""
    raw = text.strip()
    if not raw:
        raise UsageError("the URL is empty")
    if "://" not in raw:
        raise UsageError(f"{text!r} is not an absolute URL; give scheme and host, e.g. https://api.example.com/items")
    parts, port = _split(raw)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UsageError(f"unsupported URL scheme {scheme!r} in {text!r}; CORS applies to http and https only")
    if parts.username is not None or parts.password is not None:
        raise UsageError(f"{text!r} contains user:password; fetch() refuses such URLs (TypeError)")
    host = _normalize_host(parts.hostname or "")
    netloc = host if port is None or port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


@functools.lru_cache(maxsize=4096)
def is_loopback_host(host: str) -> bool:
    """Loopback per Local Network Access: 127.0.0.0/8, ::1 and localhost names."""
    h = host.strip("[]").lower()
    if h == "localhost" or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False

"""The errors cors-doctor reports as one line and exit code 2.

    CorsDoctorError
    ├── UsageError          bad command-line input or input file
    └── TransportError      the target could not be asked
        ├── ConnectError    DNS failure, connection refused, unreachable
        ├── TLSError        certificate or handshake failure
        ├── TimeoutError_   connect or read timeout
        └── ProtocolError   the server broke HTTP (closed mid-reply, garbage, too large)
"""

from __future__ import annotations


class CorsDoctorError(Exception):
    """Base class: something cors-doctor cannot judge, reported as one line."""

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class UsageError(CorsDoctorError):
    """The command line or an input file is invalid."""


class TransportError(CorsDoctorError):
    """The request could not be completed over the network."""


class ConnectError(TransportError):
    """The server could not be reached (DNS, refused, unreachable)."""


class TLSError(TransportError):
    """The TLS handshake or the certificate check failed."""

    hint = "pass --cacert FILE for a private CA, or --insecure to skip verification"


class TimeoutError_(TransportError):
    """The server did not connect or answer within --timeout."""


class ProtocolError(TransportError):
    """The server sent something that is not valid HTTP, or closed the connection mid-reply."""


def map_httpx_error(exc: BaseException, url: str) -> CorsDoctorError:
    """Turn an httpx/httpcore/ssl exception into the matching cors-doctor error."""
    import ssl

    import httpx

    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, httpx.TimeoutException):
        phase = "connect" if isinstance(exc, httpx.ConnectTimeout) else "read"
        if isinstance(exc, httpx.WriteTimeout):
            phase = "write"
        if isinstance(exc, httpx.PoolTimeout):
            phase = "pool"
        return TimeoutError_(f"{phase} timeout: {url} did not answer in time")
    lowered = text.lower()
    if isinstance(exc, ssl.SSLError) or "certificate" in lowered or "ssl" in lowered or "tls" in lowered:
        return TLSError(f"TLS error talking to {url}: {_first_line(text)}")
    if isinstance(exc, httpx.ConnectError):
        if "name or service not known" in lowered or "nodename nor servname" in lowered or "getaddrinfo" in lowered or "name resolution" in lowered:
            return ConnectError(f"cannot resolve the host of {url}: {_first_line(text)}")
        if "refused" in lowered:
            return ConnectError(f"connection refused by {url} (is the server running?)")
        return ConnectError(f"cannot connect to {url}: {_first_line(text)}")
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.LocalProtocolError, httpx.DecodingError)):
        return ProtocolError(f"{url} broke the HTTP protocol: {_first_line(text)}")
    if isinstance(exc, httpx.ProxyError):
        return ConnectError(f"proxy error for {url}: {_first_line(text)}")
    if isinstance(exc, httpx.TransportError):
        return TransportError(f"request to {url} failed: {_first_line(text)}")
    if isinstance(exc, httpx.InvalidURL):
        return UsageError(f"invalid URL {url!r}: {_first_line(text)}")
    return TransportError(f"request to {url} failed: {exc.__class__.__name__}: {_first_line(text)}")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text

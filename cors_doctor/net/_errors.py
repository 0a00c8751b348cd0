"""Turning httpx, httpcore, h11, h2, ssl and socket failures into cors-doctor's own errors.

The libraries name their failures differently and wrap them in each other; the user needs one
precise line: what was under way (connect, TLS, sending, the reply head or body), where, and
what to try. The batch sender (aiohttp) words its failures through the same helpers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from cors_doctor.errors import (
    ConnectError,
    CorsDoctorError,
    ProtocolError,
    RejectedReply,
    TimeoutError_,
    TLSError,
    TransportError,
    UsageError,
)


@dataclass(frozen=True)
class Attempt:
    """What was under way when a request failed, so the message can say exactly what broke.

    `stage` is one of connect, tls, send, head (waiting for the status line and headers) or
    body; `peer` is the host:port actually dialled (the proxy's when one is used).
    """

    url: str
    timeout: float | None = None
    stage: str = ""
    peer: str = ""
    proxy: str = ""
    proxy_source: str = ""
    received: int = 0
    first_bytes: bytes = b""

    @property
    def where(self) -> str:
        return self.peer or _host_port(self.url)


# OpenSSL X509_V_ERR_* codes that users meet in practice, as plain words.
_VERIFY_CODES = {
    9: "is not valid yet (its notBefore date is in the future)",
    10: "has expired (its notAfter date has passed)",
    18: "is self-signed",
    19: "chains up to a self-signed root that is not trusted",
    20: "is issued by an unknown CA (its issuer is not in the trust store)",
    21: "cannot be verified (the server did not send its intermediate certificates, or the CA is unknown)",
    62: "does not match the host name",
    64: "does not match the IP address",
}
_FRAME_TYPES_SENT_FIRST = (0x04, 0x07)  # an HTTP/2 server opens with SETTINGS, or GOAWAYs our HTTP/1.1


def map_transport_error(exc: BaseException, attempt: Attempt) -> CorsDoctorError:
    """Turn any exception raised while sending a request into one precise cors-doctor error."""
    if isinstance(exc, CorsDoctorError):
        return exc
    import socket
    import ssl

    chain = list(_chain(exc))
    where = attempt.where
    via_proxy = bool(attempt.proxy) and attempt.stage in ("connect", "")
    proxy_hint = (
        f"unset {attempt.proxy_source or 'the proxy variable'}, or add the host to NO_PROXY" if attempt.proxy else None
    )

    cert = _certificate_error(chain)
    if cert is not None:
        return _cert_error(cert, attempt)
    tls = _find(chain, ssl.SSLError)
    if tls is not None:
        return _tls_error(tls, attempt)

    dns = _find(chain, socket.gaierror)
    if isinstance(dns, socket.gaierror):
        host = where.rsplit(":", 1)[0].strip("[]")
        what = f"the proxy host {host!r} ({attempt.proxy_source})" if via_proxy else f"the host {host!r}"
        reason = dns.strerror or str(dns)
        hint = (
            "no DNS server answered: are you offline?" if dns.errno == getattr(socket, "EAI_AGAIN", -3) else proxy_hint
        )
        return ConnectError(f"cannot resolve {what}: {reason} (DNS lookup failed)", hint=hint)

    if _find(chain, ConnectionRefusedError) is not None:
        if via_proxy:
            return ConnectError(f"connection refused by the proxy {where} ({attempt.proxy_source})", hint=proxy_hint)
        return ConnectError(
            f"connection refused by {where}: nothing is listening on that port",
            hint="is the server running, and on this host and port?",
        )

    timeout_kind = _timeout_kind(chain)
    if timeout_kind is not None:
        return timeout_error(timeout_kind, attempt, proxy_hint if via_proxy else None)

    proxy_error = _find_named(chain, "ProxyError")
    if proxy_error is not None:
        proxy = f"the proxy {attempt.proxy} ({attempt.proxy_source})" if attempt.proxy else "the proxy"
        return ConnectError(
            f"{proxy} refused to reach {_host_port(attempt.url)}: {first_line(str(proxy_error))}", hint=proxy_hint
        )

    remote = _find_named(chain, "RemoteProtocolError") or _find_h2_error(chain)
    if remote is not None:
        return protocol_error(remote, attempt)

    local = _find_named(chain, "LocalProtocolError")
    if local is not None:
        return TransportError(f"cannot send this request to {where}: {first_line(str(local))}")

    if _find_named(chain, "UnsupportedProtocol") is not None or _find_named(chain, "InvalidURL") is not None:
        return UsageError(f"invalid URL {attempt.url!r}: {first_line(str(exc))}")
    if isinstance(exc, UnicodeError) or _find(chain, UnicodeError) is not None:
        return UsageError(f"invalid host name in {attempt.url!r}: {first_line(str(_find(chain, UnicodeError)))}")

    os_error = _find(chain, OSError)
    if isinstance(os_error, OSError):
        reason = os_error.strerror or first_line(str(os_error)) or os_error.__class__.__name__
        if attempt.stage == "connect" or _find_named(chain, "ConnectError") is not None:
            target = f"the proxy {where} ({attempt.proxy_source})" if via_proxy else where
            return ConnectError(f"cannot connect to {target}: {reason}", hint=proxy_hint if via_proxy else None)
        return ProtocolError(f"{where} broke off the connection {_during(attempt)}: {reason}")

    if _find_named(chain, "ReadError") is not None or _find_named(chain, "WriteError") is not None:
        return ProtocolError(f"{where} broke off the connection {_during(attempt)}")
    if _find_named(chain, "ConnectError") is not None:
        return ConnectError(f"cannot connect to {where}: {first_line(str(exc))}")
    return TransportError(f"request to {attempt.url} failed: {exc.__class__.__name__}: {first_line(str(exc))}")


def map_httpx_error(exc: BaseException, url: str) -> CorsDoctorError:
    """The same mapping when only the URL is known (the batch client)."""
    return map_transport_error(exc, Attempt(url))


# -- the kinds of failure -----------------------------------------------------------------


def _cert_error(exc: BaseException, attempt: Attempt) -> TLSError:
    code = getattr(exc, "verify_code", None)
    what = _VERIFY_CODES.get(code) if isinstance(code, int) else None
    detail = getattr(exc, "verify_message", "") or first_line(str(exc))
    host = urlsplit(attempt.url).hostname or attempt.where
    if code in (62, 64):
        return TLSError(
            f"TLS certificate of {attempt.where} is not valid for {host!r} (hostname mismatch: it was issued for another name)",
            hint="call the host name the certificate was issued for; --insecure skips the check",
        )
    if what is None:
        return TLSError(f"TLS certificate of {attempt.where} was rejected: {detail}")
    if code in (9, 10):
        return TLSError(
            f"TLS certificate of {attempt.where} {what}",
            hint="renew the certificate (or check this machine's clock); --insecure skips the check",
        )
    return TLSError(f"TLS certificate of {attempt.where} {what}")


def _tls_error(exc, attempt: Attempt) -> TLSError:
    import ssl

    reason = (getattr(exc, "reason", None) or "").upper()
    where = attempt.where
    if reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST"):
        return TLSError(
            f"{where} does not speak TLS: the handshake got a plain answer (is it an http:// port?)",
            hint=f"use http:// for {where}",
        )
    if "CERTIFICATE_REQUIRED" in reason:
        return TLSError(f"{where} requires a client certificate, which cors-doctor does not send", hint="")
    if isinstance(exc, ssl.SSLEOFError) or "EOF" in reason or "EOF" in str(exc):
        return TLSError(
            f"{where} closed the connection during the TLS handshake",
            hint="the server may require another TLS version or a client certificate, or it is not a TLS port",
        )
    text = reason.replace("_", " ").lower() if reason else first_line(str(exc))
    return TLSError(f"TLS handshake with {where} failed: {text}", hint="")


def timeout_error(kind: str, attempt: Attempt, proxy_hint: str | None) -> TimeoutError_:
    where = attempt.where
    limit = f" within {_seconds(attempt.timeout)}" if attempt.timeout else ""
    raise_it = "raise --timeout if the server is just slow"
    if kind == "connect":
        stage = "tls" if attempt.stage == "tls" else "connect"
    elif kind == "write":
        stage = "send"
    elif kind == "read":
        stage = "body" if attempt.stage == "body" else "head"
    else:
        stage = attempt.stage
    if stage == "connect":
        target = f"the proxy {where} ({attempt.proxy_source})" if attempt.proxy else where
        return TimeoutError_(
            f"connect timeout: no TCP connection to {target}{limit}",
            hint=proxy_hint or f"is {where} reachable from here (firewall, VPN)? {raise_it}",
        )
    if stage == "tls":
        return TimeoutError_(
            f"TLS handshake timeout: {where} accepted the connection but did not complete the handshake{limit}",
            hint=f"is it really a TLS port (https://)? {raise_it}",
        )
    if stage == "send":
        return TimeoutError_(f"write timeout: {where} did not take the request{limit}", hint=raise_it)
    if stage == "body":
        return TimeoutError_(f"read timeout: {where} stopped sending the reply body{limit}", hint=raise_it)
    if attempt.received:
        return TimeoutError_(
            f"read timeout: {where} sent only {attempt.received} bytes of its reply headers{limit} "
            "(it stalls or drips them slowly)",
            hint=raise_it,
        )
    return TimeoutError_(f"read timeout: {where} accepted the connection but did not answer{limit}", hint=raise_it)


def speaks_another_protocol(first: bytes) -> bool:
    """The first bytes are HTTP/2 frames or a TLS record: asking again in HTTP/1.1 cannot help."""
    return _looks_like_http2(first) or first[:1] in (b"\x15", b"\x16")


def protocol_error(exc: BaseException, attempt: Attempt) -> ProtocolError:
    where = attempt.where
    text = re.sub(r"bytearray\((b(['\"]).*?\2)\)", r"\1", first_line(str(exc)))  # h11 quotes bytearray(b'...')
    lowered = text.lower()
    first = attempt.first_bytes
    if _looks_like_http2(first):
        return ProtocolError(
            f"{where} answered in HTTP/2 frames: it speaks only HTTP/2 without TLS (prior knowledge), "
            "which browsers never use",
            hint="browsers speak HTTP/2 only over https (TLS with ALPN): serve HTTP/1.1 on this port, or use https",
        )
    if first[:1] in (b"\x15", b"\x16") and attempt.url.startswith("http:"):
        return ProtocolError(f"{where} answered with TLS: it is an https port", hint=f"use https:// for {where}")
    if "buffer too long" in lowered or ("header" in lowered and "too" in lowered and "large" in lowered):
        return ProtocolError(
            f"the reply headers from {where} are larger than 100 KiB; cors-doctor stops reading there "
            "(Chrome fails at 256 KiB with net::ERR_RESPONSE_HEADERS_TOO_BIG)"
        )
    rejected = _rejected_reply(lowered, attempt)
    if rejected is not None:
        return RejectedReply(f"{where} sent a reply browsers refuse: {text}", rejected)
    crash_hint = "look at the server's log: it may have crashed on this request"
    if attempt.url.startswith("http:"):
        crash_hint += f"; or is {where} an https:// port?"
    else:
        crash_hint += "; or it wants a client certificate, which cors-doctor does not send"
    if "without sending a response" in lowered or "disconnected without" in lowered:
        if attempt.received:
            return ProtocolError(
                f"{where} closed the connection in the middle of the reply headers (after {attempt.received} bytes)",
                hint=crash_hint,
            )
        return ProtocolError(f"{where} closed the connection without sending a reply", hint=crash_hint)
    if any(sign in lowered for sign in ("complete message body", "incomplete chunked", "payload is not completed")):
        counts = re.search(r"received (\d+)(?: bytes,)? (?:expected|of) (\d+)", text)
        detail = f"after {counts[1]} of {counts[2]} bytes" if counts else "the chunked body was cut short"
        return ProtocolError(
            f"{where} closed the connection in the middle of the reply body ({detail}); a browser reports "
            "net::ERR_CONTENT_LENGTH_MISMATCH or net::ERR_INCOMPLETE_CHUNKED_ENCODING",
            hint=crash_hint,
        )
    if attempt.stage == "body":
        return ProtocolError(f"{where} broke HTTP in the reply body: {text}")
    if exc.__class__.__module__.startswith("h2") or "h2" in exc.__class__.__module__:
        return ProtocolError(f"{where} broke the HTTP/2 protocol: {text}")
    return ProtocolError(f"{where} sent a reply that is not valid HTTP/1.1: {text}")


# -- helpers ------------------------------------------------------------------------------


def _rejected_reply(lowered: str, attempt: Attempt) -> str | None:
    """Chromium's network error for a reply head it refuses, when h11 refused it for the same
    reason (conformance cases line-nul-*, line-content-length-conflict, wpt-pf-status-103)."""
    if "nul byte in a header line" in lowered:
        return "net::ERR_INVALID_HTTP_RESPONSE"
    if "conflicting content-length" in lowered:
        return "net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH"
    informational = re.match(rb"HTTP/1\.[01] 1\d\d ", attempt.first_bytes)
    if informational and ("without sending a response" in lowered or "disconnected without" in lowered):
        return "net::ERR_EMPTY_RESPONSE"  # only a 1xx came: the browser got no final reply
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it was raised from, without looping."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 32:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _find(chain: list[BaseException], kind: type) -> BaseException | None:
    return next((e for e in chain if isinstance(e, kind)), None)


def _certificate_error(chain: list[BaseException]) -> BaseException | None:
    """The ssl verification error itself: aiohttp wraps it in a subclass without verify_code."""
    import ssl

    found = [getattr(e, "certificate_error", None) or e for e in chain]
    found = [e for e in found if isinstance(e, ssl.SSLCertVerificationError)]
    return next((e for e in found if getattr(e, "verify_code", None) is not None), found[0] if found else None)


def _find_named(chain: list[BaseException], name: str) -> BaseException | None:
    """An httpx or httpcore exception by class name (both libraries use the same names)."""
    for e in chain:
        for klass in type(e).__mro__:
            if klass.__name__ == name and klass.__module__.split(".")[0] in ("httpx", "httpcore", "h11"):
                return e
    return None


def _find_h2_error(chain: list[BaseException]) -> BaseException | None:
    return next((e for e in chain if type(e).__module__.split(".")[0] == "h2"), None)


def _timeout_kind(chain: list[BaseException]) -> str | None:
    for e in chain:
        for klass in type(e).__mro__:
            if klass.__name__ in ("ConnectTimeout", "ReadTimeout", "WriteTimeout", "PoolTimeout"):
                return klass.__name__[:-7].lower()
        if isinstance(e, TimeoutError):
            return "read"
    return None


def _looks_like_http2(data: bytes) -> bool:
    """An HTTP/2 frame header: 24-bit length, type SETTINGS or GOAWAY, stream 0."""
    return len(data) >= 9 and data[3] in _FRAME_TYPES_SENT_FIRST and data[5:9] == b"\x00\x00\x00\x00"


def _during(attempt: Attempt) -> str:
    return {
        "send": "while cors-doctor sent the request",
        "head": "before the reply headers were complete",
        "body": "in the middle of the reply body",
        "tls": "during the TLS handshake",
    }.get(attempt.stage, "mid-request")


def _host_port(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    except ValueError:
        return url
    host = parts.hostname or ""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _seconds(value: float) -> str:
    return f"{value:g} s"


def first_line(text: str) -> str:
    """The first non-blank line: errors are reported on one line."""
    return text.strip().splitlines()[0] if text.strip() else ""

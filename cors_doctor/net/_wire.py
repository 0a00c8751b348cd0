"""What the httpx-based senders share: building the request a browser sends, reading the reply
as the browser sees it, and the caps on reply bodies."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from cors_doctor.model import OutgoingRequest, Response

if TYPE_CHECKING:
    import httpx

BODY_CAP = 64 * 1024
EXCERPT_CHARS = 2048
BODY_WAIT = 2.0  # the body is only shown as an excerpt: an SSE stream must not hold the check


def import_httpx() -> Any:
    """httpx, imported without its optional command line (reply heads are read as Chromium reads
    them by the connections of `_transport` and `_async_client`, see `_lenient`)."""
    if "httpx" in sys.modules:
        return sys.modules["httpx"]
    # httpx imports its optional CLI (click, rich, pygments) when those are installed; skip it,
    # then take the marker out again, so that `import httpx._main` works for anyone who wants it.
    blocked = "httpx._main" not in sys.modules
    if blocked:
        sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        import httpx
    finally:
        if blocked and sys.modules.get("httpx._main", 0) is None:
            del sys.modules["httpx._main"]
    return httpx


# Chrome sends URLs up to 2 MiB (url::kMaxURLChars); httpx refuses anything over 64 KiB.
BROWSER_MAX_URL = 2 * 1024 * 1024


def lift_url_limit() -> None:
    """Let httpx build the URLs a browser sends: its own 64 KiB cap would refuse a long query
    string Chrome sends, and turn a verdict into an error. httpx keeps the cap in a module
    constant, so this changes the process: only the command line calls it (its process is
    cors-doctor's own); the library leaves a user's httpx as it is."""
    import_httpx()
    from httpx import _urlparse

    if getattr(_urlparse, "MAX_URL_LENGTH", BROWSER_MAX_URL) < BROWSER_MAX_URL:
        _urlparse.MAX_URL_LENGTH = BROWSER_MAX_URL


def lenient_header_lines() -> None:
    """Read reply header lines the way Chromium does, where h11 rejects the whole reply:
    `Name : value` (whitespace before the colon) is the header `Name`; a line without a colon, or
    whose name is empty or not a token, is skipped; a bare CR inside a value is kept. A NUL byte
    anywhere in the head is still refused (Chromium: net::ERR_INVALID_HTTP_RESPONSE). Request
    header values may carry any byte but NUL, CR and LF, as page script's may. cors-doctor must
    judge what the browser sees (cases line-* of the conformance suite).

    h11 keeps these rules in module globals, so this changes the process: only the command line
    calls it (through `use_browser_limits`), as its process is cors-doctor's own. The library
    leaves h11 as it is; its connections still read `Name : value` as Chromium does (_lenient.py)."""
    import re

    from h11 import _headers, _readers

    # Outgoing values: fetch() refuses only NUL, CR and LF, and Chromium puts anything else on the
    # wire as written (a vertical tab in wpt-ct-vertical-tab), where h11 refuses control bytes.
    _headers._field_value_re = re.compile(rb"[^\x00\r\n]*")
    if getattr(_readers._decode_header_lines, "like_chromium", False):
        return
    from cors_doctor.rules.safelist import is_token

    def decode_header_lines(lines):
        for line in _readers._obsolete_line_fold(lines):
            if b"\x00" in line:
                raise _readers.LocalProtocolError(f"NUL byte in a header line: {bytes(line)!r}")
            name, colon, value = bytes(line).partition(b":")
            name = name.strip(b" \t")
            if colon and is_token(name.decode("latin-1")):
                yield name, value.strip(b" \t")

    decode_header_lines.like_chromium = True  # type: ignore[attr-defined]
    _readers._decode_header_lines = decode_header_lines


def use_browser_limits() -> None:
    """For the command line only: URLs up to 2 MiB and header lines read as Chromium reads them."""
    lift_url_limit()
    lenient_header_lines()


def excerpt(body: bytes) -> str:
    """The start of a reply body as text, for fingerprints and error hints."""
    return body[: EXCERPT_CHARS * 2].decode("utf-8", "replace")[:EXCERPT_CHARS]


def to_response(resp: httpx.Response, body: bytes) -> Response:
    # Header bytes above 0x7F (obs-text) are kept as the Latin-1 characters browsers map them to.
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw)
    reason = resp.extensions.get("reason_phrase", b"")
    return Response(
        status=resp.status_code,
        headers=headers,
        reason=reason.decode("latin-1") if isinstance(reason, bytes) else resp.reason_phrase,
        body_excerpt=excerpt(body),
        http_version=resp.http_version,
    )


def header_bytes(name: str, value: str) -> tuple[bytes, bytes]:
    # Script-set values are ByteStrings (one byte per character up to U+00FF); the cookie jar holds UTF-8.
    encoding = "utf-8" if name.lower() == "cookie" else "latin-1"
    return name.encode("ascii"), value.encode(encoding, "replace")


def build_request(httpx: Any, req: OutgoingRequest, timeout: float) -> httpx.Request:
    content = req.body.encode("utf-8") if req.body is not None else None
    headers = [header_bytes(name, value) for name, value in req.headers]
    request = httpx.Request(
        req.method, req.url, headers=headers, content=content, extensions={"timeout": httpx.Timeout(timeout).as_dict()}
    )
    request.method = req.method  # httpx uppercases; browsers send `patch` as written
    return request


def is_timeout(exc: BaseException) -> bool:
    """httpx's, asyncio's and the builtin timeouts alike (a slow body is cut, not an error)."""
    return isinstance(exc, TimeoutError) or any(k.__name__ == "TimeoutException" for k in type(exc).__mro__)
